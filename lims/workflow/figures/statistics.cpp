#include "lims/workflow/figures/statistics.hpp"

#include "lims/domain/model/product_category.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/sql_rows.hpp"

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
const std::set<std::string> kGroupings = {"category", "variety", "manufacturer", "office"};

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
    std::string category, variety, manufacturer, office;
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
        "(SELECT MIN(t.created_at) FROM tests t WHERE t.sample_id = s.id) FROM samples s" +
            std::string(kSampleJoins) + " WHERE 1 = 1" + where->sql + " ORDER BY s.id",
        where->params);
    std::vector<SampleOutcome> out;
    for (const auto& r : rows) {
        auto sampled = parse_stored_instant(text_or_empty(r[1]));
        if (!sampled) return sampled.error();
        if (!in_period(f, *sampled)) continue;
        SampleOutcome o;
        o.category = text_or_empty(r[2]);
        o.variety = text_or_empty(r[3]);
        o.manufacturer = text_or_empty(r[4]);
        o.office = text_or_empty(r[5]);
        const Poco::Int64 id = std::stoll(*r[0]);
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
    static const std::set<std::string> known = {"from", "to", "period", "category", "variety", "manufacturer", "office"};
    StatisticsFilter f;
    for (const auto& [name, value] : query) {
        if (!known.count(name) && std::find(extra.begin(), extra.end(), name) == extra.end())
            return bad(name, "unknown parameter (known: from, to, period, category, variety, manufacturer, office)");
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
            if (decided_as == "filed") ++summary.leads.conversion.numerator;
        }
        auto age = calendar.working_days_between(domain::local_date(*created), domain::local_date(now));
        if (!age) return age.error();
        if (calendar.provisional_between(domain::local_date(*created), domain::local_date(now)))
            summary.deadline_provisional = true;
        ++summary.leads.by_state_and_age[state][age_bucket(std::max(*age, 0))];
    }
    return summary;
}

Result<Table> sample_figures_by(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                const StatisticsFilter& filter, const std::string& group_by, domain::Instant now,
                                domain::DeadlineRule report_rule) {
    (void)now;
    if (!kGroupings.count(group_by))
        return bad("group_by", "\"" + group_by + "\" is not one of category, variety, manufacturer, office");
    auto outcomes = sample_outcomes(tx, calendar, filter, report_rule);
    if (!outcomes) return outcomes.error();
    std::map<std::string, SampleFigures> groups;
    for (const auto& o : *outcomes) {
        const std::string& key = group_by == "category" ? o.category
                                 : group_by == "variety" ? o.variety
                                 : group_by == "manufacturer" ? o.manufacturer
                                                              : o.office;
        add_to(groups[key], o);
    }
    Table t;
    t.columns = {group_by, "samples", "reported", "conforming", "nonconforming", "pass_rate", "on_time_report_rate"};
    for (const auto& [key, s] : groups)
        t.rows.push_back({key, std::to_string(s.samples), std::to_string(s.reported), std::to_string(s.conforming),
                          std::to_string(s.nonconforming), format_rate(s.pass), format_rate(s.on_time_reports)});
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
