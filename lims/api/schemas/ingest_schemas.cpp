// Response schemas of instruments and what comes from them: the registry and its test
// mappings (routes/instrument_routes.cpp), the gateways' ingest and host query
// (ingest_routes.cpp, worklist_routes.cpp), quarantine and raw messages
// (quarantine_routes.cpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

#include "lims/api/person_names.hpp"

namespace lims::api::schemas {

namespace {

FieldSchema instrument() {
    return object({field::integer("id"), field::string("code"), field::integer("org_id"), field::string("name"),
                   field::string("family"), field::string("transport"), field::string("address"),
                   field::string("options").describedAs("The driver's options as JSON text"), field::boolean("active"),
                   field::integer("version"), field::string("organisation_code"),
                   object("link", {field::string("state"), dateTime("since"), field::string("last_error"),
                                   field::integer("messages"), field::integer("failures"), field::integer("connections"),
                                   field::integer("refused_peers")})
                       .optional()
                       .describedAs("The driver's link when this process runs it")});
}

FieldSchema mapping() {
    return object({field::integer("id"), field::integer("instrument_id"), field::string("instrument_test_code"),
                   field::string("test_code"), field::string("instrument_unit"), field::string("result_unit"),
                   field::string("factor"), field::string("offset"), field::boolean("active"), field::integer("version")});
}

FieldSchema quarantineEntry() {
    return object({field::integer("id"), field::integer("org_id"), field::string("instrument"),
                   field::integer("raw_message_id"), field::integer("position"), field::string("specimen_id"),
                   field::string("instrument_test_code"),
                   anyObject("observation").describedAs("The observation as the driver decoded it"),
                   field::string("reason_code"), field::string("reason"),
                   field::string("state").oneOf({"open", "assigned", "discarded"}),
                   field::string("resolved_by").optional().describedAs("The username who assigned or discarded it"),
                   person_name_field("resolved_by").optional(),
                   dateTime("resolved_at").optional(), field::string("resolution_reason").optional(),
                   field::integer("result_id").optional(), field::integer("version"), dateTime("created_at")});
}

}  // namespace

void addIngestDocs(Catalogue& docs) {
    docs["listInstruments"] = {pageQuery(), {ok(page(instrument()))}};
    docs["createInstrument"] = {{}, {created(instrument())}};
    docs["getInstrument"] = {{}, {ok(instrument())}};
    docs["updateInstrument"] = {{}, {ok(instrument())}};
    docs["listInstrumentMappings"] = {{}, {ok(items(mapping()))}};
    docs["createInstrumentMapping"] = {{}, {created(mapping())}};
    docs["updateInstrumentMapping"] = {{}, {ok(mapping())}};

    docs["ingestObservations"] = {
        {},
        {ok(object({field::integer("accepted"), field::integer("quarantined"), field::integer("duplicates"),
                    field::integer("refused"),
                    field::array("messages",
                                 object({field::integer("index"),
                                         field::string("status").oneOf({"committed", "duplicate", "refused"}),
                                         field::integer("raw_message_id").optional(), field::integer("accepted").optional(),
                                         field::integer("quarantined").optional(), field::integer("duplicates").optional(),
                                         field::string("code").optional(), field::string("reason").optional()}))}),
            "Each message's outcome, in order.")}};
    docs["ingestReadings"] = {
        {},
        {ok(object({field::integer("received"), field::integer("stored"), field::integer("duplicates"),
                    field::integer("rejected"), field::integer("flagged"),
                    field::array("problems", object({field::integer("index"), field::string("logger"),
                                                     field::integer("at_utc"), field::string("code"),
                                                     field::string("detail"), field::boolean("stored")}))}))}};
    docs["getInstrumentOrders"] = {
        {query::string("instrument", "The instrument's registry code; required."),
         query::string("specimen", "Specimen ids (sample numbers) separated by commas; required.")},
        {ok(object({field::string("instrument"),
                    field::array("orders", object({field::string("specimen"),
                                                   field::array("tests", field::string("")).describedAs(
                                                       "The instrument's own test codes")})),
                    field::array("noOrders", object({field::string("specimen"), field::string("code"),
                                                     field::string("reason")}))}))}};

    docs["listQuarantine"] = {
        pageQuery({query::string("state", "open (default), assigned or discarded.").oneOf({"open", "assigned", "discarded"})}),
        {ok(page(quarantineEntry()))}};
    docs["getQuarantineEntry"] = {{}, {ok(quarantineEntry())}};
    docs["assignQuarantineEntry"] = {{}, {ok(quarantineEntry())}};
    docs["discardQuarantineEntry"] = {{}, {ok(quarantineEntry())}};
    docs["getRawMessage"] = {
        {},
        {ok(object({field::integer("id"), field::string("instrument"), field::string("protocol"), dateTime("received_at"),
                    field::string("sha256"), field::string("bytes_base64").describedAs("The bytes exactly as received")}))}};
}

}  // namespace lims::api::schemas
