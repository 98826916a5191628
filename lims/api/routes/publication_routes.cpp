// Publication (信息公开) and the national sampling platforms over HTTP: the lists of
// nonconforming products (/api/v1/publication-lists...: produce, review or return, release,
// correct, read, PDF, CSV, .xlsx), a sample's platform numbers
// (/api/v1/samples/{number}/platform-numbers) and the export of samples and results in a
// platform's layout (/api/v1/platform-export/...). A thin table: body schema, JSON in, one
// use case of lims/workflow/publication (transaction, jurisdiction, errors), JSON out.
#include "lims/api/routes/review_common.hpp"

#include "lims/api/person_names.hpp"
#include "lims/api/schemas/catalogue.hpp"
#include "lims/domain/calendar/civil_date.hpp"
#include "lims/workflow/publication/platform_export.hpp"
#include "lims/workflow/publication/publication_list.hpp"
#include "lims/workflow/publication/xlsx_workbook.hpp"

namespace lims::api {

namespace {

namespace pub = lims::workflow::publication;
using review_tables::checked_password;
using review_tables::signing_of;
using review_tables::text;
using domain::Role;

// Who reads the lists: the bureau's staff and the enforcement units they are published for.
constexpr domain::RoleSet kListReaders{Role::planner, Role::bureau_viewer, Role::enforcement_officer,
                                       Role::administrator};
// Who produces, reviews, releases and corrects them: the bureau's planning staff (the
// producer never reviews or releases their own list: the use case checks the person).
constexpr domain::RoleSet kListMakers{Role::planner};
// Who keeps a sample's platform number and exports to the platform: the office that took
// the sample, the bureau above it and the laboratory that tests it (their subtrees).
constexpr domain::RoleSet kPlatformUsers{Role::planner, Role::sampler, Role::receiver, Role::analyst, Role::signatory,
                                         Role::bureau_viewer, Role::administrator};

constexpr const char* kPdfContentType = "application/pdf";
// The media type the OpenAPI document declares for the CSV answers (sent with ; charset=utf-8).
constexpr const char* kCsvMediaType = "text/csv";

std::string safe_name(const std::string& s) {
    std::string out;
    for (char ch : s) out += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' ? ch : '_';
    return out;
}

Poco::JSON::Object::Ptr entry_json(const pub::PublicationEntry& e) {
    auto o = newObject();
    o->set("report_number", e.report_number);
    o->set("sample_number", e.sample_number);
    o->set("product_name", e.product_name);
    o->set("manufacturer", e.manufacturer);
    o->set("specification", e.specification);
    o->set("batch_number", e.batch_number);
    o->set("sampled_unit", e.sampled_unit);
    o->set("source", e.source);
    o->set("basis", e.basis);
    o->set("result", e.result);
    o->set("failing_items", e.failing_items);
    o->set("laboratory", e.laboratory);
    o->set("report_date", e.report_date);
    return o;
}

Poco::JSON::Object::Ptr list_json(const pub::PublicationList& l) {
    auto o = newObject();
    o->set("number", l.number);
    o->set("organisation", l.org_name);
    o->set("period_from", l.period_from);
    o->set("period_to", l.period_to);
    o->set("list_version", l.list_version);
    o->set("state", l.state);
    o->set("supersedes", l.supersedes_number.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(l.supersedes_number));
    o->set("correction_reason", l.correction_reason);
    o->set("superseded_by", l.superseded_by.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(l.superseded_by));
    o->set("content_sha256", l.content_sha256);
    o->set("produced_by", l.created_by);
    o->set("produced_at", l.created_at);
    Poco::JSON::Array::Ptr steps = new Poco::JSON::Array;
    for (const auto& s : l.steps) {
        auto j = newObject();
        j->set("step", s.step);
        j->set("by", s.by);
        j->set("at", s.at);
        j->set("reason", s.reason);
        steps->add(j);
    }
    o->set("steps", steps);
    Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
    for (const auto& e : l.entries) entries->add(entry_json(e));
    o->set("entries", entries);
    // Held back while they may still be re-inspected: the numbers, and each with why.
    Poco::JSON::Array::Ptr withheld = new Poco::JSON::Array;
    Poco::JSON::Array::Ptr held = new Poco::JSON::Array;
    for (const auto& w : l.withheld) {
        withheld->add(w.report_number);
        auto j = newObject();
        j->set("report_number", w.report_number);
        j->set("reason", w.reason);
        if (w.until.empty()) j->set("until", Poco::Dynamic::Var());
        else j->set("until", w.until);
        if (w.party.empty()) j->set("party", Poco::Dynamic::Var());
        else j->set("party", w.party);
        j->set("rule", w.rule);
        held->add(j);
    }
    o->set("withheld_reports", withheld);
    o->set("withheld", held);
    return o;
}

// Who produced, reviewed, returned or released a list: named beside the logins (person_names.hpp).
const std::vector<std::string> kListPeople{"produced_by", "by"};

const std::vector<std::string> kStates{"draft", "reviewed", "returned", "released"};

FieldSchema list_schema() {
    using namespace schemas;
    return object(
        {field::string("number"), field::string("organisation"), date("period_from"), date("period_to"),
         field::integer("list_version"), field::string("state").oneOf(kStates), field::string("supersedes").orNull(),
         field::string("correction_reason"), field::string("superseded_by").orNull(), field::string("content_sha256"),
         field::string("produced_by"), person_name_field("produced_by"), dateTime("produced_at"),
         field::array("steps", object({field::string("step").oneOf({"reviewed", "returned", "released"}),
                                       field::string("by"), person_name_field("by"), dateTime("at"),
                                       field::string("reason")})),
         field::array("entries",
                      object({field::string("report_number"), field::string("sample_number"),
                              field::string("product_name"), field::string("manufacturer"),
                              field::string("specification"), field::string("batch_number"),
                              field::string("sampled_unit"), field::string("source"), field::string("basis"),
                              field::string("result"), field::string("failing_items"), field::string("laboratory"),
                              date("report_date")})),
         field::array("withheld_reports", field::string("")),
         field::array("withheld", object({field::string("report_number"),
                                          field::string("reason").oneOf({"reinspection_pending", "window_open", "not_served"}),
                                          dateTime("until").orNull(),
                                          field::string("party").oneOf({"sampled_unit", "manufacturer"}).orNull(),
                                          field::string("rule")}))});
}

Poco::JSON::Object::Ptr numbers_json(const pub::SamplePlatformNumbers& n) {
    auto o = newObject();
    o->set("sample_number", n.sample_number);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& x : n.numbers) {
        auto j = newObject();
        j->set("platform", x.platform);
        j->set("platform_number", x.platform_number);
        j->set("current", x.current);
        j->set("replaces", x.replaces.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(x.replaces));
        j->set("reason", x.reason);
        j->set("recorded_by", x.recorded_by);
        j->set("recorded_at", x.recorded_at);
        items->add(j);
    }
    o->set("numbers", items);
    return o;
}

const std::vector<std::string> kPlatforms{"nmpa_drug", "nmpa_cosmetic", "nmpa_device"};

FieldSchema numbers_schema() {
    using namespace schemas;
    return object({field::string("sample_number"),
                   field::array("numbers", object({field::string("platform").oneOf(kPlatforms),
                                                   field::string("platform_number"), field::boolean("current"),
                                                   field::string("replaces").orNull(), field::string("reason"),
                                                   field::string("recorded_by"), dateTime("recorded_at")}))});
}

// A date of the body or the query, or the 422 naming it.
domain::Result<domain::Date> date_named(const std::string& value, const std::string& field) {
    if (value.empty()) return domain::errors::invalid(field, "date.required", field + " is required (YYYY-MM-DD)");
    auto d = domain::parse_date(value);
    if (!d) return domain::errors::invalid(field, d.error().code, d.error().message);
    return d;
}

domain::Result<pub::ExportQuery> export_query(const Request& r) {
    auto get = [&](const std::string& key) {
        auto it = r.query.find(key);
        return it == r.query.end() ? std::string() : it->second;
    };
    pub::ExportQuery q;
    const std::string platform = get("platform").empty() ? "nmpa_drug" : get("platform");
    auto p = pub::parse_platform(platform);
    if (!p) return domain::errors::invalid("platform", "export.platform", "platform is nmpa_drug, nmpa_cosmetic or nmpa_device");
    q.platform = *p;
    auto from = date_named(get("sampled_from"), "sampled_from");
    if (!from) return from.error();
    auto to = date_named(get("sampled_to"), "sampled_to");
    if (!to) return to.error();
    q.sampled_from = *from;
    q.sampled_to = *to;
    return q;
}

Response file(std::string bytes, std::string_view type, const std::string& name) {
    return Response::text(200, std::string(type), std::move(bytes))
        .withHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
}

std::vector<FieldSchema> export_query_doc() {
    return {schemas::query::date("sampled_from", "First sampling date (Beijing), required"),
            schemas::query::date("sampled_to", "Last sampling date (Beijing), required"),
            schemas::query::string("platform", "nmpa_drug (default), nmpa_cosmetic or nmpa_device")};
}

}  // namespace

