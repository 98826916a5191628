#include "lims/workflow/figures/statistics.hpp"

#include "lims/domain/identifiers/region_names.hpp"
#include "lims/domain/model/product_category.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/sql_rows.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Types.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

namespace lims::workflow::figures {

using documents::parse_stored_instant;
using documents::select_rows;
using documents::select_rows_with;
using documents::SqlRow;
using documents::text_or_empty;
using domain::make_error;
using domain::Result;

namespace {

constexpr std::size_t kMaxFilterLength = 200;  // longer than any product or company name
const std::set<std::string> kGroupings = {"category", "variety",      "manufacturer", "office",
                                          "region",   "unit_kind",    "failing_item", "focus_tag"};

domain::Error bad(const std::string& parameter, const std::string& why) {
    return make_error("statistics.parameter", "query parameter " + parameter + ": " + why);
}

bool parse_int(std::string_view s, long long& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

// "2026" → the year; "2026-03" → the month; "2026-Q2" → the quarter.
Result<std::pair<domain::Date, domain::Date>> parse_period(const std::string& text) {
    using namespace std::chrono;
    long long y = 0, part = 0;
    auto year_ok = [&](std::string_view s) { return s.size() == 4 && parse_int(s, y) && y >= 2000 && y <= 2099; };
    if (text.size() == 4 && year_ok(text))
        return std::pair{domain::Date(year(int(y)) / January / 1), domain::Date(year(int(y)) / December / 31)};
    if (text.size() == 7 && year_ok(std::string_view(text).substr(0, 4)) && text[4] == '-') {
        if (text[5] == 'Q' && parse_int(std::string_view(text).substr(6), part) && part >= 1 && part <= 4) {
            const auto first = year(int(y)) / month(unsigned(part * 3 - 2)) / 1;
            const auto last = year(int(y)) / month(unsigned(part * 3)) / std::chrono::last;
            return std::pair{domain::Date(first), domain::Date(last)};
        }
        if (parse_int(std::string_view(text).substr(5), part) && part >= 1 && part <= 12) {
            const auto first = year(int(y)) / month(unsigned(part)) / 1;
            const auto last = year(int(y)) / month(unsigned(part)) / std::chrono::last;
            return std::pair{domain::Date(first), domain::Date(last)};
        }
    }
    return bad("period", "\"" + text + "\" is not YYYY, YYYY-MM or YYYY-Qn");
}

bool in_period(const StatisticsFilter& f, domain::Instant at) {
    const auto day = domain::local_date(at);
    return (!f.from || day >= *f.from) && (!f.to || day <= *f.to);
}

// A sample's category and manufacturer: the catalogue product's, else what was read on
// the pack's label (sample_labels, sl in kSampleJoins) where the catalogue has none.
constexpr const char* kCategory = "COALESCE(p.category, NULLIF(sl.category, ''), '')";
constexpr const char* kManufacturer =
    "COALESCE(me.name, NULLIF(p.manufacturer_name, ''), NULLIF(sl.manufacturer_name, ''), '')";

// The WHERE clause and its parameters shared by the three lists: jurisdiction on
// `org_alias`, office on the sample's registering office, product filters via the sample.
struct Where {
    std::string sql;
    std::vector<std::string> params;
};

Result<Where> where_clause(store::Transaction& tx, const StatisticsFilter& f, const std::string& org_alias) {
    Where w;
    auto add = [&](const std::string& condition, const std::string& value) {
        w.params.push_back(value);
        w.sql += " AND " + condition + " $" + std::to_string(w.params.size());
    };
    add(org_alias + ".path LIKE", f.within_org_path + "%");
    if (f.office_org_id) {
        auto rows = select_rows(tx, "SELECT path FROM organisations WHERE id = $1", Poco::Int64(*f.office_org_id));
        if (rows.empty()) return bad("office", "no organisation " + std::to_string(*f.office_org_id));
        add("so.path LIKE", text_or_empty(rows[0][0]) + "%");
    }
    if (!f.category.empty()) add(std::string(kCategory) + " =", f.category);
    if (!f.variety.empty()) add("s.product_name =", f.variety);
    if (!f.manufacturer.empty()) add(std::string(kManufacturer) + " =", f.manufacturer);
    return w;
}

const char* kSampleJoins =
    " LEFT JOIN organisations so ON so.id = s.org_id LEFT JOIN products p ON p.id = s.product_id"
    " LEFT JOIN regulated_entities me ON me.id = p.manufacturer_entity_id"
    " LEFT JOIN sample_labels sl ON sl.sample_id = s.id";

struct SampleOutcome {
    std::int64_t id = 0;
    domain::Date sampled_on{};  // Beijing date
    std::string category, variety, manufacturer, office, region, unit_kind;
    std::vector<std::string> failing_items;  // by the latest result of each test; nonconforming samples only
    std::vector<std::string> focus_tags;     // the product's and the task's
    bool reported = false;
    std::optional<bool> conforming;  // by the current report, when it can be read
    bool on_time = false;
    bool deadline_provisional = false;  // on_time judged on a deadline through a provisional year
};

Result<std::vector<SampleOutcome>> sample_outcomes(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                   const StatisticsFilter& f, domain::DeadlineRule rule) {
    auto where = where_clause(tx, f, "so");
    if (!where) return where.error();
    auto rows = select_rows_with(
        tx,
        "SELECT s.id, s.sampled_at, " + std::string(kCategory) + ", s.product_name, " + std::string(kManufacturer) + ", "
        "so.name, (SELECT MIN(h.received_at) FROM shipments h JOIN shipment_items i ON i.shipment_id = h.id "
        " WHERE i.sample_id = s.id AND h.received_at IS NOT NULL), "
        "(SELECT MIN(t.created_at) FROM tests t WHERE t.sample_id = s.id), "
        "COALESCE(ue.region_code, so.region_code), COALESCE(ue.kind, '') FROM samples s" +
            std::string(kSampleJoins) + " LEFT JOIN regulated_entities ue ON ue.id = s.entity_id WHERE 1 = 1" +
            where->sql + " ORDER BY s.id",
        where->params);
    // Focus tags: the task's (given by its quota) and the catalogue product's current ones.
    std::map<Poco::Int64, std::set<std::string>> tags;
    for (const char* from :
         {" FROM samples s JOIN task_focus_tags ft ON ft.task_id = s.task_id",
          " FROM samples s JOIN product_focus_tags ft ON ft.product_id = s.product_id AND ft.event = 'tag' AND ft.id = "
          "(SELECT MAX(l.id) FROM product_focus_tags l WHERE l.product_id = ft.product_id AND l.tag_code = ft.tag_code)"})
        for (const auto& r : select_rows_with(tx, "SELECT s.id, ft.tag_code" + std::string(from) + kSampleJoins +
                                                      " WHERE 1 = 1" + where->sql,
                                              where->params))
            tags[std::stoll(*r[0])].insert(text_or_empty(r[1]));
    // Failing items: tests whose latest result does not conform, named as the specification names them.
    std::map<Poco::Int64, std::set<std::string>> failing;
    for (const auto& r : select_rows_with(
             tx,
             "SELECT s.id, COALESCE(NULLIF(sp.test_name, ''), ft.test_code) FROM samples s JOIN tests ft ON ft.sample_id = s.id "
             "LEFT JOIN specification_lines sp ON sp.id = ft.spec_line_id JOIN results fr ON fr.test_id = ft.id AND fr.id = "
             "(SELECT MAX(r2.id) FROM results r2 WHERE r2.test_id = ft.id)" +
                 std::string(kSampleJoins) + " WHERE fr.conformity = 'nonconforming'" + where->sql,
             where->params))
        failing[std::stoll(*r[0])].insert(text_or_empty(r[1]));
    std::vector<SampleOutcome> out;
    for (const auto& r : rows) {
        auto sampled = parse_stored_instant(text_or_empty(r[1]));
        if (!sampled) return sampled.error();
        if (!in_period(f, *sampled)) continue;
        const Poco::Int64 id = std::stoll(*r[0]);
        SampleOutcome o;
        o.id = id;
        o.sampled_on = domain::local_date(*sampled);
        o.category = text_or_empty(r[2]);
        o.variety = text_or_empty(r[3]);
        o.manufacturer = text_or_empty(r[4]);
        o.office = text_or_empty(r[5]);
        o.region = text_or_empty(r[8]);
        o.unit_kind = text_or_empty(r[9]);
        if (auto t = tags.find(id); t != tags.end()) o.focus_tags.assign(t->second.begin(), t->second.end());
        if (!f.focus_tag.empty() && std::find(o.focus_tags.begin(), o.focus_tags.end(), f.focus_tag) == o.focus_tags.end())
            continue;
        auto reports = select_rows(tx,
                                   "SELECT r.id, r.number, r.state, r.conclusion, "
                                   "(SELECT MIN(g.signed_at) FROM signatures g WHERE g.entity_type = 'report' "
                                   " AND (g.entity_id = r.number OR g.entity_id = CAST(r.id AS TEXT)) "
                                   " AND g.meaning = 'approved') "
                                   "FROM reports r WHERE r.sample_id = $1 AND r.state IN ('issued', 'superseded') "
                                   "ORDER BY r.id",
                                   id);
        if (!reports.empty()) {
            o.reported = true;
            const auto& first = reports.front();
            const std::string receipt = r[6] ? *r[6] : text_or_empty(r[7]);
            if (!receipt.empty() && first[4]) {
                auto received = parse_stored_instant(receipt);
                auto approved = parse_stored_instant(*first[4]);
                if (!received) return received.error();
                if (!approved) return approved.error();
                auto due = domain::counted_deadline_for(calendar, rule, *received);
                if (!due) return due.error();
                o.on_time = !domain::is_overdue(due->due, *approved);
                o.deadline_provisional = due->provisional;
            }
            // The current report: the issued one (a re-inspection report supersedes the first).
            for (auto it = reports.rbegin(); it != reports.rend(); ++it) {
                if (text_or_empty((*it)[2]) != "issued" || !(*it)[3]) continue;
                o.conforming = *(*it)[3] == "conforms";
                break;
            }
        }
        if (o.conforming && !*o.conforming)
            if (auto fi = failing.find(id); fi != failing.end()) o.failing_items.assign(fi->second.begin(), fi->second.end());
        out.push_back(std::move(o));
    }
    return out;
}

void add_to(SampleFigures& s, const SampleOutcome& o) {
    ++s.samples;
    if (!o.reported) return;
    ++s.reported;
    ++s.on_time_reports.denominator;
    if (o.on_time) ++s.on_time_reports.numerator;
    if (o.conforming) {
        ++s.pass.denominator;
        if (*o.conforming) {
            ++s.conforming;
            ++s.pass.numerator;
        } else {
            ++s.nonconforming;
        }
    }
}

std::string age_bucket(int days) {
    int lower = 0;
    for (int edge : kLeadAgeEdges) {
        if (days <= edge) return std::to_string(lower) + "-" + std::to_string(edge);
        lower = edge + 1;
    }
    return std::to_string(lower) + "+";
}

}  // namespace

std::string format_rate(const Rate& rate) {
    auto v = rate.value();
    if (!v) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", *v);
    return buf;
}

Result<StatisticsFilter> parse_statistics_filter(const std::map<std::string, std::string>& query,
                                                 const std::vector<std::string>& extra) {
    static const std::set<std::string> known = {"from",    "to",           "period", "category",
                                                "variety", "manufacturer", "office", "focus_tag"};
    StatisticsFilter f;
    for (const auto& [name, value] : query) {
        if (!known.count(name) && std::find(extra.begin(), extra.end(), name) == extra.end())
            return bad(name, "unknown parameter (known: from, to, period, category, variety, manufacturer, office, focus_tag)");
        if (value.size() > kMaxFilterLength)
            return bad(name, "longer than " + std::to_string(kMaxFilterLength) + " characters");
    }
    auto get = [&](const char* name) -> std::string {
        auto it = query.find(name);
        return it == query.end() ? std::string() : it->second;
    };
    for (const char* name : {"from", "to"}) {
        const std::string v = get(name);
        if (v.empty()) continue;
        auto d = domain::parse_date(v);
        if (!d) return bad(name, "\"" + v + "\" is not a date YYYY-MM-DD");
        (std::string(name) == "from" ? f.from : f.to) = *d;
    }
    if (const std::string p = get("period"); !p.empty()) {
        if (f.from || f.to) return bad("period", "give either period or from/to, not both");
        auto range = parse_period(p);
        if (!range) return range.error();
        f.from = range->first;
        f.to = range->second;
    }
    if (f.from && f.to && *f.from > *f.to) return bad("from", "the period starts after it ends");
    f.category = get("category");
    if (!f.category.empty() && !domain::is_product_category(f.category))
        return bad("category", "\"" + f.category + "\" is not one of " + std::string(domain::kProductCategoryList));
    f.variety = get("variety");
    f.manufacturer = get("manufacturer");
    f.focus_tag = get("focus_tag");
    if (const std::string o = get("office"); !o.empty()) {
        long long id = 0;
        if (!parse_int(o, id) || id <= 0) return bad("office", "\"" + o + "\" is not an organisation id");
        f.office_org_id = id;
    }
    return f;
}

Result<StatisticsSummary> compute_statistics(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                             const StatisticsFilter& f, domain::Instant now,
                                             domain::DeadlineRule report_rule) {
    StatisticsSummary summary;
    auto outcomes = sample_outcomes(tx, calendar, f, report_rule);
    if (!outcomes) return outcomes.error();
    for (const auto& o : *outcomes) {
        add_to(summary.samples, o);
        summary.deadline_provisional = summary.deadline_provisional || o.deadline_provisional;
    }

    auto notice_where = where_clause(tx, f, "o");
    if (!notice_where) return notice_where.error();
    auto notices = select_rows_with(tx,
                                    "SELECT n.created_at, n.due_at, n.acknowledged_at, CAST(n.deadline_provisional AS TEXT) "
                                    "FROM notices n "
                                    "JOIN organisations o ON o.id = n.to_org_id LEFT JOIN samples s ON s.id = n.sample_id" +
                                        std::string(kSampleJoins) + " WHERE 1 = 1" + notice_where->sql,
                                    notice_where->params);
    for (const auto& n : notices) {
        auto created = parse_stored_instant(text_or_empty(n[0]));
        if (!created) return created.error();
        if (!in_period(f, *created)) continue;
        ++summary.notices.notices;
        if (!n[1]) continue;  // no deadline: nothing to be on time for
        if (n[3] && *n[3] == "1") summary.deadline_provisional = true;
        auto due = parse_stored_instant(*n[1]);
        if (!due) return due.error();
        if (n[2]) {
            auto acknowledged = parse_stored_instant(*n[2]);
            if (!acknowledged) return acknowledged.error();
            ++summary.notices.on_time.denominator;
            if (!domain::is_overdue(*due, *acknowledged)) ++summary.notices.on_time.numerator;
        } else if (domain::is_overdue(*due, now)) {
            ++summary.notices.on_time.denominator;
        } else {
            ++summary.notices.pending;
        }
    }

    auto lead_where = where_clause(tx, f, "o");
    if (!lead_where) return lead_where.error();
    auto leads = select_rows_with(tx,
                                  "SELECT c.state, c.decision, c.created_at FROM case_leads c "
                                  "JOIN organisations o ON o.id = c.assigned_org_id LEFT JOIN samples s ON s.id = c.sample_id" +
                                      std::string(kSampleJoins) + " WHERE 1 = 1" + lead_where->sql,
                                  lead_where->params);
    for (const auto& c : leads) {
        auto created = parse_stored_instant(text_or_empty(c[2]));
        if (!created) return created.error();
        if (!in_period(f, *created)) continue;
        ++summary.leads.leads;
        const std::string state = text_or_empty(c[0]);
        // A closed lead keeps its decision in `decision` (filed, not_filed, transferred).
        const std::string decided_as = state == "closed" ? text_or_empty(c[1]) : state;
        if (decided_as == "filed" || decided_as == "not_filed" || decided_as == "transferred") {
            ++summary.leads.conversion.denominator;
            // Converted (案件转化): filed as a case, or transferred to the police (行刑衔接).
            if (decided_as == "filed" || decided_as == "transferred") ++summary.leads.conversion.numerator;
        }
        auto age = calendar.working_days_between(domain::local_date(*created), domain::local_date(now));
        if (!age) return age.error();
        if (calendar.provisional_between(domain::local_date(*created), domain::local_date(now)))
            summary.deadline_provisional = true;
        ++summary.leads.by_state_and_age[state][age_bucket(std::max(*age, 0))];
    }
    return summary;
}

namespace {

// The groups a sample counts under for `group_by` (several for failing items and tags).
std::vector<std::string> groups_of(const SampleOutcome& o, const std::string& group_by) {
    if (group_by == "category") return {o.category};
    if (group_by == "variety") return {o.variety};
    if (group_by == "manufacturer") return {o.manufacturer};
    if (group_by == "office") return {o.office};
    if (group_by == "region") return {o.region};
    if (group_by == "unit_kind") return {o.unit_kind};
    if (group_by == "failing_item") return o.failing_items.empty() ? std::vector<std::string>{""} : o.failing_items;
    return o.focus_tags.empty() ? std::vector<std::string>{""} : o.focus_tags;  // focus_tag
}

std::vector<std::string> figure_cells(const SampleFigures& s) {
    return {std::to_string(s.samples),       std::to_string(s.reported), std::to_string(s.conforming),
            std::to_string(s.nonconforming), format_rate(s.pass),        format_rate(s.on_time_reports)};
}

const std::vector<std::string> kFigureColumns = {"samples",       "reported",  "conforming",
                                                 "nonconforming", "pass_rate", "on_time_report_rate"};

Result<void> check_group(const std::string& group_by) {
    if (!kGroupings.count(group_by))
        return bad("group_by", "\"" + group_by + "\" is not one of " + std::string(kSampleGroupings));
    return {};
}

// The periods to show and a function from a Beijing date to its period's key.
struct PeriodRows {
    std::vector<domain::ReportPeriod> periods;                     // in order
    std::map<std::string, std::optional<domain::Date>> summary;   // phase -> summary date
};

PeriodRows period_rows(const StatisticsFilter& f, const PeriodSpec& spec) {
    PeriodRows out;
    if (spec.unit == domain::PeriodUnit::phase) {
        for (const auto& p : spec.phases) {
            out.periods.push_back({p.name, p.first, p.last});
            out.summary[p.name] = p.summary_due;
        }
    } else if (f.from && f.to) {
        out.periods = domain::periods_between(spec.unit, *f.from, *f.to);
    }
    return out;
}

std::optional<domain::ReportPeriod> period_of(const PeriodSpec& spec, domain::Date day) {
    switch (spec.unit) {
        case domain::PeriodUnit::week: return domain::iso_week_of(day);
        case domain::PeriodUnit::month: return domain::month_of(day);
        case domain::PeriodUnit::phase: return domain::phase_of(spec.phases, day);
    }
    return std::nullopt;
}

// Adds a period met in the data that the fixed rows do not have, keeping the order.
void note_period(PeriodRows& rows, const domain::ReportPeriod& p) {
    for (const auto& known : rows.periods)
        if (known.key == p.key) return;
    rows.periods.push_back(p);
    std::sort(rows.periods.begin(), rows.periods.end(),
              [](const domain::ReportPeriod& a, const domain::ReportPeriod& b) { return a.first < b.first; });
}

std::vector<std::string> period_cells(const PeriodSpec& spec, const PeriodRows& rows, const domain::ReportPeriod& p) {
    std::vector<std::string> cells{p.key, domain::format_date(p.first), domain::format_date(p.last)};
    if (spec.unit == domain::PeriodUnit::phase) {
        auto s = rows.summary.find(p.key);
        cells.push_back(s != rows.summary.end() && s->second ? domain::format_date(*s->second) : "");
    }
    return cells;
}

std::vector<std::string> period_columns(const PeriodSpec& spec) {
    std::vector<std::string> c{"period", "period_first", "period_last"};
    if (spec.unit == domain::PeriodUnit::phase) c.push_back("summary_due_on");
    return c;
}

}  // namespace

Result<Table> sample_figures_by(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                const StatisticsFilter& filter, const std::string& group_by, domain::Instant now,
                                domain::DeadlineRule report_rule) {
    (void)now;
    if (auto ok = check_group(group_by); !ok) return ok.error();
    auto outcomes = sample_outcomes(tx, calendar, filter, report_rule);
    if (!outcomes) return outcomes.error();
    std::map<std::string, SampleFigures> groups;
    for (const auto& o : *outcomes)
        for (const auto& key : groups_of(o, group_by)) add_to(groups[key], o);
    Table t;
    t.columns = {group_by};
    if (group_by == "region") t.columns.emplace_back("region_name");  // the code's name, for people
    t.columns.insert(t.columns.end(), kFigureColumns.begin(), kFigureColumns.end());
    for (const auto& [key, s] : groups) {
        std::vector<std::string> row{key};
        if (group_by == "region") row.push_back(domain::region_name(key));
        for (auto& c : figure_cells(s)) row.push_back(std::move(c));
        t.rows.push_back(std::move(row));
    }
    return t;
}

Result<Table> sample_figures_by_period(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                       const StatisticsFilter& filter, const PeriodSpec& spec,
                                       const std::string& group_by, domain::DeadlineRule report_rule) {
    if (!group_by.empty())
        if (auto ok = check_group(group_by); !ok) return ok.error();
    auto outcomes = sample_outcomes(tx, calendar, filter, report_rule);
    if (!outcomes) return outcomes.error();
    PeriodRows rows = period_rows(filter, spec);
    std::map<std::string, std::map<std::string, SampleFigures>> figures;  // period -> group -> figures
    for (const auto& o : *outcomes) {
        auto p = period_of(spec, o.sampled_on);
        if (!p) continue;  // outside every phase
        note_period(rows, *p);
        if (group_by.empty()) add_to(figures[p->key][""], o);
        else
            for (const auto& key : groups_of(o, group_by)) add_to(figures[p->key][key], o);
    }
    Table t;
    t.columns = period_columns(spec);
    if (!group_by.empty()) t.columns.push_back(group_by);
    if (group_by == "region") t.columns.emplace_back("region_name");
    t.columns.insert(t.columns.end(), kFigureColumns.begin(), kFigureColumns.end());
    for (const auto& p : rows.periods) {
        auto groups = figures[p.key];
        if (groups.empty() && group_by.empty()) groups[""] = SampleFigures{};  // a period with nothing counted
        for (const auto& [key, s] : groups) {
            auto row = period_cells(spec, rows, p);
            if (!group_by.empty()) row.push_back(key);
            if (group_by == "region") row.push_back(domain::region_name(key));
            for (auto& c : figure_cells(s)) row.push_back(std::move(c));
            t.rows.push_back(std::move(row));
        }
    }
    return t;
}

Result<Table> lead_summary_by_period(store::Transaction& tx, const StatisticsFilter& f, const PeriodSpec& spec) {
    static const std::vector<std::string> kStates = {"open", "filed", "not_filed", "transferred", "closed", "withdrawn"};
    auto where = where_clause(tx, f, "o");
    if (!where) return where.error();
    // Every version of every lead in the jurisdiction, oldest first: the state it reached and when.
    auto rows = select_rows_with(tx,
                                 "SELECT c.id, v.version, v.data_json, v.at_utc, c.created_at FROM case_leads c "
                                 "JOIN organisations o ON o.id = c.assigned_org_id LEFT JOIN samples s ON s.id = c.sample_id" +
                                     std::string(kSampleJoins) +
                                     " LEFT JOIN revisions v ON v.entity_type = 'case_lead' AND v.entity_id = c.id"
                                     " WHERE 1 = 1" + where->sql + " ORDER BY c.id, v.version",
                                 where->params);
    PeriodRows periods = period_rows(f, spec);
    std::map<std::string, std::map<std::string, std::int64_t>> counts;  // period -> state -> leads
    auto count = [&](const std::string& state, const std::string& at) -> Result<void> {
        auto instant = parse_stored_instant(at);
        if (!instant) return instant.error();
        if (!in_period(f, *instant)) return {};
        auto p = period_of(spec, domain::local_date(*instant));
        if (!p) return {};
        note_period(periods, *p);
        ++counts[p->key][state];
        return {};
    };
    std::string lead, last_state;
    bool opened = false;
    for (const auto& r : rows) {
        if (text_or_empty(r[0]) != lead) {
            lead = text_or_empty(r[0]);
            last_state.clear();
            opened = false;
        }
        if (!opened) {
            // A lead is opened when it is made, whether or not its first version was kept.
            opened = true;
            if (auto ok = count("open", text_or_empty(r[4])); !ok) return ok.error();
            last_state = "open";
        }
        if (!r[2]) continue;
        std::string state;
        try {
            Poco::JSON::Parser parser;
            auto json = parser.parse(*r[2]).extract<Poco::JSON::Object::Ptr>();
            if (json && json->has("state")) state = json->getValue<std::string>("state");
        } catch (const Poco::Exception&) {
            continue;  // a revision that is not a lead's JSON says nothing about its state
        }
        if (state.empty() || state == last_state) continue;
        last_state = state;
        if (std::find(kStates.begin(), kStates.end(), state) == kStates.end() || state == "open") continue;
        if (auto ok = count(state, text_or_empty(r[3])); !ok) return ok.error();
    }
    // The cases that followed the leads (立案 and 移送公安 of the case, seed 003: 移送、立案和查处):
    // each case counted in the period of its filing, and of each hand-over to the police.
    auto cases = select_rows_with(tx,
                                  "SELECT k.filed_at, k.transfers_json FROM cases k JOIN case_leads c ON c.id = k.lead_id "
                                  "JOIN organisations o ON o.id = k.assigned_org_id LEFT JOIN samples s ON s.id = c.sample_id" +
                                      std::string(kSampleJoins) + " WHERE 1 = 1" + where->sql + " ORDER BY k.id",
                                  where->params);
    for (const auto& r : cases) {
        if (auto ok = count("case_filed", text_or_empty(r[0])); !ok) return ok.error();
        try {
            Poco::JSON::Parser parser;
            auto transfers = parser.parse(text_or_empty(r[1])).extract<Poco::JSON::Array::Ptr>();
            for (std::size_t i = 0; transfers && i < transfers->size(); ++i) {
                auto t = transfers->getObject(static_cast<unsigned>(i));
                if (!t || !t->has("handed_over_at") || t->isNull("handed_over_at")) continue;
                if (auto ok = count("case_transferred", t->getValue<std::string>("handed_over_at")); !ok) return ok.error();
            }
        } catch (const Poco::Exception& e) {
            return domain::errors::internal("figures.case_transfers", "a case's transfers are not JSON: " + e.message());
        }
    }
    Table t;
    t.columns = period_columns(spec);
    for (const auto& s : kStates) t.columns.push_back(s == "open" ? "opened" : s);
    t.columns.emplace_back("cases_filed");
    t.columns.emplace_back("cases_transferred");
    for (const auto& p : periods.periods) {
        auto row = period_cells(spec, periods, p);
        for (const auto& s : kStates) row.push_back(std::to_string(counts[p.key][s]));
        row.push_back(std::to_string(counts[p.key]["case_filed"]));
        row.push_back(std::to_string(counts[p.key]["case_transferred"]));
        t.rows.push_back(std::move(row));
    }
    return t;
}

Table lead_age_table(const LeadFigures& leads) {
    Table t;
    t.columns = {"state", "age_working_days", "leads"};
    for (const auto& [state, buckets] : leads.by_state_and_age)
        for (const auto& [bucket, n] : buckets) t.rows.push_back({state, bucket, std::to_string(n)});
    return t;
}

}  // namespace lims::workflow::figures
