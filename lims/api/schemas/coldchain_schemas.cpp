// Response schemas of the cold chain: storage units, contacts, loggers and their polling,
// placements, readings, recording gaps, alarms, excursions and their rules, the site board,
// recording compliance and a trip's verdict (routes/coldchain_*_routes.cpp,
// logger_registration_routes.cpp; rows as the store's to_json renders them). Times named
// *_utc are Unix seconds; temperatures are hundredths of a degree Celsius. See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

namespace lims::api::schemas {

namespace {

FieldSchema centi(std::string name) {
    return field::integer(std::move(name)).describedAs("Hundredths of a degree Celsius");
}
FieldSchema utc(std::string name) { return field::integer(std::move(name)).describedAs("Unix seconds (UTC)"); }

std::vector<FieldSchema> storageUnitFields() {
    return {field::integer("id"),
            field::string("code"),
            field::integer("org_id"),
            field::integer("entity_id").optional(),
            field::string("name"),
            field::string("kind"),
            field::string("storage_class").oneOf({"refrigerated", "frozen", "cool", "ambient"}),
            centi("min_centi_celsius"),
            centi("max_centi_celsius"),
            field::string("product_class").optional(),
            field::boolean("active"),
            field::integer("version")};
}

FieldSchema storageUnit() { return object(storageUnitFields()); }

FieldSchema placement(std::string name = "") {
    auto p = object({field::integer("id"), field::integer("logger_id"), field::integer("storage_unit_id").optional(),
                     field::integer("shipment_id").optional(), utc("from_utc"), utc("to_utc").optional()});
    p.name = std::move(name);
    return p;
}

std::vector<FieldSchema> pollingFields() {
    return {field::integer("logger_id"),
            field::string("logger").describedAs("The logger's serial"),
            field::string("transport").oneOf({"modbus_tcp", "modbus_rtu"}),
            field::string("address"),
            field::string("serial").optional().describedAs("modbus_rtu line settings (absent for TCP)"),
            field::integer("unit_id"),
            field::string("map_file"),
            anyObject("register_map").optional().describedAs("The register map given in-line"),
            field::string("point"),
            field::integer("interval_seconds"),
            field::integer("timeout_ms"),
            field::integer("retries"),
            field::boolean("active"),
            field::integer("version")};
}

FieldSchema link(std::vector<FieldSchema> counters) {
    std::vector<FieldSchema> fields{field::string("state"), dateTime("since"), field::string("last_error")};
    for (auto& c : counters) fields.push_back(std::move(c));
    return object("link", std::move(fields)).optional().describedAs("The driver's link, when this service polls it");
}

FieldSchema polling() {
    auto fields = pollingFields();
    fields.push_back(link({field::integer("polls"), field::integer("failures")}));
    fields.push_back(field::array("warnings", object({field::string("code"), field::string("message")}))
                         .describedAs("Settings nothing acts on: no drivers in this service, no gateway's readings"));
    return object(std::move(fields));
}

FieldSchema logger() {
    auto p = object("polling", pollingFields()).orNull().optional().describedAs("Administrators only; null: not polled");
    return object({field::integer("id"), field::string("serial"), field::string("model"), field::integer("org_id"),
                   field::integer("version"), field::string("organisation_code"), placement("placement").orNull(), p,
                   link({field::integer("polls"), field::integer("failures")})});
}

FieldSchema bucket() {
    return object({utc("from_utc"), utc("to_utc"), field::integer("readings"), centi("min_centi_celsius").optional(),
                   centi("max_centi_celsius").optional(), field::decimal("mean_centi_celsius").optional(),
                   field::integer("sensor_faults")});
}

FieldSchema gap() {
    return object({utc("from_utc"), utc("to_utc"), field::integer("allowed_s"), field::string("requirement")});
}

FieldSchema alarm() {
    return object({field::integer("id"), field::integer("logger_id"), field::integer("org_id"),
                   field::integer("storage_unit_id").optional(), field::integer("shipment_id").optional(),
                   field::integer("excursion_id").optional(), field::string("kind"), field::string("side").optional(),
                   utc("raised_at_utc"), utc("since_utc"), centi("centi_celsius").optional(), field::string("detail"),
                   utc("cleared_at_utc").optional(), field::integer("acknowledged_by").optional(),
                   dateTime("acknowledged_at").optional(), field::string("acknowledgement_note").optional(),
                   field::integer("escalation_level"), utc("escalate_at_utc").optional(), field::integer("version")});
}

FieldSchema excursion() {
    return object({field::integer("id"), field::integer("logger_id"), field::integer("placement_id"),
                   field::integer("storage_unit_id").optional(), field::integer("shipment_id").optional(),
                   field::string("rule").describedAs("The rule that fired"), field::string("kind"),
                   field::string("accumulation"), utc("start_utc"), utc("opened_at_utc"), utc("end_utc").optional(),
                   centi("min_centi_celsius").optional(), centi("max_centi_celsius").optional(),
                   field::integer("time_out_of_range_s").optional().describedAs("Seconds outside the rule's limit"),
                   field::decimal("mkt_celsius").optional().describedAs("Mean kinetic temperature over the excursion, °C"),
                   field::integer("readings").optional(), field::string("ended_by").optional(), field::string("state"),
                   field::integer("case_lead_id").optional(),
                   field::string("rule_source").describedAs("Where the rule came from: default, product class or unit"),
                   field::integer("rule_version_id").optional(),
                   field::string("rule_detail").describedAs("The rule in words: limit, duration, accumulation")});
}

FieldSchema contact() {
    return object({field::integer("id"), field::integer("org_id"), field::integer("entity_id").optional(),
                   field::string("name"), field::integer("user_id").optional(), field::string("email"),
                   field::string("phone"), field::integer("escalation_level"), field::boolean("active"),
                   field::integer("replaces_id").optional(), dateTime("ended_at").optional(),
                   field::string("ended_by").optional(), dateTime("created_at")});
}

FieldSchema ruleLine() {
    return object({field::string("name"), field::string("comparison"), centi("threshold_centi_celsius"),
                   field::integer("duration_s"), field::string("accumulation"), field::string("kind"),
                   field::string("meaning"), field::string("from")});
}

std::vector<FieldSchema> ruleSetFields() {
    return {field::string("storage_class"),       centi("min_centi_celsius").optional(),
            centi("max_centi_celsius").optional(), field::integer("alarm_confirmation_s"),
            field::integer("recording_interval_s"), field::integer("offline_alarm_after_s"),
            field::integer("record_gap_after_s"),  field::array("excursions", ruleLine())};
}

FieldSchema layer(std::string name = "") {
    auto l = object({field::string("source"), field::integer("version_id").optional(), field::integer("version").optional(),
                     field::string("label")});
    l.name = std::move(name);
    return l;
}

FieldSchema ruleVersion() {
    return object({field::integer("id"), field::string("scope"), field::integer("storage_unit_id").optional(),
                   field::string("product_class").optional(), field::string("storage_class").optional(),
                   field::integer("version"), field::boolean("withdrawn"), centi("min_centi_celsius").optional(),
                   centi("max_centi_celsius").optional(), field::integer("alarm_confirmation_s").optional(),
                   field::integer("recording_interval_s").optional(), field::integer("offline_alarm_after_s").optional(),
                   field::array("excursions", anyObject()), field::string("reason"), field::string("created_by"),
                   dateTime("created_at")});
}

FieldSchema unitRules() {
    auto inForce = ruleSetFields();
    inForce.push_back(field::string("source"));
    inForce.push_back(field::integer("version_id").optional());
    inForce.push_back(field::string("label"));
    inForce.push_back(field::array("layers", layer()));
    inForce.push_back(layer("excursions_from"));
    return object({field::integer("storage_unit_id"), field::string("storage_unit_code"),
                   field::string("product_class").optional(), object("in_force", std::move(inForce)),
                   field::integer("version"), field::array("versions", ruleVersion())});
}

FieldSchema classRules() {
    return object({field::string("product_class"), field::string("storage_class"), field::integer("version"),
                   field::boolean("in_force"), field::array("versions", ruleVersion()),
                   field::array("storage_units", field::integer(""))});
}

FieldSchema siteStatus() {
    auto fields = storageUnitFields();
    for (auto f : {field::integer("logger_id").optional(), utc("last_reading_utc").optional(),
                   centi("last_centi_celsius").optional(), field::integer("open_alarms").optional(),
                   field::string("logger_serial").optional(),
                   utc("no_data_since_utc").optional().describedAs("The logger has sent nothing since then"),
                   field::integer("stale_after_s").optional().describedAs("Silence after which the unit shows no data"),
                   field::string("link_state").optional().describedAs("The driver's link, when this service polls it"),
                   field::string("state")})
        fields.push_back(f);
    return object(std::move(fields));
}

FieldSchema compliance() {
    return object({utc("from_utc"), utc("to_utc"), field::boolean("compliant"),
                   field::array("sites",
                                object({field::integer("entity_id").optional(), field::integer("org_id"),
                                        field::string("name"), field::boolean("compliant"), field::integer("storage_units"),
                                        field::integer("gaps"), field::integer("longest_gap_s"),
                                        field::array("unwatched_units", anyObject()),
                                        field::array("placements",
                                                     object({field::integer("logger_id"), field::string("logger_serial"),
                                                             field::integer("storage_unit_id"),
                                                             field::string("storage_unit_code"), utc("from_utc"),
                                                             utc("to_utc"), field::integer("records"),
                                                             field::boolean("compliant"), field::array("gaps", gap())}))}))});
}

FieldSchema verdict() {
    return object({field::integer("shipment_id"), field::integer("logger_id").optional(), utc("departure_utc"),
                   utc("receipt_utc"), field::string("verdict").describedAs("The verdict in words"),
                   field::string("outcome"), field::string("summary"),
                   object("range", {centi("min_centi_celsius").orNull(), centi("max_centi_celsius").orNull()})
                       .describedAs("The range judged against: the transport box's, or 2–8 °C without one"),
                   field::array("excursions",
                                object({field::string("rule"), field::string("kind"), utc("start_utc"), utc("end_utc"),
                                        centi("min_centi_celsius"), centi("max_centi_celsius"),
                                        field::integer("time_out_of_range_s"), field::decimal("mkt_celsius")})),
                   field::array("chart", bucket()),
                   field::array("samples", object({field::integer("sample_id"), field::string("number"),
                                                   field::string("storage_condition"), field::string("verdict")}))});
}

std::vector<FieldSchema> period() {
    return {query::integer("from", "From this instant (Unix seconds)."),
            query::integer("to", "Up to this instant (Unix seconds; default now).")};
}

}  // namespace

void addColdChainDocs(Catalogue& docs) {
    docs["createStorageUnit"] = {{}, {created(storageUnit())}};
    docs["listStorageUnits"] = {{}, {ok(items(storageUnit()))}};
    docs["addColdChainContact"] = {
        {}, {created(object({field::integer("id"), field::string("name"), field::integer("escalation_level")}))}};
    docs["listStorageUnitContacts"] = {
        {query::boolean("history", "true: ended and replaced contacts too.")}, {ok(items(contact()))}};
    docs["changeColdChainContact"] = {{}, {ok(contact(), "The contact that replaces it.")}};
    docs["removeColdChainContact"] = {{}, {ok(contact(), "The contact, ended.")}};

    docs["registerLogger"] = {{}, {created(logger())}};
    docs["listLoggers"] = {pageQuery(), {ok(page(logger()))}};
    docs["getLogger"] = {{}, {ok(logger())}};
    docs["updateLogger"] = {{}, {ok(logger())}};
    docs["getLoggerPolling"] = {{}, {ok(polling())}};
    docs["setLoggerPolling"] = {{}, {ok(polling())}};
    docs["placeLogger"] = {{}, {created(placement())}};
    docs["listLoggerPlacements"] = {{}, {ok(items(placement()), "Oldest first.")}};
    {
        auto q = period();
        q.push_back(query::integer("points", "At most this many buckets."));
        docs["loggerReadings"] = {
            q, {ok(object({field::integer("logger_id"), field::array("buckets", bucket())}), "The chart's buckets.")}};
    }
    docs["loggerRecordingGaps"] = {
        period(), {ok(object({field::integer("logger_id"), field::boolean("compliant"), field::array("gaps", gap())}))}};

    docs["listColdChainAlarms"] = {
        {query::boolean("open", "true: only alarms not yet acknowledged or cleared."),
         query::integer("logger_id", "Alarms of this logger."), query::integer("after_id", "Alarms after this id.")},
        {ok(items(alarm()))}};
    docs["acknowledgeColdChainAlarm"] = {{}, {ok(alarm())}};
    docs["listExcursions"] = {
        {query::integer("logger_id", "Excursions of this logger."),
         query::integer("storage_unit_id", "Excursions at this storage unit."),
         query::integer("after_id", "Excursions after this id.")},
        {ok(items(excursion()))}};
    docs["coldChainSiteStatus"] = {{}, {ok(items(siteStatus()), "Each storage unit's state now.")}};
    docs["recordingComplianceBySite"] = {period(), {ok(compliance())}};

    docs["bindTransportBox"] = {{}, {noContent("The box is bound to the shipment.")}};
    docs["shipmentColdChainVerdict"] = {
        {query::integer("receipt_utc", "Judge the trip up to this instant (Unix seconds; default now).")},
        {ok(verdict())}};

    docs["defaultExcursionRules"] = {
        {}, {ok(items([] {
                 auto fields = ruleSetFields();
                 fields.push_back(field::string("context"));
                 fields.push_back(field::string("label"));
                 return object(std::move(fields));
             }()),
                "The built-in rules (WHO / GSP), named as such.")}};
    docs["getStorageUnitExcursionRules"] = {{}, {ok(unitRules())}};
    docs["setStorageUnitExcursionRules"] = {{}, {ok(unitRules())}};
    docs["getProductClassExcursionRules"] = {{}, {ok(classRules())}};
    docs["setProductClassExcursionRules"] = {{}, {ok(classRules())}};
}

}  // namespace lims::api::schemas
