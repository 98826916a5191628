#include "lims/workflow/figures/overdue.hpp"

#include "lims/store/audit.hpp"
#include "lims/workflow/cases/case_clocks_due.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/service_of_documents.hpp"
#include "lims/workflow/documents/sql_rows.hpp"

#include <Poco/JSON/Object.h>

#include <map>
#include <sstream>

namespace lims::workflow::figures {

using documents::parse_stored_instant;
using documents::select_rows;
using documents::text_or_empty;
using domain::Result;

std::string_view to_string(OverdueKind kind) {
    switch (kind) {
        case OverdueKind::test: return "test";
        case OverdueKind::notice: return "notice";
        case OverdueKind::case_lead: return "case_lead";
        case OverdueKind::service: return "service";
        case OverdueKind::case_clock: return "case";
    }
    return "test";
}

namespace {

std::string subtree_pattern(const std::string& path) { return path + "%"; }

// Working days after the last day allowed: the due instant is the close of that day.
Result<int> days_overdue(const domain::WorkingCalendar& calendar, domain::Instant due, domain::Instant now) {
    const auto last_day = domain::local_date(due - std::chrono::seconds(1));
    auto n = calendar.working_days_between(last_day, domain::local_date(now));
    if (!n) return n.error();
    return std::max(*n, 0);
}

// Whether the count of working days overdue ran through a provisional calendar year.
bool overdue_count_provisional(const domain::WorkingCalendar& calendar, domain::Instant due, domain::Instant now) {
    return calendar.provisional_between(domain::local_date(due - std::chrono::seconds(1)), domain::local_date(now));
}

bool stored_flag(const std::optional<std::string>& cell) { return cell && *cell == "1"; }

}  // namespace

Result<OverdueScan> scan_overdue(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                 const OverdueQuery& query) {
    OverdueScan scan;
    scan.as_of = domain::format_instant(query.now);
    const std::string pattern = subtree_pattern(query.within_org_path);

    // Tests: their sample has no issued report; the clock runs from receipt (the shipment
    // that brought it in, else the creation of its first test, which receipt does).
    auto tests = select_rows(
        tx,
        "SELECT s.id, s.number, t.test_code, t.state, o.name, "
        "(SELECT MIN(h.received_at) FROM shipments h JOIN shipment_items i ON i.shipment_id = h.id "
        " WHERE i.sample_id = s.id AND h.received_at IS NOT NULL), "
        "(SELECT MIN(f.created_at) FROM tests f WHERE f.sample_id = s.id) "
        "FROM tests t JOIN samples s ON s.id = t.sample_id JOIN organisations o ON o.id = s.org_id "
        "WHERE t.state NOT IN ('cancelled', 'retracted') AND o.path LIKE $1 "
        "AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.sample_id = s.id AND r.state IN ('issued', 'superseded')) "
        "ORDER BY s.number, t.id",
        pattern);
    std::map<std::string, domain::CountedDeadline> due_by_sample;
    for (const auto& row : tests) {
        const std::string sample_id = text_or_empty(row[0]);
        auto found = due_by_sample.find(sample_id);
        if (found == due_by_sample.end()) {
            const std::string receipt = row[5] ? *row[5] : text_or_empty(row[6]);
            auto received = parse_stored_instant(receipt);
            if (!received) return received.error();
            auto due = domain::counted_deadline_for(calendar, query.report_rule, *received);
            if (!due) return due.error();
            found = due_by_sample.emplace(sample_id, *due).first;
        }
        const domain::Instant due = found->second.due;
        if (!domain::is_overdue(due, query.now)) continue;
        auto days = days_overdue(calendar, due, query.now);
        if (!days) return days.error();
        scan.tests.push_back({OverdueKind::test, text_or_empty(row[1]) + "/" + text_or_empty(row[2]),
                              text_or_empty(row[1]), text_or_empty(row[3]), text_or_empty(row[4]),
                              domain::format_instant(due), *days,
                              found->second.provisional || overdue_count_provisional(calendar, due, query.now)});
    }

    auto notices = select_rows(tx,
                               "SELECT n.number, s.number, n.state, o.name, n.due_at, "
                               "CAST(n.deadline_provisional AS TEXT) FROM notices n "
                               "JOIN organisations o ON o.id = n.to_org_id LEFT JOIN samples s ON s.id = n.sample_id "
                               "WHERE n.due_at IS NOT NULL AND n.acknowledged_at IS NULL AND n.state <> 'acknowledged' "
                               "AND o.path LIKE $1 ORDER BY n.due_at, n.number",
                               pattern);
    for (const auto& row : notices) {
        auto due = parse_stored_instant(text_or_empty(row[4]));
        if (!due) return due.error();
        if (!domain::is_overdue(*due, query.now)) continue;
        auto days = days_overdue(calendar, *due, query.now);
        if (!days) return days.error();
        scan.notices.push_back({OverdueKind::notice, text_or_empty(row[0]), text_or_empty(row[1]),
                                text_or_empty(row[2]), text_or_empty(row[3]), domain::format_instant(*due), *days,
                                stored_flag(row[5]) || overdue_count_provisional(calendar, *due, query.now)});
    }

    // Leads are overdue until decided (filed, not filed or transferred) or withdrawn.
    auto leads = select_rows(tx,
                             "SELECT c.number, s.number, c.state, o.name, c.deadline_at, "
                             "CAST(c.deadline_provisional AS TEXT) FROM case_leads c "
                             "JOIN organisations o ON o.id = c.assigned_org_id LEFT JOIN samples s ON s.id = c.sample_id "
                             "WHERE c.state IN ('open', 'accepted', 'investigating') AND o.path LIKE $1 "
                             "ORDER BY c.deadline_at, c.number",
                             pattern);
    for (const auto& row : leads) {
        auto due = parse_stored_instant(text_or_empty(row[4]));
        if (!due) return due.error();
        if (!domain::is_overdue(*due, query.now)) continue;
        auto days = days_overdue(calendar, *due, query.now);
        if (!days) return days.error();
        scan.case_leads.push_back({OverdueKind::case_lead, text_or_empty(row[0]), text_or_empty(row[1]),
                                   text_or_empty(row[2]), text_or_empty(row[3]), domain::format_instant(*due), *days,
                                   stored_flag(row[5]) || overdue_count_provisional(calendar, *due, query.now)});
    }

    // Recipients of an issued report not proven served by the end of the service period.
    auto unserved = documents::unserved_obligations(tx, calendar, query.within_org_path);
    if (!unserved) return unserved.error();
    for (const auto& o : *unserved) {
        auto due = parse_stored_instant(o.due_at);
        if (!due) return due.error();
        if (!domain::is_overdue(*due, query.now)) continue;
        auto days = days_overdue(calendar, *due, query.now);
        if (!days) return days.error();
        scan.services.push_back({OverdueKind::service, o.report_number + "/" + std::string(documents::to_string(o.recipient)),
                                 o.sample_number, "unserved", o.recipient_name, o.due_at, *days,
                                 o.deadline_provisional || overdue_count_provisional(calendar, *due, query.now)});
    }

    // Filed cases: every clock that runs (a standing pause stops the decision clock).
    auto case_clocks = cases::running_case_clocks(tx, query.within_org_path);
    if (!case_clocks) return case_clocks.error();
    for (const auto& c : *case_clocks) {
        if (!domain::is_overdue(c.due, query.now)) continue;
        auto days = days_overdue(calendar, c.due, query.now);
        if (!days) return days.error();
        scan.cases.push_back({OverdueKind::case_clock, c.reference, c.sample_number, c.state, c.org_name,
                              domain::format_instant(c.due), *days,
                              c.provisional || overdue_count_provisional(calendar, c.due, query.now)});
    }
    return scan;
}

Table overdue_table(const OverdueScan& scan) {
    Table t;
    t.columns = {"kind", "reference", "sample_number", "state", "organisation", "due_at", "working_days_overdue"};
    bool provisional = false;
    for (const auto* list : {&scan.tests, &scan.notices, &scan.case_leads, &scan.services, &scan.cases})
        for (const auto& i : *list) provisional = provisional || i.deadline_provisional;
    // The ordinary table keeps its shape; the column appears while a year is provisional.
    if (provisional) t.columns.push_back("deadline_provisional");
    for (const auto* list : {&scan.tests, &scan.notices, &scan.case_leads, &scan.services, &scan.cases})
        for (const auto& i : *list) {
            t.rows.push_back({std::string(to_string(i.kind)), i.reference, i.sample_number, i.state, i.org_name, i.due_at,
                              std::to_string(i.working_days_overdue)});
            if (provisional) t.rows.back().push_back(i.deadline_provisional ? "true" : "false");
        }
    return t;
}

Result<OverdueCounts> run_scheduled_overdue_scan(store::Database& db, const domain::WorkingCalendar& calendar,
                                                 domain::Instant now) {
    OverdueQuery query;
    query.now = now;
    auto scan = db.read([&](store::Transaction& tx) { return scan_overdue(tx, calendar, query); });
    if (!scan) return scan.error();
    OverdueCounts counts{scan->tests.size(), scan->notices.size(), scan->case_leads.size(), scan->services.size(),
                         scan->cases.size()};
    Poco::JSON::Object after;
    after.set("as_of", scan->as_of);
    after.set("tests", counts.tests);
    after.set("notices", counts.notices);
    after.set("case_leads", counts.case_leads);
    after.set("services", counts.services);
    after.set("cases", counts.cases);
    std::ostringstream json;
    after.stringify(json);
    auto recorded = db.write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.record({"system:overdue-scan", "overdue.scan", "overdue_scan", scan->as_of, "", json.str(), ""});
        return store::Done{};
    });
    if (!recorded) return recorded.error();
    return counts;
}

}  // namespace lims::workflow::figures
