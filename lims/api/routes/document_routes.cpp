// Documents and figures over HTTP: the report and sampling-record PDFs, the public report
// check behind the QR code, the overdue lists and the statistics, each list also as CSV
// (?format=csv or Accept: text/csv). Handlers call the use cases of
// lims/workflow/documents/document_access.hpp and lims/workflow/figures/figures_access.hpp
// (each owns its transaction and checks the caller's jurisdiction) and map their errors to
// problem responses.
#include "lims/api/conventions.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/domain/state_machine/role.hpp"
#include "lims/workflow/documents/document_access.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/verification_limiter.hpp"
#include "lims/workflow/figures/csv.hpp"
#include "lims/workflow/figures/figures_access.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <memory>

namespace lims::api {

namespace {

namespace docs = lims::workflow::documents;
namespace figs = lims::workflow::figures;

constexpr const char* kPdfContentType = "application/pdf";

Problem rate_limited(long retry_after) {
    Problem p;
    p.type = "urn:lims:problem:rate-limited";
    p.title = "Too many requests";
    p.status = 429;
    p.detail = "Too many report checks from this address; try again in " + std::to_string(retry_after) + " s.";
    p.headers.push_back({"Retry-After", std::to_string(retry_after)});
    return p;
}

bool wants_csv(const Request& r) {
    auto f = r.query.find("format");
    if (f != r.query.end()) return f->second == "csv";
    return r.header("accept").find("text/csv") != std::string::npos;
}

// ?format= must be json or csv when given.
std::optional<Problem> check_format(const Request& r) {
    auto f = r.query.find("format");
    if (f != r.query.end() && f->second != "csv" && f->second != "json")
        return problems::badRequest("query parameter format: \"" + f->second + "\" is not json or csv");
    return std::nullopt;
}

// Only ASCII letters, digits and - _ . in a file name offered for download.
std::string file_name(const std::string& stem, const std::string& extension) {
    std::string out;
    for (char c : stem)
        out += ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                   ? c
                   : '_';
    return out + "." + extension;
}

Response csv_response(const figs::Table& table, const std::string& stem) {
    return Response::text(200, std::string(figs::kCsvContentType), figs::to_csv(table))
        .withHeader("Content-Disposition", "attachment; filename=\"" + file_name(stem, "csv") + "\"");
}

Poco::JSON::Array::Ptr table_json(const figs::Table& table) {
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    for (const auto& row : table.rows) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) o->set(table.columns[i], row[i]);
        rows->add(o);
    }
    return rows;
}

Poco::Dynamic::Var rate_json(const figs::Rate& rate) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("numerator", rate.numerator);
    o->set("denominator", rate.denominator);
    if (auto v = rate.value()) o->set("value", *v);
    else o->set("value", Poco::Dynamic::Var());
    return o;
}

domain::Instant now_instant() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The client's host without the port ("127.0.0.1:53211" → "127.0.0.1", "[::1]:53211" →
// "::1"): every connection has a new port, the allowance belongs to the address.
std::string client_host(const std::string& address) {
    if (!address.empty() && address.front() == '[') {
        const auto close = address.find(']');
        return close == std::string::npos ? address : address.substr(1, close - 1);
    }
    const auto colon = address.find(':');
    if (colon != std::string::npos && address.find(':', colon + 1) == std::string::npos) return address.substr(0, colon);
    return address;
}

using domain::Role;

// Who reads what. Reports: the laboratory that issues them and the authorities that act
// on them. Sampling records: those who take, receive and supervise sampling. The
// overdue lists: everyone with a clock to watch. Figures: supervisors and signatories.
const domain::RoleSet kReportReaders{Role::planner, Role::receiver, Role::analyst, Role::reviewer, Role::signatory,
                                     Role::enforcement_officer, Role::bureau_viewer, Role::administrator};
const domain::RoleSet kSamplingRecordReaders{Role::planner, Role::sampler, Role::receiver, Role::analyst,
                                             Role::enforcement_officer, Role::bureau_viewer, Role::administrator};
const domain::RoleSet kOverdueReaders{Role::planner, Role::receiver, Role::analyst, Role::reviewer, Role::signatory,
                                      Role::enforcement_officer, Role::bureau_viewer, Role::administrator};
