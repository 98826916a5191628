// Response schemas of sampling: plans, tasks, samples and shipments
// (routes/sampling_plan_routes.cpp, plan_list_routes.cpp, sample_routes.cpp,
// shipment_routes.cpp, shipment_list_routes.cpp; the JSON of sampling_common.hpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

#include "lims/api/person_names.hpp"

namespace lims::api::schemas {

namespace {

const std::vector<std::string> kStorage{"ambient", "cool", "refrigerated", "frozen"};

FieldSchema quota() {
    return object({field::integer("id"), field::integer("office_id"), field::string("office_code"),
                   field::string("office_name"),
                   field::string("office_kind").oneOf({"supervision_office", "enforcement_unit", "inspection_centre"}),
                   field::string("category"), field::string("focus"), field::integer("quantity"), date("due_on"),
                   field::array("focus_tags", field::string("")),
                   field::array("months", object({field::string("month"),
                                                  field::integer("quantity").orNull().describedAs("null: not asked for that month"),
                                                  field::integer("registered").optional()}))
                       .describedAs("Batches per month asked for, and registered per Beijing month (GET only)"),
                   field::integer("registered").optional().describedAs("Samples registered against it (GET only)"),
                   field::integer("remaining").optional()});
}

FieldSchema plan() {
    return object({field::string("code"), field::string("title"), field::integer("organisation_id"), field::integer("year"),
                   field::string("state"), date("starts_on"), date("ends_on"), field::integer("version"),
                   field::array("quotas", quota()),
                   field::array("phases", object({field::string("name"), date("starts_on"), date("ends_on"),
                                                  date("summary_due_on").orNull()}))});
}

FieldSchema planSummary() {
    return object({field::string("code"), field::string("title"), field::integer("organisation_id"), field::integer("year"),
                   field::string("state"), date("starts_on"), date("ends_on"), field::integer("version"),
                   field::integer("quota_lines"), field::integer("quantity"), field::integer("registered")});
}

FieldSchema task(std::string name = "") {
    auto t = object({field::string("number"), field::integer("plan_id"),
                     field::integer("quota_id").optional(), field::integer("office_id"), field::string("state"),
                     date("due_on"), field::integer("version"),
                     field::array("focus_tags", field::string("").describedAs("a focus-variety tag code (GET /api/v1/focus-tags)"))});
    t.name = std::move(name);
    return t;
}

std::vector<FieldSchema> sampleSummaryFields() {
    return {field::string("number"),
            field::integer("organisation_id"),
            field::string("product_name"),
            field::string("batch_number"),
            field::integer("product_id").orNull().describedAs("The catalogue product; null: registered from its label alone"),
            field::string("storage_condition").oneOf(kStorage),
            dateTime("sampled_at"),
            field::string("state"),
            field::integer("version")};
}

FieldSchema sampleSummary() { return object(sampleSummaryFields()); }

// Issue 16 items 8 and 9 (sampling_common.hpp field_record_json): null where not recorded.
std::vector<FieldSchema> deliveryFields() {
    return {field::string("carrier"), field::string("tracking_number"), date("received_on").orNull(), field::string("note")};
}

std::vector<FieldSchema> fieldRecordFields() {
    auto history = deliveryFields();
    history.push_back(field::string("recorded_by"));
    history.push_back(dateTime("recorded_at"));
    return {field::string("sampling_stage").oneOf({"production", "distribution", "use"}).orNull(),
            object("supplier", {field::string("name"), field::string("credit_code")}).orNull(),
            field::string("stock_quantity").orNull(),
            object("unit_contact", {field::string("name"), field::string("phone")}).orNull(),
            object("purchase", {field::string("price"), field::string("payment_method").orNull(),
                                field::string("payment_reference")})
                .orNull(),
            field::array("sampler_certificates", object({field::integer("user_id"), field::string("certificate_number")})),
            object("online", {field::string("platform_name"), field::string("platform_credit_code"),
                              field::string("platform_region_code"), field::string("shop_name"), field::string("shop_url"),
                              field::string("shop_region_code"), field::string("shop_address"),
                              field::string("order_number"), field::string("receiving_address"),
                              object("delivery", deliveryFields()).orNull(),
                              field::array("deliveries", object(history))})
                .orNull()};
}

FieldSchema sample() {
    auto fields = sampleSummaryFields();
    for (auto f : {field::string("task_number"), field::integer("entity_id").optional(),
                   object("product", {field::string("name"), field::string("category"), field::string("dosage_form"),
                                      field::string("specification"), field::string("approval_number"),
                                      field::string("manufacturer_name"), field::string("manufacturer_credit_code")})
                       .optional(),
                   date("production_date").optional(), date("expiry_date").optional(), field::string("quantity"),
                   field::string("unit"),
                   field::array("portions", object({field::string("kind"), field::string("quantity"), field::string("unit")})),
                   field::array("seal_numbers", field::string("")), field::array("sampler_user_ids", field::integer("")),
                   field::array("trace_codes", field::string("")), field::string("sampling_place"),
                   field::array("receipts",
                                object({field::string("decision"), field::string("reason"), field::integer("receiver_user_id"),
                                        field::integer("laboratory_id"),
                                        object("checklist", {field::boolean("seals_intact"), field::boolean("seal_numbers_match"),
                                                             field::boolean("labels_match"), field::boolean("quantity_matches"),
                                                             field::string("package_condition"),
                                                             field::boolean("temperature_record_ok").optional(),
                                                             field::string("cold_chain_verdict").optional()}),
                                        dateTime("received_at")}))})
        fields.push_back(f);
    for (auto f : fieldRecordFields()) fields.push_back(f);
    return object(std::move(fields));
}

FieldSchema attachment() {
    return object({field::integer("id"), field::string("purpose"), field::string("sha256"),
                   field::string("media_type").oneOf({"image/jpeg", "image/png", "application/pdf"}), field::integer("size"),
                   field::string("file_name"), field::string("note"), field::string("uploaded_by"),
                   person_name_field("uploaded_by"), dateTime("created_at"),
                   field::string("content_url").describedAs("GET it for the bytes")});
}

std::vector<FieldSchema> shipmentFields() {
    return {field::integer("id").describedAs("For /api/v1/coldchain/shipments/{id}/..."),
            field::string("number"),
            field::integer("from_organisation_id"),
            field::integer("laboratory_id"),
            field::string("state"),
            field::string("carrier"),
            field::string("logger_serial").orNull(),
            dateTime("departed_at").orNull(),
            dateTime("arrived_at").orNull(),
            field::array("samples", object({field::string("sample_number"), field::string("receipt_condition").orNull()})),
            field::integer("version")};
}

FieldSchema shipment() { return object(shipmentFields()); }

FieldSchema listedShipment() {
    auto fields = shipmentFields();
    fields.push_back(field::string("from_organisation_name"));
    fields.push_back(field::string("laboratory_name"));
    fields.push_back(dateTime("created_at"));
    return object(std::move(fields));
}

FieldSchema transportBox() {
    return object({field::integer("shipment_id"), field::string("shipment_number"), field::string("state"),
                   object("box", {field::integer("storage_unit_id"), field::string("code"), field::string("name"),
                                  field::string("storage_class"), field::integer("min_centi_celsius"),
                                  field::integer("max_centi_celsius")})
                       .orNull(),
                   object("logger", {field::string("serial"), field::integer("placed_from_utc").orNull(),
                                     field::integer("placed_to_utc").orNull(), field::integer("readings"),
                                     field::integer("first_reading_utc").orNull(),
                                     field::integer("last_reading_utc").orNull()})
                       .orNull()});
}

}  // namespace

void addSamplingDocs(Catalogue& docs) {
    docs["createSamplingPlan"] = {{}, {created(plan(), "The plan, a draft; ETag: its version.")}};
    docs["getSamplingPlan"] = {{}, {ok(plan(), "The plan with each quota's progress; ETag: its version.")}};
    docs["listSamplingPlans"] = {
        pageQuery({query::integer("year", "Plans of this year."), query::string("state", "draft or published.")}),
        {ok(page(planSummary()))}};
    docs["publishSamplingPlan"] = {{}, {ok(object({field::array("tasks", task())}), "The tasks made, one per quota.")}};
    docs["listTasks"] = {pageQuery(), {ok(page(task()))}};
    docs["getTask"] = {{}, {ok(task())}};
    docs["startTask"] = {{}, {ok(task())}};

    docs["registerSample"] = {{}, {created(sampleSummary(), "The sample; ETag: its version; Location: its URL.")}};
    docs["listSamples"] = {
        pageQuery({query::string("state", "Samples in this state."), query::string("task", "Samples of this task number.")}),
        {ok(page(sampleSummary()))}};
    docs["getSample"] = {{}, {ok(sample())}};
    docs["getSampleCustody"] = {
        {},
        {ok(object({field::string("sample_number"), field::string("state"),
                    field::array("events", object({field::string("action"), field::string("from_state"),
                                                   field::string("to_state"), field::string("actor"),
                                                   field::integer("holder_organisation_id"),
                                                   field::string("holder_organisation_code"), field::string("place"),
                                                   field::string("shipment_number").orNull(), field::string("note"),
                                                   dateTime("at")}))}),
            "The chain of custody, oldest first.")}};
    {
        auto summary = sampleSummaryFields();
        summary.push_back(field::string("decision").oneOf({"accept", "reject"}));
        docs["receiveSample"] = {{}, {ok(object(std::move(summary)))}};
    }
    docs["linkSampleProduct"] = {{}, {ok(sampleSummary())}};
    docs["recordSampleDelivery"] = {{}, {ok(sampleSummary(), "The sample; ETag: its new version.")}};
    for (const std::string noun : {"Sample", "CaseLead"}) {
        docs["attach" + noun + "File"] = {{}, {created(attachment(), "The attachment; Location: its content.")}};
        docs["list" + noun + "Attachments"] = {{}, {ok(items(attachment()), "Oldest first.")}};
        docs["get" + noun + "Attachment"] = {{},
                                             {media(200, "image/jpeg", "The file, as a download."),
                                              media(200, "image/png", "The file, as a download."),
                                              media(200, "application/pdf", "The file, as a download.")}};
    }

    docs["createShipment"] = {{}, {created(shipment())}};
    docs["getShipment"] = {{}, {ok(shipment())}};
    docs["dispatchShipment"] = {{}, {ok(shipment())}};
    docs["arriveShipment"] = {{}, {ok(shipment())}};
    docs["listShipments"] = {
        pageQuery({query::string("direction", "sent or incoming, from the caller's side.").oneOf({"sent", "incoming"}),
                   query::string("state", "ready, in_transit or arrived.").oneOf({"ready", "in_transit", "arrived"}),
                   query::string("sample_number", "Shipments carrying this sample.")}),
        {ok(page(listedShipment()), "Newest first.")}};
    docs["getShipmentTransportBox"] = {{}, {ok(transportBox())}};
    docs["listLaboratories"] = {
        pageQuery(),
        {ok(page(object({field::integer("id"), field::string("code"), field::string("name"), field::string("region_code")})))}};
}

}  // namespace lims::api::schemas