void add_publication_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    AuthService* auth = context.auth;
    using namespace schemas;

    router.add({"POST", "/api/v1/publication-lists", "producePublicationList",
                "Produce the list of nonconforming products (不合格产品信息公开) of the caller's jurisdiction for a period "
                "of report issue dates (Beijing): a draft to be reviewed and released by other people",
                AuthRequirement::User,
                ObjectSchema{{field::string("period_from").withFormat("date"),
                              field::string("period_to").withFormat("date")}},
                [db, calendar = context.calendar](const Request& r) {
                    auto from = date_named(text(r.json, "period_from"), "period_from");
                    if (!from) return Response::error(from.error());
                    auto to = date_named(text(r.json, "period_to"), "period_to");
                    if (!to) return Response::error(to.error());
                    auto made = pub::produce_list(*db, *calendar, {*from, *to}, actor_of(r));
                    if (!made) return Response::error(made.error());
                    return Response::json(201, with_person_names(*db, list_json(*made), kListPeople));
                },
                201, kListMakers, KeyReplay::once, {}, {created(list_schema())}});

    router.add({"GET", "/api/v1/publication-lists", "listPublicationLists",
                "The publication lists of the caller's jurisdiction, newest first", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto lists = pub::list_lists(*db, actor_of(r));
                    if (!lists) return Response::error(lists.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& l : *lists) {
                        auto j = newObject();
                        j->set("number", l.number);
                        j->set("organisation", l.org_name);
                        j->set("period_from", l.period_from);
                        j->set("period_to", l.period_to);
                        j->set("list_version", l.list_version);
                        j->set("state", l.state);
                        j->set("entries", l.entries);
                        j->set("produced_by", l.created_by);
                        j->set("produced_at", l.created_at);
                        j->set("superseded_by", l.superseded_by.empty() ? Poco::Dynamic::Var()
                                                                        : Poco::Dynamic::Var(l.superseded_by));
                        items->add(j);
                    }
                    auto body = newObject();
                    body->set("items", items);
                    return Response::json(200, with_person_names(*db, body, kListPeople));
                },
                200, kListReaders, KeyReplay::once, {},
                {ok(items(object({field::string("number"), field::string("organisation"), date("period_from"),
                                  date("period_to"), field::integer("list_version"), field::string("state").oneOf(kStates),
                                  field::integer("entries"), field::string("produced_by"),
                                  person_name_field("produced_by"), dateTime("produced_at"),
                                  field::string("superseded_by").orNull()})))}});

    router.add({"GET", "/api/v1/publication-lists/{number}", "getPublicationList",
                "One publication list with its entries, review and release, and the reports held back while their "
                "re-inspection is tested",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto l = pub::find_list(*db, r.params.at("number"), actor_of(r));
                    if (!l) return Response::error(l.error());
                    return Response::json(200, with_person_names(*db, list_json(*l), kListPeople));
                },
                200, kListReaders, KeyReplay::once, {}, {ok(list_schema())}});

    router.add({"POST", "/api/v1/publication-lists/{number}/review", "reviewPublicationList",
                "Review a draft list as a second person, signing with the password: reviewed, or returned with the reason",
                AuthRequirement::User,
                ObjectSchema{{field::string("decision").oneOf({"reviewed", "returned"}),
                              field::string("reason").length(1, 2000).multiLineText().optional(),
                              review_tables::password()}},
                [db, auth](const Request& r) {
                    auto check = checked_password(*auth, r);
                    if (!check) return Response::problem(check.problem());
                    const auto decision = text(r.json, "decision") == "returned" ? pub::ReviewDecision::returned
                                                                                 : pub::ReviewDecision::reviewed;
                    auto l = pub::review_list(*db, r.params.at("number"), decision, text(r.json, "reason"),
                                              actor_of(r), signing_of(r), *check);
                    if (!l) return Response::error(l.error());
                    return Response::json(200, with_person_names(*db, list_json(*l), kListPeople));
                },
                200, kListMakers, KeyReplay::once, {}, {ok(list_schema())}});

    router.add({"POST", "/api/v1/publication-lists/{number}/release", "releasePublicationList",
                "Approve and release a reviewed list, signing with the password; a released list never changes",
                AuthRequirement::User, ObjectSchema{{review_tables::password()}},
                [db, auth](const Request& r) {
                    auto check = checked_password(*auth, r);
                    if (!check) return Response::problem(check.problem());
                    auto l = pub::release_list(*db, r.params.at("number"), actor_of(r), signing_of(r), *check);
                    if (!l) return Response::error(l.error());
                    return Response::json(200, with_person_names(*db, list_json(*l), kListPeople));
                },
                200, kListMakers, KeyReplay::once, {}, {ok(list_schema())}});

    router.add({"POST", "/api/v1/publication-lists/{number}/corrections", "correctPublicationList",
                "Correct a released list: a new draft of the next version for the same period, produced from the "
                "records as they are now, with the reason",
                AuthRequirement::User, ObjectSchema{{field::string("reason").length(1, 2000).multiLineText()}},
                [db, calendar = context.calendar](const Request& r) {
                    auto l = pub::correct_list(*db, *calendar, r.params.at("number"), text(r.json, "reason"), actor_of(r));
                    if (!l) return Response::error(l.error());
                    return Response::json(201, with_person_names(*db, list_json(*l), kListPeople));
                },
                201, kListMakers, KeyReplay::once, {}, {created(list_schema())}});

    router.add({"GET", "/api/v1/publication-lists/{number}/list.pdf", "getPublicationListPdf",
                "The list as PDF (a list not yet released says so in its heading)", AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto pdf = pub::list_pdf(*db, number, actor_of(r));
                    if (!pdf) return Response::error(pdf.error());
                    return Response::text(200, kPdfContentType, std::move(*pdf))
                        .withHeader("Content-Disposition", "inline; filename=\"publication-" + safe_name(number) + ".pdf\"");
                },
                200, kListReaders, KeyReplay::once, {}, {media(200, kPdfContentType, "The list (PDF).")}});

    router.add({"GET", "/api/v1/publication-lists/{number}/list.csv", "getPublicationListCsv",
                "A released list as CSV (UTF-8 with a byte-order mark, CRLF lines)", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto csv = pub::list_csv(*db, number, actor_of(r));
                    if (!csv) return Response::error(csv.error());
                    return file(std::move(*csv), workflow::figures::kCsvContentType,
                                "publication-" + safe_name(number) + ".csv");
                },
                200, kListReaders, KeyReplay::once, {},
                {media(200, kCsvMediaType, "The released list (CSV).")}});

    router.add({"GET", "/api/v1/publication-lists/{number}/list.xlsx", "getPublicationListXlsx",
                "A released list as an .xlsx workbook (the list and its particulars)", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto xlsx = pub::list_xlsx(*db, number, actor_of(r));
                    if (!xlsx) return Response::error(xlsx.error());
                    return file(std::move(*xlsx), pub::kXlsxContentType, "publication-" + safe_name(number) + ".xlsx");
                },
                200, kListReaders, KeyReplay::once, {},
                {media(200, std::string(pub::kXlsxContentType), "The released list (.xlsx).")}});

    router.add({"GET", "/api/v1/samples/{number}/platform-numbers", "getSamplePlatformNumbers",
                "The sample's numbers on the national sampling platforms, with their corrections", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto n = pub::platform_numbers(*db, r.params.at("number"), actor_of(r));
                    if (!n) return Response::error(n.error());
                    return Response::json(200, numbers_json(*n));
                },
                200, kPlatformUsers, KeyReplay::once, {}, {ok(numbers_schema())}});

    router.add({"POST", "/api/v1/samples/{number}/platform-numbers", "setSamplePlatformNumber",
                "Record the sample number a national sampling platform gave the sample (国家药品抽检信息系统 ...); "
                "a correction gives the reason; a platform number belongs to one sample, once",
                AuthRequirement::User,
                ObjectSchema{{field::string("platform").oneOf(kPlatforms), field::string("platform_number").length(1, 60),
                              field::string("reason").length(1, 2000).optional()}},
                [db](const Request& r) {
                    const auto platform = pub::parse_platform(text(r.json, "platform")).value_or(pub::Platform::nmpa_drug);
                    auto n = pub::set_platform_number(*db, r.params.at("number"), platform, text(r.json, "platform_number"),
                                                      text(r.json, "reason"), actor_of(r));
                    if (!n) return Response::error(n.error());
                    return Response::json(201, numbers_json(*n));
                },
                201, kPlatformUsers, KeyReplay::once, {}, {created(numbers_schema())}});

    router.add({"GET", "/api/v1/platform-export/samples.csv", "exportPlatformSamplesCsv",
                "Samples of the caller's jurisdiction sampled in the period, one row each, in the national platform's "
                "field layout (docs/national-platform-export.md), CSV",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto q = export_query(r);
                    if (!q) return Response::error(q.error());
                    auto csv = pub::export_csv(*db, *q, "samples", actor_of(r));
                    if (!csv) return Response::error(csv.error());
                    return file(std::move(*csv), workflow::figures::kCsvContentType, "platform-samples.csv");
                },
                200, kPlatformUsers, KeyReplay::once, export_query_doc(),
                {media(200, kCsvMediaType, "Samples (CSV).")}});

    router.add({"GET", "/api/v1/platform-export/results.csv", "exportPlatformResultsCsv",
                "The test items of the same samples' issued reports, one row each, CSV", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto q = export_query(r);
                    if (!q) return Response::error(q.error());
                    auto csv = pub::export_csv(*db, *q, "results", actor_of(r));
                    if (!csv) return Response::error(csv.error());
                    return file(std::move(*csv), workflow::figures::kCsvContentType, "platform-results.csv");
                },
                200, kPlatformUsers, KeyReplay::once, export_query_doc(),
                {media(200, kCsvMediaType, "Test items (CSV).")}});

    router.add({"GET", "/api/v1/platform-export/export.xlsx", "exportPlatformXlsx",
                "Samples and test items as one .xlsx workbook (sheets 抽样信息 and 检验结果)", AuthRequirement::User,
                std::nullopt,
                [db](const Request& r) {
                    auto q = export_query(r);
                    if (!q) return Response::error(q.error());
                    auto xlsx = pub::export_xlsx(*db, *q, actor_of(r));
                    if (!xlsx) return Response::error(xlsx.error());
                    return file(std::move(*xlsx), pub::kXlsxContentType, "platform-export.xlsx");
                },
                200, kPlatformUsers, KeyReplay::once, export_query_doc(),
                {media(200, std::string(pub::kXlsxContentType), "Samples and test items (.xlsx).")}});
}

}  // namespace lims::api