const domain::RoleSet kFigureReaders{Role::planner, Role::signatory, Role::enforcement_officer, Role::bureau_viewer,
                                     Role::administrator};

}  // namespace

void add_document_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    const domain::WorkingCalendar* calendar = context.calendar;
    auto limiter = std::make_shared<docs::VerificationLimiter>();

    router.add({"GET", "/verify/{number}", "verifyReport",
                "Public check of a printed report: whether a report with this number exists unaltered "
                "(h = the hash prefix printed under its QR code), and nothing more",
                AuthRequirement::Public, std::nullopt, [db, limiter](const Request& r) {
                    long retry_after = 0;
                    if (!limiter->allow(client_host(r.clientAddress), docs::VerificationLimiter::Clock::now(), &retry_after))
                        return Response::problem(rate_limited(retry_after));
                    const std::string number = r.params.at("number");
                    auto h = r.query.find("h");
                    const std::string prefix = h == r.query.end() ? "" : h->second;
                    if (auto ok = docs::check_verification_input(number, prefix); !ok) return Response::error(ok.error());
                    auto verified = docs::verify_report(*db, number, prefix);
                    if (!verified) return Response::error(verified.error());
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("verified", *verified);
                    // The same words for an unknown number and an altered report: nothing to learn.
                    body->set("message", *verified ? "该编号的检验报告存在且内容未被改动。"
                                                   : "未能核验：请核对报告编号与二维码，或联系出具报告的检验机构。");
                    return Response::json(200, body).withHeader("Cache-Control", "no-store");
                }});

    router.add({"GET", "/api/v1/reports/{number}/pdf", "getReportPdf",
                "The test report (检验报告书) as PDF, with the QR code of its verification address",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto pdf = docs::report_pdf(*db, actor_of(r), number);
                    if (!pdf) return Response::error(pdf.error());
                    return Response::text(200, kPdfContentType, std::move(*pdf))
                        .withHeader("Content-Disposition", "inline; filename=\"" + file_name("report-" + number, "pdf") + "\"");
                }, 200, kReportReaders});

    router.add({"GET", "/api/v1/samples/{number}/sampling-record.pdf", "getSamplingRecordPdf",
                "The sampling record (抽样记录及凭证) as PDF, with a Code 128 barcode of the sample number",
                AuthRequirement::User, std::nullopt, [db](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto pdf = docs::sampling_record_pdf(*db, actor_of(r), number);
                    if (!pdf) return Response::error(pdf.error());
                    return Response::text(200, kPdfContentType, std::move(*pdf))
                        .withHeader("Content-Disposition",
                                    "inline; filename=\"" + file_name("sampling-record-" + number, "pdf") + "\"");
                }, 200, kSamplingRecordReaders});

    router.add({"GET", "/api/v1/overdue", "listOverdue",
                "Tests past the 25-working-day reporting deadline, notices and case leads past theirs, issued reports "
                "not proven served on a recipient in time, filed cases' clocks past due, within the caller's "
                "jurisdiction (?kind=test|notice|case_lead|service|case, ?format=csv)",
                AuthRequirement::User, std::nullopt, [db, calendar](const Request& r) {
                    if (auto bad = check_format(r)) return Response::problem(*bad);
                    if (!calendar) return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
                    for (const auto& [name, value] : r.query)
                        if (name != "format" && name != "kind")
                            return Response::problem(problems::badRequest("query parameter " + name + ": unknown (known: kind, format)"));
                    std::string kind;
                    if (auto k = r.query.find("kind"); k != r.query.end()) {
                        kind = k->second;
                        if (kind != "test" && kind != "notice" && kind != "case_lead" && kind != "service" && kind != "case")
                            return Response::problem(problems::badRequest("query parameter kind: \"" + kind +
                                                                          "\" is not test, notice, case_lead, service or case"));
                    }
                    auto scan = figs::scan_overdue(*db, *calendar, actor_of(r), now_instant());
                    if (!scan) return Response::error(scan.error());
                    if (!kind.empty()) {
                        if (kind != "test") scan->tests.clear();
                        if (kind != "notice") scan->notices.clear();
                        if (kind != "case_lead") scan->case_leads.clear();
                        if (kind != "service") scan->services.clear();
                        if (kind != "case") scan->cases.clear();
                    }
                    const auto table = figs::overdue_table(*scan);
                    if (wants_csv(r)) return csv_response(table, "overdue");
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("as_of", scan->as_of);
                    body->set("tests", scan->tests.size());
                    body->set("notices", scan->notices.size());
                    body->set("case_leads", scan->case_leads.size());
                    body->set("services", scan->services.size());
                    body->set("cases", scan->cases.size());
                    body->set("items", table_json(table));
                    return Response::json(200, body);
                }, 200, kOverdueReaders});

    router.add({"GET", "/api/v1/statistics", "getStatistics",
                "Samples and pass rate, on-time report and notice rates, case conversion, leads by state "
                "and age; filters: from, to or period, category, variety, manufacturer, office (?format=csv)",
                AuthRequirement::User, std::nullopt, [db, calendar](const Request& r) {
                    if (auto bad = check_format(r)) return Response::problem(*bad);
                    if (!calendar) return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
                    auto filter = figs::parse_statistics_filter(r.query, {"format"});
                    if (!filter) return Response::error(filter.error());
                    auto stats = figs::compute_statistics(*db, *calendar, actor_of(r), *filter, now_instant());
                    if (!stats) return Response::error(stats.error());
                    const auto& s = *stats;
                    if (wants_csv(r)) {
                        figs::Table t;
                        t.columns = {"figure", "numerator", "denominator", "value"};
                        auto add = [&](const std::string& name, const figs::Rate& rate) {
                            t.rows.push_back({name, std::to_string(rate.numerator), std::to_string(rate.denominator),
                                              figs::format_rate(rate)});
                        };
                        t.rows.push_back({"samples", std::to_string(s.samples.samples), "", ""});
                        add("pass_rate", s.samples.pass);
                        add("on_time_report_rate", s.samples.on_time_reports);
                        add("on_time_notice_rate", s.notices.on_time);
                        add("case_conversion_rate", s.leads.conversion);
                        return csv_response(t, "statistics");
                    }
                    Poco::JSON::Object::Ptr samples = new Poco::JSON::Object;
                    samples->set("samples", s.samples.samples);
                    samples->set("reported", s.samples.reported);
                    samples->set("conforming", s.samples.conforming);
                    samples->set("nonconforming", s.samples.nonconforming);
                    samples->set("pass_rate", rate_json(s.samples.pass));
                    samples->set("on_time_report_rate", rate_json(s.samples.on_time_reports));
                    Poco::JSON::Object::Ptr notices = new Poco::JSON::Object;
                    notices->set("notices", s.notices.notices);
                    notices->set("pending", s.notices.pending);
                    notices->set("on_time_rate", rate_json(s.notices.on_time));
                    Poco::JSON::Object::Ptr leads = new Poco::JSON::Object;
                    leads->set("leads", s.leads.leads);
                    leads->set("conversion_rate", rate_json(s.leads.conversion));
                    leads->set("by_state_and_age", table_json(figs::lead_age_table(s.leads)));
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("samples", samples);
                    body->set("notices", notices);
                    body->set("case_leads", leads);
                    // Figures counted through a provisional calendar year may move with the notice.
                    if (s.deadline_provisional) body->set("deadline_provisional", true);
                    return Response::json(200, body);
                }, 200, kFigureReaders});

    router.add({"GET", "/api/v1/statistics/samples", "getSampleStatistics",
                "Sample figures grouped by category, variety, manufacturer or office (?group_by=), with "
                "the statistics filters (?format=csv)",
                AuthRequirement::User, std::nullopt, [db, calendar](const Request& r) {
                    if (auto bad = check_format(r)) return Response::problem(*bad);
                    if (!calendar) return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
                    auto filter = figs::parse_statistics_filter(r.query, {"format", "group_by"});
                    if (!filter) return Response::error(filter.error());
                    auto g = r.query.find("group_by");
                    const std::string group_by = g == r.query.end() ? "category" : g->second;
                    auto table = figs::sample_figures_by(*db, *calendar, actor_of(r), *filter, group_by, now_instant());
                    if (!table) return Response::error(table.error());
                    if (wants_csv(r)) return csv_response(*table, "samples-by-" + group_by);
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("group_by", group_by);
                    body->set("items", table_json(*table));
                    return Response::json(200, body);
                }, 200, kFigureReaders});

    router.add({"GET", "/api/v1/statistics/case-leads", "getCaseLeadStatistics",
                "Case leads by state and age in working days, with the statistics filters (?format=csv)",
                AuthRequirement::User, std::nullopt, [db, calendar](const Request& r) {
                    if (auto bad = check_format(r)) return Response::problem(*bad);
                    if (!calendar) return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
                    auto filter = figs::parse_statistics_filter(r.query, {"format"});
                    if (!filter) return Response::error(filter.error());
                    auto stats = figs::compute_statistics(*db, *calendar, actor_of(r), *filter, now_instant());
                    if (!stats) return Response::error(stats.error());
                    const auto table = figs::lead_age_table(stats->leads);
                    if (wants_csv(r)) return csv_response(table, "case-leads-by-state-and-age");
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("conversion_rate", rate_json(stats->leads.conversion));
                    body->set("items", table_json(table));
                    return Response::json(200, body);
                }, 200, kFigureReaders});

    // Seeds 003 and 004: figures weekly, monthly and per phase of a plan, with its summary dates.
    auto query_text = [](const Request& r, const char* name) {
        auto it = r.query.find(name);
        return it == r.query.end() ? std::string() : it->second;
    };
    router.add({"GET", "/api/v1/statistics/periods", "getPeriodStatistics",
                "Sample figures per week, month or phase of a plan (?unit=week|month|phase, ?plan= for phase), "
                "optionally grouped (?group_by=category, variety, manufacturer, office, region, unit_kind, "
                "failing_item or focus_tag), with the statistics filters (?format=csv)",
                AuthRequirement::User, std::nullopt, [db, calendar, query_text](const Request& r) {
                    if (auto bad = check_format(r)) return Response::problem(*bad);
                    if (!calendar) return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
                    auto filter = figs::parse_statistics_filter(r.query, {"format", "unit", "plan", "group_by"});
                    if (!filter) return Response::error(filter.error());
                    const std::string unit = query_text(r, "unit").empty() ? "month" : query_text(r, "unit");
                    const std::string group_by = query_text(r, "group_by");
                    auto table = figs::sample_figures_by_period(*db, *calendar, actor_of(r), *filter, unit,
                                                                query_text(r, "plan"), group_by);
                    if (!table) return Response::error(table.error());
                    if (wants_csv(r)) return csv_response(*table, "samples-by-" + unit);
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("unit", unit);
                    body->set("group_by", group_by.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(group_by));
                    body->set("items", table_json(*table));
                    return Response::json(200, body);
                }, 200, kFigureReaders});

    router.add({"GET", "/api/v1/statistics/case-leads/summary", "getCaseLeadSummary",
                "The case leads' summary per week (default), month or phase: opened, filed, not filed, transferred, "
                "closed and withdrawn, each on the Beijing day it happened (?unit=, ?plan=, the statistics filters, "
                "?format=csv)",
                AuthRequirement::User, std::nullopt, [db, query_text](const Request& r) {
                    if (auto bad = check_format(r)) return Response::problem(*bad);
                    auto filter = figs::parse_statistics_filter(r.query, {"format", "unit", "plan"});
                    if (!filter) return Response::error(filter.error());
                    const std::string unit = query_text(r, "unit").empty() ? "week" : query_text(r, "unit");
                    auto table = figs::lead_summary_by_period(*db, actor_of(r), *filter, unit, query_text(r, "plan"));
                    if (!table) return Response::error(table.error());
                    if (wants_csv(r)) return csv_response(*table, "case-leads-by-" + unit);
                    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                    body->set("unit", unit);
                    body->set("items", table_json(*table));
                    return Response::json(200, body);
                }, 200, kFigureReaders});
}

}  // namespace lims::api
