// Response schemas of the review chain and its documents: worklists, tests and results,
// reports, notices, case leads, re-inspection (routes/review_*_routes.cpp, result_routes.cpp,
// notice_list_routes.cpp; the records' JSON is the store's to_json), the PDFs, the public
// report check, overdue items and statistics (routes/document_routes.cpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

#include "lims/api/person_names.hpp"

namespace lims::api::schemas {

namespace {

// The retained portion (留样) handed over to the re-inspection laboratory.
FieldSchema retainedPortionHandover() {
    return object("handover", {field::string("action"), field::string("actor"), person_name_field("actor"),
                               field::integer("holder_organisation_id"),
                               field::string("holder_organisation_code"),
                               field::string("note").describedAs("The laboratory, the seals checked and who received it"),
                               dateTime("at")});
}

FieldSchema test() {
    return object({field::integer("id"), field::integer("sample_id"), field::integer("spec_line_id"),
                   field::integer("spec_line_version"), field::string("test_code"), field::string("test_name"),
                   field::string("state"), field::integer("round"),
                   field::integer("assigned_to").optional().describedAs("absent: not assigned"),
                   field::integer("instrument_id").optional(), field::integer("version")});
}

std::vector<FieldSchema> reportFields() {
    return {field::integer("id"),
            field::string("number"),
            field::integer("sample_id"),
            field::string("state"),
            field::integer("round"),
            field::integer("supersedes_report_id").optional(),
            field::string("conclusion").optional(),
            field::boolean("serious_risk"),
            field::string("content_sha256").optional(),
            field::string("pdf_sha256").optional(),
            field::integer("approved_by").optional(),
            dateTime("approved_at").optional(),
            field::integer("issued_by").optional(),
            dateTime("issued_at").optional(),
            field::integer("version"),
            anyObject("content").optional().describedAs(
                "The report's judged content as signed (sample, tests, results, verdicts), the document the PDF renders")};
}

FieldSchema notice() {
    return object({field::integer("id"), field::string("number"), field::integer("sample_id").optional(),
                   field::integer("report_id").optional(),
                   field::string("sample_number").optional().describedAs("The sample's number (D2026-...)"),
                   field::string("product_name").optional().describedAs("The product as registered on the sample"),
                   field::string("report_number").optional().describedAs("The report that gave the notice"),
                   field::string("recipient"), field::integer("to_org_id").optional(),
                   field::boolean("external"), field::string("external_region_code").optional(),
                   field::string("external_recipient"), field::boolean("serious_risk"), field::string("state"),
                   dateTime("due_at"),
                   field::boolean("deadline_provisional").optional().describedAs("true: counted on a provisional calendar"),
                   dateTime("acknowledged_at").optional(), field::integer("acknowledged_by").optional(),
                   field::string("acknowledgement_reference").optional(), field::integer("version")});
}

FieldSchema caseLead() {
    return object({field::integer("id"),
                   field::string("number"),
                   field::string("source"),
                   field::integer("sample_id").optional(),
                   field::integer("report_id").optional(),
                   field::integer("entity_id").optional(),
                   field::integer("logger_id").optional(),
                   field::integer("manufacturer_entity_id").optional(),
                   field::string("manufacturer_name"),
                   field::integer("product_id").optional(),
                   field::string("product_name"),
                   field::string("batch_number"),
                   field::string("summary"),
                   field::array("findings", object({field::string("item"), field::string("detail")})),
                   field::array("evidence", object({field::string("kind"), field::string("ref"), field::string("label")})),
                   field::integer("assigned_org_id"),
                   field::string("state"),
                   dateTime("received_at"),
                   dateTime("deadline_at"),
                   field::boolean("deadline_provisional").optional(),
                   field::boolean("extended"),
                   field::string("extension_approval").optional(),
                   field::string("decision").optional(),
                   field::string("decision_reason").optional(),
                   field::string("receiving_body").optional(),
                   field::string("approval").optional(),
                   field::string("reference").optional(),
                   field::integer("version")});
}

FieldSchema resultView() {
    return object({field::integer("test_id"), field::integer("sample_id"), field::string("sample_number"),
                   field::string("test_code"), field::string("state"), field::string("item"), field::string("requirement"),
                   field::string("standard"), field::integer("decimal_places").orNull(),
                   object("result", {field::integer("id"), field::string("value"), field::string("unit"),
                                     field::string("source"), field::integer("raw_message_id").orNull(),
                                     field::string("flags"), dateTime("entered_at")})
                       .orNull(),
                   field::string("rounded").orNull(), field::string("verdict").orNull(), field::boolean("warning"),
                   field::string("explanation")});
}

// A figure: numerator / denominator, value null when there is no denominator.
FieldSchema rate(std::string name) {
    return object(std::move(name), {field::integer("numerator"), field::integer("denominator"),
                                    field::decimal("value").orNull()});
}

// A table's rows: one object per row, its columns as keys, each value text.
FieldSchema tableRows(std::string name, std::string columns) {
    return field::array(std::move(name), mapOf("", field::string(""))).describedAs("Rows keyed by column: " + columns);
}

std::vector<FieldSchema> statisticsFilters(std::vector<FieldSchema> more = {}) {
    std::vector<FieldSchema> q{query::date("from", "From this day (Beijing)."), query::date("to", "Up to this day."),
                               query::string("period", "A period instead of from/to, e.g. 2026, 2026-Q1 or 2026-03."),
                               query::string("category", "Product category."), query::string("variety", "Product name."),
                               query::string("manufacturer", "Manufacturer name."),
                               query::integer("office", "Organisation id of a supervision office."),
                               query::string("format", "json (default) or csv; or Accept: text/csv.").oneOf({"json", "csv"})};
    for (auto& f : more) q.push_back(std::move(f));
    return q;
}

const char* kCsv = "text/csv";

}  // namespace

void addReviewDocs(Catalogue& docs) {
    docs["listTestWorklist"] = {
        pageQuery({query::integer("instrument_id", "Tests routed to this instrument."),
                   query::integer("assigned_to", "Tests assigned to this analyst (user id)."),
                   query::string("test_code", "Tests of this test code.")}),
        {ok(page(test()), "Open tests of the caller's jurisdiction.")}};
    docs["listTestResults"] = {
        {query::string("test_id", "Test ids separated by commas; required.")},
        {ok(items(resultView()), "Each test's latest result with its judgement.")}};
    docs["getTest"] = {{}, {ok(test(), "The test; ETag: its version.")}};
    docs["enterResult"] = {{}, {created(object({field::integer("result_id"), field::integer("test_id"),
                                                field::string("test_state")}),
                                        "The result; ETag: the test's new version.")}};
    docs["reviewResult"] = {{}, {ok(test())}};
    docs["verifyResult"] = {{}, {ok(test())}};

    docs["draftReport"] = {{}, {created(object(reportFields()), "The draft; ETag: its version.")}};
    docs["getReport"] = {{}, {ok(object(reportFields()))}};
    docs["approveReport"] = {{}, {ok(object(reportFields()))}};
    {
        auto issued = reportFields();
        issued.push_back(field::array("notices", notice()));
        auto lead = caseLead();
        lead.name = "case_lead";
        issued.push_back(lead.optional().describedAs("The case lead a nonconforming report opened"));
        issued.push_back(object("case_lead_problem", {field::string("code"), field::string("message")})
                             .optional()
                             .describedAs("Why no case lead could be opened (the report is issued regardless)"));
        docs["issueReport"] = {{}, {ok(object(std::move(issued)), "The issued report with its notices and case lead.")}};
    }
    docs["getReportPdf"] = {{}, {media(200, "application/pdf", "The issued report as PDF/A.")}};
    docs["getSamplingRecordPdf"] = {{}, {media(200, "application/pdf", "The sampling record (抽样单) as PDF.")}};
    docs["verifyReport"] = {
        {query::string("h", "The first characters of the report's hash, as printed under its QR code.")},
        {ok(object({field::boolean("verified"), field::string("message")}),
            "Whether a report of that number exists unaltered; the same words for unknown and altered.")}};

    docs["listNotices"] = {
        pageQuery({query::string("state", "Notices in this state."),
                   query::boolean("overdue", "true: only notices past their deadline.")}),
        {ok(object({field::array("items", notice()),
                    field::string("next_cursor").orNull(),
                    field::integer("count").describedAs("All notices that match, over every page")}))}};
    docs["acknowledgeNotice"] = {{}, {ok(notice())}};
    docs["listCaseLeads"] = {
        pageQuery({query::string("state", "Case leads in this state."),
                   query::boolean("overdue", "true: only case leads past their deadline.")}),
        {ok(page(caseLead()))}};
    docs["getCaseLead"] = {{}, {ok(caseLead())}};
    docs["openCaseLead"] = {{}, {created(caseLead())}};
    docs["stepCaseLead"] = {{}, {ok(caseLead())}};
    docs["extendCaseLead"] = {{}, {ok(caseLead())}};
    // A re-inspection (routes/reinspection_routes.cpp): its rule with the citation, the
    // laboratory and on what basis, the random draw when drawn.
    auto reinspection = [](bool with_tests) {
        auto lab = [](std::string name) {
            return object(std::move(name), {field::integer("id"), field::string("code"), field::string("name")});
        };
        std::vector<FieldSchema> fields{
            field::integer("id"),
            dateTime("deadline_at"),
            field::boolean("deadline_provisional").optional(),
            field::string("category"),
            field::string("rule_id").orNull().describedAs("The statutory rule of the window (GET /api/v1/statutory-rules)"),
            field::string("rule").orNull().describedAs("Its length as printed: 7 个工作日"),
            field::string("citation").orNull().describedAs("The rule's citation as applied"),
            lab("laboratory").orNull(),
            field::string("laboratory_basis")
                .oneOf({"original_laboratory", "designated_by_higher_bureau", "drawn_from_directory"})
                .orNull(),
            field::string("laboratory_reference").orNull(),
            object("draw", {lab("excluded"), field::array("candidates", lab("candidate")), field::string("seed"),
                            field::integer("chosen_index"), field::string("rule")})
                .orNull(),
            field::string("state").describedAs("in_testing, completed, refused (不予受理)"),
            field::string("sample_state").describedAs("reinspection_requested, in_reinspection or reinspected"),
            field::string("applicant_kind").oneOf({"sampled_unit", "manufacturer"}),
            field::string("applicant_name"),
            dateTime("applied_at"),
            dateTime("window_from").describedAs("Where the window starts: the day of proven service, or the stated receipt"),
            field::string("window_service_number").orNull().describedAs("The 送达回证 the window runs from"),
            field::string("original_report_number"),
            retainedPortionHandover().orNull(),
            field::string("result_report_number").orNull().describedAs("The round-2 report, once drafted"),
            field::string("result_report_state").orNull(),
            field::string("result_conclusion").oneOf({"conforms", "does_not_conform"}).orNull(),
            field::integer("sample_version").describedAs("The sample's version: If-Match of the refusal"),
            dateTime("refused_at").orNull().describedAs("When the application was not accepted (不予受理)"),
            field::string("refused_by").orNull(),
            person_name_field("refused_by"),
            field::string("refusal_reason").orNull()};
        if (with_tests) fields.push_back(field::array("tests", test()));
        return object(std::move(fields));
    };
    docs["applyReinspection"] = {
        {}, {created(reinspection(true), "The re-inspection with its rule, laboratory (and draw), new tests and deadline.")}};
    docs["getReinspection"] = {{}, {ok(reinspection(false))}};
    docs["refuseReinspection"] = {{}, {created(reinspection(false), "The re-inspection, refused, with who, when and why.")}};
    docs["handOverRetainedPortion"] = {
        {}, {created(retainedPortionHandover(), "The hand-over as a link of the chain of custody.")}};

    docs["listOverdue"] = {
        {query::string("kind", "Only one kind: test, notice, case_lead, service or case.")
             .oneOf({"test", "notice", "case_lead", "service", "case"}),
         query::string("format", "json (default) or csv; or Accept: text/csv.").oneOf({"json", "csv"})},
        {ok(object({dateTime("as_of"), field::integer("tests"), field::integer("notices"), field::integer("case_leads"),
                    field::integer("services"), field::integer("cases"), tableRows("items", "kind, number, due_at, overdue working days, ...")})),
         media(200, kCsv, "The same rows as CSV.")}};
    docs["getStatistics"] = {
        statisticsFilters(),
        {ok(object({object("samples", {field::integer("samples"), field::integer("reported"), field::integer("conforming"),
                                       field::integer("nonconforming"), rate("pass_rate"), rate("on_time_report_rate")}),
                    object("notices", {field::integer("notices"), field::integer("pending"), rate("on_time_rate")}),
                    object("case_leads", {field::integer("leads"), rate("conversion_rate"),
                                          tableRows("by_state_and_age", "state, age band, count")}),
                    field::boolean("deadline_provisional").optional()})),
         media(200, kCsv, "figure, numerator, denominator, value.")}};
    docs["getSampleStatistics"] = {
        statisticsFilters({query::string("group_by", "category (default), variety, manufacturer or office.")}),
        {ok(object({field::string("group_by"), tableRows("items", "the group, samples, conforming, pass rate, ...")})),
         media(200, kCsv, "The same rows as CSV.")}};
    docs["getCaseLeadStatistics"] = {
        statisticsFilters(),
        {ok(object({rate("conversion_rate"), tableRows("items", "state, age band, count")})),
         media(200, kCsv, "The same rows as CSV.")}};
}

}  // namespace lims::api::schemas
