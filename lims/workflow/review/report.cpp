#include "lims/workflow/review/report.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/domain/judgement/judgement.hpp"
#include "lims/domain/judgement/reported_value.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/result_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/case_leads/open_case_lead.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/report_pdf.hpp"
#include "lims/workflow/review/sample_progress.hpp"
#include "lims/workflow/review/specification.hpp"
#include "lims/workflow/sampling/field_record.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

namespace {

struct JudgedLine {
    store::TestRecord test;
    store::ResultRecord result;
    domain::SpecificationLine line;
    domain::Limit limit;
    domain::ItemJudgement judgement;
};

struct Judged {
    std::vector<JudgedLine> lines;
    domain::SampleJudgement sample;
};

int latest_round(store::Transaction& tx, std::int64_t sample_id) {
    auto tests = store::TestRepository(tx).for_sample(sample_id);
    int round = 0;
    for (const auto& t : tests) round = std::max(round, t.round);
    return round;
}

// Judges every final result of the round against its line (rounding first, GB/T 8170).
domain::Result<Judged> judge_round(store::Transaction& tx, std::int64_t sample_id, int round) {
    auto tests = store::TestRepository(tx).for_sample(sample_id, round);
    std::erase_if(tests, [](const store::TestRecord& t) { return t.state == "cancelled"; });
    if (tests.empty())
        return domain::errors::conflict("review.no_tests", "sample " + std::to_string(sample_id) + " has no tests in round " +
                                                         std::to_string(round));
    std::string pending;
    for (const auto& t : tests)
        if (t.state != "final") pending += (pending.empty() ? "" : ", ") + t.test_code + " (" + t.state + ")";
    if (!pending.empty())
        return domain::errors::conflict("review.results_pending", "not every result is final: " + pending);

    store::ResultRepository results(tx);
    Judged out;
    std::vector<domain::JudgedItem> items;
    for (const auto& t : tests) {
        auto result = results.latest_for_test(t.id);
        if (!result) return domain::errors::conflict("review.results_pending", "test " + t.test_code + " has no result");
        if (!t.spec_line_id)
            return domain::errors::conflict("review.specification", "test " + t.test_code + " has no specification line");
        auto line = load_specification_line(tx, *t.spec_line_id, t.spec_line_version);
        if (!line) return line.error();
        auto limit = limit_of(*line);
        if (!limit) return limit.error();
        auto value = domain::ReportedValue::parse(result->value_text ? *result->value_text : *result->qualitative);
        if (!value) return domain::errors::invalid("value", "review.value", "test " + t.test_code + ": " + value.error().message);
        auto judgement = domain::judge(*limit, *value);
        if (!judgement) return domain::errors::invalid("value", "review.value", "test " + t.test_code + ": " + judgement.error().message);
        items.push_back({line->test_name.empty() ? t.test_code : line->test_name, *judgement});
        out.lines.push_back({t, *result, *line, *limit, *judgement});
    }
    out.sample = domain::judge_sample(items);
    if (out.sample.verdict == domain::Verdict::indeterminate) {
        std::string names;
        for (const auto& n : out.sample.undecided_items) names += (names.empty() ? "" : ", ") + n;
        return domain::errors::conflict("review.undecided", "these results cannot be judged against their limits and need a "
                                                      "person's decision: " + names);
    }
    return out;
}

std::string content_json(const domain::Sample& sample, int round, const Judged& judged) {
    Poco::JSON::Object j;
    j.set("sample_number", sample.number);
    j.set("product_name", sample.product_name);
    j.set("batch_number", sample.batch_number);
    j.set("round", round);
    Poco::JSON::Array items;
    for (const auto& l : judged.lines) {
        Poco::JSON::Object o;
        o.set("test_id", l.test.id);
        o.set("result_id", l.result.id);
        o.set("test_code", l.test.test_code);
        o.set("item", l.line.test_name.empty() ? l.test.test_code : l.line.test_name);
        o.set("standard", l.line.standard_ref);
        o.set("requirement", l.limit.describe());
        o.set("result", l.result.value_text ? *l.result.value_text : *l.result.qualitative);
        if (l.judgement.rounded) o.set("rounded", l.judgement.rounded->to_string());
        o.set("unit", l.result.unit);
        o.set("verdict", std::string(domain::to_string(l.judgement.verdict)));
        o.set("warning", l.judgement.warning);
        o.set("explanation", l.judgement.explanation);
        items.add(o);
    }
    j.set("items", items);
    Poco::JSON::Array failing;
    for (const auto& f : judged.sample.failing_items) failing.add(f);
    j.set("failing_items", failing);
    j.set("conclusion", std::string(domain::to_string(judged.sample.verdict)));
    j.set("conclusion_zh", std::string(domain::conclusion_zh(judged.sample.verdict)));
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

std::string conclusion_of(domain::Verdict v) { return v == domain::Verdict::conforms ? "conforms" : "does_not_conform"; }

domain::Result<store::ReportRecord> load_report(store::Transaction& tx, std::int64_t id, std::int64_t expected_version) {
    auto report = store::ReportRepository(tx).get(id);
    if (!report) return domain::errors::not_found("review.report_not_found", "report " + std::to_string(id) + " does not exist");
    if (report->version != expected_version)
        return store::store_error(store::StoreErrorKind::conflict,
                                  "report " + report->number + " is at version " + std::to_string(report->version) +
                                      ", not " + std::to_string(expected_version) + ": someone acted on it meanwhile");
    return report;
}

// --- notices ---------------------------------------------------------------------------

struct OrgRow {
    std::int64_t id = 0;
    std::string kind;
    std::optional<std::int64_t> parent;
};

std::optional<OrgRow> org_row(store::Transaction& tx, std::int64_t id) {
    std::vector<std::string> kind;
    std::vector<Poco::Nullable<Poco::Int64>> parent;
    tx.session() << "SELECT kind, parent_id FROM organisations WHERE id = $1", bind(id), into(kind), into(parent), now;
    if (kind.empty()) return std::nullopt;
    return OrgRow{id, kind.front(), parent.front().isNull() ? std::nullopt : std::optional<std::int64_t>(parent.front().value())};
}

// The bureau at or above an organisation (offices and units report to their bureau).
std::optional<std::int64_t> bureau_over(store::Transaction& tx, std::optional<std::int64_t> org) {
    while (org) {
        auto row = org_row(tx, *org);
        if (!row) return std::nullopt;
        if (row->kind == "bureau") return row->id;
        org = row->parent;
    }
    return std::nullopt;
}

std::optional<std::int64_t> organising_bureau(store::Transaction& tx, const domain::Sample& sample) {
    if (sample.task_id) {
        std::vector<Poco::Int64> org;
        tx.session() << "SELECT p.org_id FROM tasks t JOIN sampling_plans p ON p.id = t.plan_id WHERE t.id = $1",
            bind(*sample.task_id), into(org), now;
        if (!org.empty()) return bureau_over(tx, org.front());
    }
    return bureau_over(tx, sample.org_id);
}

std::optional<std::int64_t> entity_jurisdiction(store::Transaction& tx, std::int64_t entity_id) {
    std::vector<Poco::Int64> org;
    tx.session() << "SELECT jurisdiction_org_id FROM regulated_entities WHERE id = $1", bind(entity_id), into(org), now;
    if (org.empty()) return std::nullopt;
    return org.front();
}

// GB/T 2260: province PP0000, city PPCC00, county PPCCXX. A manufacturer's bureau is the
// bureau of its county, else its city, else its province.
std::optional<std::int64_t> bureau_by_region(store::Transaction& tx, const std::string& region) {
    if (region.size() != 6) return std::nullopt;
    for (const std::string& code : {region, region.substr(0, 4) + "00", region.substr(0, 2) + "0000"}) {
        std::vector<Poco::Int64> id;
        tx.session() << "SELECT id FROM organisations WHERE kind = 'bureau' AND active = 1 AND region_code = $1 "
                        "ORDER BY id LIMIT 1",
            bind(code), into(id), now;
        if (!id.empty()) return id.front();
    }
    return std::nullopt;
}

struct Manufacturer {
    std::optional<std::int64_t> entity_id;
    std::string name;
    std::string region_code;
};

// A failing item as the enforcement officer reads it on the lead: "检验结果 90.04 %（修约后
// 90.0）；标准规定 95.0–105.0 %；低于规定范围" (the judgement's own explanation is English,
// for the engineers' logs and the result's audit).
template <typename Line>
std::string finding_in_chinese(const Line& l) {
    const std::string unit = l.result.unit.empty() ? "" : " " + l.result.unit;
    const std::string value = l.result.value_text ? *l.result.value_text : *l.result.qualitative;
    std::string out = "检验结果 " + value + unit;
    const auto& r = l.judgement.rounded;
    if (r && l.result.value_text && r->to_string() != *l.result.value_text) out += "（修约后 " + r->to_string() + "）";
    out += "；标准规定 " + l.limit.describe() + (l.limit.kind() == domain::LimitKind::qualitative ? "" : unit) + "；";
    switch (l.limit.kind()) {
        case domain::LimitKind::range: out += r && *r < l.limit.low() ? "低于规定范围" : "高于规定范围"; break;
        case domain::LimitKind::upper: out += "超过规定限度"; break;
        case domain::LimitKind::lower: out += "低于规定限度"; break;
        case domain::LimitKind::qualitative: out += "不符合规定"; break;
    }
    return out;
}

Manufacturer manufacturer_of(store::Transaction& tx, const domain::Sample& sample) {
    Manufacturer m;
    if (!sample.product_id) return m;
    std::vector<Poco::Nullable<Poco::Int64>> entity;
    std::vector<std::string> name;
    tx.session() << "SELECT manufacturer_entity_id, manufacturer_name FROM products WHERE id = $1",
        bind(*sample.product_id), into(entity), into(name), now;
    if (entity.empty()) return m;
    m.name = name.front();
    if (!entity.front().isNull()) {
        m.entity_id = entity.front().value();
        std::vector<std::string> region, ename;
        tx.session() << "SELECT region_code, name FROM regulated_entities WHERE id = $1", bind(*m.entity_id),
            into(region), into(ename), now;
        if (!region.empty()) {
            m.region_code = region.front();
            if (m.name.empty()) m.name = ename.front();
        }
    }
    if (m.entity_id) return m;
    // Where the catalogue does not name the manufacturer, what was read on the pack's label
    // (a product linked after registration from the label): its name, and its bureau by
    // the credit code's entity, else by the code's registration region (GB 32100, positions 3-8).
    std::vector<std::string> label_name, label_code;
    tx.session() << "SELECT manufacturer_name, manufacturer_credit_code FROM sample_labels WHERE sample_id = $1",
        bind(sample.id), into(label_name), into(label_code), now;
    if (label_name.empty()) return m;
    if (m.name.empty()) m.name = label_name.front();
    if (label_code.front().empty()) return m;
    std::vector<Poco::Int64> entity_id;
    std::vector<Poco::Nullable<std::string>> entity_region;
    tx.session() << "SELECT id, region_code FROM regulated_entities WHERE credit_code = $1", bind(label_code.front()),
        into(entity_id), into(entity_region), now;
    if (!entity_id.empty()) {
        m.entity_id = entity_id.front();
        if (!entity_region.front().isNull()) m.region_code = entity_region.front().value();
    }
    if (m.region_code.empty())
        if (auto code = domain::CreditCode::parse(label_code.front())) m.region_code = std::string(code->region_digits());
    return m;
}

domain::Result<std::vector<store::NoticeRecord>> send_notices(store::Transaction& tx,
                                                              const domain::WorkingCalendar& calendar,
                                                              const domain::Sample& sample,
                                                              const store::ReportRecord& report, const Actor& actor) {
    auto to = domain::apply(domain::machines::notice(), domain::kNotCreated,
                            {.action = "send", .actor_roles = actor.roles, .supplied = {}, .guard_holds = {}});
    if (!to) return to.error();
    auto issued_at = parse_store_time(tx.now_utc());
    if (!issued_at) return issued_at.error();
    const auto& rule = report.serious_risk ? domain::statutory::kNonconformityNoticeSeriousRisk
                                           : domain::statutory::kNonconformityNotice;
    auto due = domain::counted_deadline_for(calendar, rule, *issued_at);
    if (!due) return due.error();

    store::NoticeRecord base;
    base.sample_id = sample.id;
    base.report_id = report.id;
    base.serious_risk = report.serious_risk;
    base.state = std::string(*to);
    base.due_at = store_time(due->due);
    base.deadline_provisional = due->provisional;

    std::vector<store::NoticeRecord> planned;
    std::set<std::int64_t> bureaus;
    auto add_bureau = [&](const char* recipient, std::optional<std::int64_t> org) {
        if (!org || !bureaus.insert(*org).second) return;  // one notice per bureau
        store::NoticeRecord n = base;
        n.recipient = recipient;
        n.to_org_id = org;
        planned.push_back(n);
    };
    add_bureau("organising_bureau", organising_bureau(tx, sample));
    // An online sample (网络抽样): the bureaus of the shop's registered address and of the
    // platform operator's, each noted with its party (notice_parties); otherwise the sampled unit's.
    std::vector<std::pair<std::size_t, sampling::NoticeParty>> parties;
    for (const auto& party : sampling::online_notice_parties(tx, sample.id)) {
        const auto bureau = bureau_by_region(tx, party.region_code);
        std::size_t at = planned.size();
        for (std::size_t i = 0; i < planned.size(); ++i)
            if (bureau ? planned[i].to_org_id == bureau
                       : planned[i].external && planned[i].external_region_code == party.region_code)
                at = i;
        if (at == planned.size()) {
            store::NoticeRecord n = base;
            n.recipient = "sampled_unit_bureau";
            if (bureau) {
                bureaus.insert(*bureau);
                n.to_org_id = bureau;
            } else {
                n.external = true;
                n.external_region_code = party.region_code;
                n.external_recipient = "药品监督管理部门 (" + party.region_code + ") for " + party.name;
            }
            planned.push_back(n);
        }
        parties.emplace_back(at, party);
    }
    if (sample.entity_id && parties.empty())
        add_bureau("sampled_unit_bureau", bureau_over(tx, entity_jurisdiction(tx, *sample.entity_id)));
    const auto maker = manufacturer_of(tx, sample);
    if (auto bureau = bureau_by_region(tx, maker.region_code)) {
        add_bureau("manufacturer_bureau", bureau);
    } else if (!maker.name.empty() || !maker.region_code.empty()) {
        // Outside the system's jurisdiction: delivered by hand, acknowledged by an administrator.
        store::NoticeRecord n = base;
        n.recipient = "manufacturer_bureau";
        n.external = true;
        if (!maker.region_code.empty()) n.external_region_code = maker.region_code;
        n.external_recipient = "药品监督管理部门 (" + (maker.region_code.empty() ? "region unknown" : maker.region_code) +
                               ") for " + maker.name;
        planned.push_back(n);
    }
    std::vector<store::NoticeRecord> sent;
    store::NoticeRepository notices(tx);
    for (const auto& n : planned) {
        auto made = notices.create(n, actor.name);
        if (!made) return made.error();
        sent.push_back(*made);
    }
    for (const auto& [index, party] : parties) sampling::record_notice_party(tx, sent.at(index).id, party);
    return sent;
}

// --- case lead -------------------------------------------------------------------------

domain::Result<store::CaseLeadRecord> open_lead_for(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                    const domain::Sample& sample, const store::ReportRecord& report,
                                                    const Judged& judged, const Actor& actor) {
    if (!sample.entity_id)
        return domain::errors::invalid("case_lead", "case_lead.subject_required",
                                  "sample " + sample.number + " names no sampled unit to open a case lead against");
    case_leads::NewCaseLead lead;
    lead.source = store::CaseLeadSource::nonconforming_result;
    lead.subject_entity_id = *sample.entity_id;
    const auto maker = manufacturer_of(tx, sample);
    lead.manufacturer_entity_id = maker.entity_id;
    lead.manufacturer_name = maker.name;
    lead.product_id = sample.product_id;
    lead.product_name = sample.product_name;
    lead.batch_number = sample.batch_number;
    lead.sample_id = sample.id;
    lead.report_id = report.id;
    lead.summary = "检验报告 " + report.number + " 不符合规定（样品编号 " + sample.number + "）";
    for (const auto& l : judged.lines) {
        if (l.judgement.verdict != domain::Verdict::does_not_conform) continue;
        lead.findings.push_back({l.line.test_name.empty() ? l.test.test_code : l.line.test_name, finding_in_chinese(l)});
    }
    lead.evidence.push_back({"sample", sample.number, "样品及抽样记录"});
    lead.evidence.push_back({"custody", sample.number, "样品流转记录"});
    for (const auto& l : judged.lines)
        if (l.result.raw_message_id)
            lead.evidence.push_back({"raw_message", std::to_string(*l.result.raw_message_id),
                                     "检验项目 " + l.test.test_code + " 的仪器原始报文"});
    lead.evidence.push_back({"report", report.number, "检验报告书"});
    return case_leads::open_case_lead(tx, calendar, lead, actor);
}

void record_lead_failure(store::Transaction& tx, const store::ReportRecord& report, const domain::Error& why,
                         const std::string& actor) {
    tx.record({actor, "report.case_lead_failed", "report", report.number, "",
               "{\"code\":\"" + why.code + "\"}",
               "the case lead of nonconforming report " + report.number + " could not be opened: " + why.message +
                   "; it is opened by itself once the cause is fixed"});
}

// Issued, nonconforming, first examination, not superseded, and no lead names it.
constexpr const char* kReportsWithoutLead =
    "FROM reports r WHERE r.state = 'issued' AND r.round = 1 AND r.conclusion = 'does_not_conform' "
    "AND NOT EXISTS (SELECT 1 FROM case_leads c WHERE c.report_id = r.id)";

}  // namespace

domain::Result<store::ReportRecord> draft_report(store::Transaction& tx, std::int64_t sample_id, const Actor& actor) {
    auto sample = store::SampleRepository(tx).get_by_id(sample_id);
    if (!sample)
        return domain::errors::not_found("review.sample_not_found", "sample " + std::to_string(sample_id) + " does not exist");
    const int round = latest_round(tx, sample_id);
    if (round == 0) return domain::errors::conflict("review.no_tests", "sample " + sample->number + " has no tests");
    store::ReportRepository reports(tx);
    for (const auto& r : reports.for_sample(sample_id))
        if (r.round == round && r.state != "discarded")
            return domain::errors::conflict("review.report_exists", "sample " + sample->number + " already has report " +
                                                                  r.number + " (" + r.state + ") for this round");
    auto judged = judge_round(tx, sample_id, round);
    if (!judged) return judged.error();
    auto to = domain::apply(domain::machines::report(), domain::kNotCreated,
                            {.action = "draft", .actor_roles = actor.roles, .supplied = {},
                             .guard_holds = [](std::string_view g) { return g == "all_results_final"; }});
    if (!to) return to.error();
    const auto all_final = [](std::string_view g) { return g == "all_results_final"; };
    auto progressed = advance_sample(tx, sample_id, round == 1 ? "complete_testing" : "complete_reinspection", actor,
                                     all_final);
    if (!progressed) return progressed.error();

    store::ReportRecord row;
    row.sample_id = sample_id;
    row.state = std::string(*to);
    row.round = round;
    row.conclusion = conclusion_of(judged->sample.verdict);
    row.content_json = content_json(*sample, round, *judged);
    if (round > 1)
        for (const auto& r : reports.for_sample(sample_id))
            if (r.round == 1 && r.state == "issued") row.supersedes_report_id = r.id;
    return reports.create(row, actor.name);
}

domain::Result<store::ReportRecord> approve_report(store::Transaction& tx, const ApproveRequest& request,
                                                   const Actor& actor, const PasswordCheck& check) {
    auto report = load_report(tx, request.report_id, request.expected_version);
    if (!report) return report.error();
    // Results may have been retracted since the draft: judge again, and refuse if anything moved.
    auto judged = judge_round(tx, report->sample_id, report->round);
    if (!judged) return judged.error();
    auto sample = store::SampleRepository(tx).get_by_id(report->sample_id);
    if (!sample) return sample.error();
    if (content_json(*sample, report->round, *judged) != report->content_json)
        return domain::errors::conflict("review.report_stale", "the results of report " + report->number +
                                                             " changed since it was drafted; discard it and draft again");
    // The password is checked by sign() below; the guard holds only if it passes, so
    // the transition is tried first (role and state) and signing comes second.
    auto to = domain::apply(domain::machines::report(), report->state,
                            {.action = "approve", .actor_roles = actor.roles, .supplied = {domain::Recorded::signature},
                             .guard_holds = [](std::string_view g) {
                                 return g == "all_results_final" || g == "signer_password_confirmed";
                             }});
    if (!to) return to.error();
    auto signature = sign(tx, check, actor, request.signing, "report", report->number, kMeaningApproved,
                          sha256_hex(report->content_json));
    if (!signature) return signature.error();
    store::ReportRecord next = *report;
    next.state = std::string(*to);
    next.approved_by = actor.user_id;
    next.approved_at = signature->signed_at;
    return store::ReportRepository(tx).update(next, "report.approve", "", actor.name);
}

domain::Result<IssuedReport> issue_report(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                          const IssueRequest& request, const Actor& actor) {
    auto report = load_report(tx, request.report_id, request.expected_version);
    if (!report) return report.error();
    auto to = domain::apply(domain::machines::report(), report->state,
                            {.action = "issue", .actor_roles = actor.roles, .supplied = {}, .guard_holds = {}});
    if (!to) return to.error();
    store::ReportRepository reports(tx);
    store::ReportRecord next = *report;
    next.state = std::string(*to);
    next.serious_risk = request.serious_risk;
    next.issued_by = actor.user_id;
    next.issued_at = tx.now_utc();
    auto issued = reports.update(next, "report.issue", "", actor.name);
    if (!issued) return issued.error();

    // The hash the QR code prints and /verify recomputes: the documents area's canonical text.
    if (auto doc = documents::load_report_document(tx, issued->number)) {
        next = *issued;
        next.content_sha256 = documents::report_content_hash(*doc);
        if (auto pdf = documents::render_report_pdf(*doc)) next.pdf_sha256 = documents::sha256_hex(*pdf);
        issued = reports.update(next, "report.hash", "", actor.name);
        if (!issued) return issued.error();
    } else {
        next = *issued;
        next.content_sha256 = sha256_hex(issued->content_json);
        issued = reports.update(next, "report.hash", "document not printable: " + doc.error().message, actor.name);
        if (!issued) return issued.error();
    }

    auto sample = advance_sample(tx, issued->sample_id, "issue_report", actor,
                                 [](std::string_view g) { return g == "report_approved"; });
    if (!sample) return sample.error();

    IssuedReport out{*issued, {}, std::nullopt};
    auto judged = judge_round(tx, issued->sample_id, issued->round);
    if (!judged) return judged.error();
    const bool conforms = judged->sample.verdict == domain::Verdict::conforms;

    if (issued->round == 1) {
        if (conforms) return out;
        auto notices = send_notices(tx, calendar, *sample, *issued, actor);
        if (!notices) return notices.error();
        out.notices = std::move(*notices);
        // In a savepoint: a lead that cannot be opened never withholds the issued report
        // and its notices (issue 19); a store failure still undoes the whole issue.
        auto lead = tx.nested([&](store::Transaction& t) {
            return open_lead_for(t, calendar, *sample, *issued, *judged, actor);
        });
        if (lead) {
            out.case_lead = *lead;
        } else if (lead.error().code.rfind("store.", 0) == 0) {
            return lead.error();
        } else {
            record_lead_failure(tx, *issued, lead.error(), actor.name);
            out.case_lead_problem = lead.error();
        }
        return out;
    }

    // Re-inspection: its report stands and supersedes the first.
    if (issued->supersedes_report_id) {
        auto first = reports.get(*issued->supersedes_report_id);
        if (!first) return first.error();
        auto superseded = domain::apply(domain::machines::report(), first->state,
                                        {.action = "supersede", .actor_roles = actor.roles,
                                         .supplied = {domain::Recorded::reason, domain::Recorded::reference},
                                         .guard_holds = [](std::string_view g) { return g == "superseding_report_issued"; }});
        if (!superseded) return superseded.error();
        store::ReportRecord old = *first;
        old.state = std::string(*superseded);
        auto saved = reports.update(old, "report.supersede", "superseded by re-inspection report " + issued->number,
                                    actor.name);
        if (!saved) return saved.error();
    }
    // The re-inspection it completes, audited like its application (reinspection.apply).
    std::vector<Poco::Tuple<Poco::Int64, Poco::Int64>> open_reinspections;  // id, version
    tx.session() << "SELECT id, version FROM reinspections WHERE sample_id = $1 AND state = 'in_testing'",
        bind(issued->sample_id), into(open_reinspections), now;
    tx.session() << "UPDATE reinspections SET state = 'completed', result_report_id = $1, version = version + 1, "
                    "updated_at = $2 WHERE sample_id = $3 AND state = 'in_testing'",
        bind(issued->id), bind(tx.now_utc()), bind(issued->sample_id), now;
    for (const auto& row : open_reinspections) {
        const std::string id = std::to_string(row.get<0>());
        tx.record({actor.name, "reinspection.complete", "reinspection", id,
                   "{\"state\":\"in_testing\",\"version\":" + std::to_string(row.get<1>()) + "}",
                   "{\"state\":\"completed\",\"version\":" + std::to_string(row.get<1>() + 1) +
                       ",\"result_report\":\"" + issued->number + "\",\"conforms\":" + (conforms ? "true" : "false") + "}",
                   "re-inspection report " + issued->number + " issued"});
    }
    if (!conforms) return out;  // the lead goes on
    store::CaseLeadRepository leads(tx);
    for (auto lead : leads.for_sample(issued->sample_id)) {
        auto withdrawn = domain::apply(domain::machines::case_lead(), lead.state,
                                       {.action = "withdraw", .actor_roles = actor.roles,
                                        .supplied = {domain::Recorded::reference},
                                        .guard_holds = [](std::string_view g) { return g == "reinspection_conforms"; }});
        if (!withdrawn) continue;  // decided leads stay as decided
        lead.state = std::string(*withdrawn);
        lead.decision = "withdrawn";
        lead.reference = issued->number;
        auto saved = leads.update(lead, "case_lead.withdraw",
                                  "re-inspection report " + issued->number + " conforms (复验符合规定)", actor.name);
        if (!saved) return saved.error();
        out.case_lead = *saved;
    }
    return out;
}

domain::Result<ReportLeadRetry> retry_report_case_leads(store::Database& db, const domain::WorkingCalendar& calendar) {
    auto waiting = db.read([&](store::Transaction& tx) -> domain::Result<std::vector<std::int64_t>> {
        std::vector<Poco::Int64> ids;
        tx.session() << std::string("SELECT r.id ") + kReportsWithoutLead + " ORDER BY r.id", into(ids), now;
        return std::vector<std::int64_t>(ids.begin(), ids.end());
    });
    if (!waiting) return waiting.error();
    ReportLeadRetry run;
    run.waiting = waiting->size();
    for (const std::int64_t id : *waiting) {
        enum Attempt { gone, opened_now, refused };
        auto opened = db.write([&](store::Transaction& tx) -> domain::Result<Attempt> {
            // Taken again under the write lock: another node's job may have opened it.
            Poco::Int64 still = 0;
            tx.session() << std::string("SELECT count(*) ") + kReportsWithoutLead + " AND r.id = $1", bind(id),
                into(still), now;
            if (still == 0) return gone;
            auto report = store::ReportRepository(tx).get(id);
            if (!report) return report.error();
            auto sample = store::SampleRepository(tx).get_by_id(report->sample_id);
            if (!sample) return sample.error();
            auto judged = judge_round(tx, report->sample_id, report->round);
            if (!judged) return judged.error();
            const Actor system{std::nullopt, "system:case-leads", domain::RoleSet{domain::Role::signatory}, std::nullopt};
            auto lead = tx.nested([&](store::Transaction& t) {
                return open_lead_for(t, calendar, *sample, *report, *judged, system);
            });
            if (lead) return opened_now;
            if (lead.error().code.rfind("store.", 0) == 0) return lead.error();
            return refused;  // still refused: the first failure is in the audit trail
        });
        if (!opened) return opened.error();
        if (*opened == opened_now) ++run.opened;
        if (*opened == refused) ++run.failed;
    }
    return run;
}

domain::Result<std::size_t> reports_waiting_for_case_lead(store::Database& db) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::size_t> {
        Poco::Int64 n = 0;
        tx.session() << std::string("SELECT count(*) ") + kReportsWithoutLead, into(n), now;
        return static_cast<std::size_t>(n);
    });
}

}  // namespace lims::workflow::review
