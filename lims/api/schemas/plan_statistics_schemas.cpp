// Response schemas of focus tags (routes/focus_tag_routes.cpp), the risk ledger
// (routes/risk_routes.cpp) and the figures by period (the /api/v1/statistics/periods and
// /statistics/case-leads/summary rows of routes/document_routes.cpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

#include "lims/api/person_names.hpp"

namespace lims::api::schemas {

namespace {

FieldSchema tagList() {
    return object({field::integer("product_id"), field::array("focus_tags", field::string(""))});
}

FieldSchema risk() {
    return object(
        {field::string("number"), field::integer("organisation_id"), field::string("title"), field::string("description"),
         field::string("source"), field::string("focus_tag").orNull(), field::string("region_code").orNull(),
         field::string("state").oneOf({"open", "closed"}), field::string("created_by"), person_name_field("created_by"),
         dateTime("created_at"),
         dateTime("closed_at").orNull(), field::integer("version"),
         field::array("items", object({field::integer("position"), field::string("description"),
                                       field::integer("responsible_org_id").orNull(), date("due_on").orNull(),
                                       field::boolean("closed"),
                                       object("closure", {field::string("evidence"), field::string("note"),
                                                          field::string("closed_by"), person_name_field("closed_by"),
                                                          dateTime("closed_at")})
                                           .orNull()})),
         field::integer("open_items").describedAs("Items not yet closed (销号)")});
}

FieldSchema rows(std::string columns) {
    return field::array("items", mapOf("", field::string(""))).describedAs("Rows keyed by column: " + columns);
}

std::vector<FieldSchema> periodQuery(std::vector<FieldSchema> more) {
    std::vector<FieldSchema> q{
        query::string("unit", "week (ISO weeks of the Beijing date), month or phase (of ?plan=)").oneOf({"week", "month", "phase"}),
        query::string("plan", "The plan whose phases to count by (unit=phase only)."),
        query::date("from", "From this day (Beijing)."), query::date("to", "Up to this day."),
        query::string("period", "A period instead of from/to, e.g. 2026, 2026-Q1 or 2026-03."),
        query::string("category", "Product category."), query::string("variety", "Product name."),
        query::string("manufacturer", "Manufacturer name."),
        query::integer("office", "Organisation id of a sampling organisation."),
        query::string("focus_tag", "Only samples whose product or task carries this focus tag."),
        query::string("format", "json (default) or csv; or Accept: text/csv.").oneOf({"json", "csv"})};
    for (auto& f : more) q.push_back(std::move(f));
    return q;
}

const char* kCsv = "text/csv";

}  // namespace

void addPlanStatisticsDocs(Catalogue& docs) {
    docs["listFocusTags"] = {
        {}, {ok(items(object({field::string("code"), field::string("name"), field::string("name_en")})),
                "The focus-variety reference list, in the plans' order.")}};
    docs["getProductFocusTags"] = {{}, {ok(tagList())}};
    docs["setProductFocusTags"] = {{}, {ok(tagList(), "The product's tags after the change.")}};

    docs["createRisk"] = {{}, {created(risk(), "The risk, open; ETag: its version.")}};
    docs["listRisks"] = {pageQuery({query::string("state", "open or closed.").oneOf({"open", "closed"})}),
                         {ok(page(risk()))}};
    docs["getRisk"] = {{}, {ok(risk(), "The risk; ETag: its version.")}};
    docs["closeRiskItem"] = {{}, {ok(risk(), "The risk after the closure (closed with its last item); ETag: its version.")}};

    docs["getPeriodStatistics"] = {
        periodQuery({query::string("group_by", "category, variety, manufacturer, office, region, unit_kind, "
                                               "failing_item or focus_tag; none: one row per period.")}),
        {ok(object({field::string("unit"), field::string("group_by").orNull(),
                    rows("period, period_first, period_last, summary_due_on (phases), the group, samples, reported, "
                         "conforming, nonconforming, pass_rate, on_time_report_rate")})),
         media(200, kCsv, "The same rows as CSV.")}};
    docs["getCaseLeadSummary"] = {
        periodQuery({}),
        {ok(object({field::string("unit"),
                    rows("period, period_first, period_last, summary_due_on (phases), opened, filed, not_filed, "
                         "transferred, closed, withdrawn")})),
         media(200, kCsv, "The same rows as CSV.")}};
}

}  // namespace lims::api::schemas
