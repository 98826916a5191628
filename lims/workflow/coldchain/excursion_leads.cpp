#include "lims/workflow/coldchain/excursion_leads.hpp"

#include "lims/domain/calendar/beijing_time.hpp"

#include "lims/coldchain/standards.hpp"
#include "lims/store/alarm_repository.hpp"
#include "lims/workflow/case_leads/open_case_lead.hpp"
#include "lims/workflow/coldchain/alarms.hpp"

#include <chrono>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

namespace {

// Worth retrying the whole transaction: the database was busy or out of reach. Anything
// else (the lead's own refusals, a store error that will not go away by itself) is a
// problem to show, not a reason to withhold the evidence.
bool worth_retrying(const domain::Error& e) {
    const auto kind = store::kind_of(e);
    return kind == store::StoreErrorKind::busy || kind == store::StoreErrorKind::unavailable;
}

case_leads::NewCaseLead lead_for(const ExcursionSite& site, const store::ExcursionRow& x, std::int64_t now_utc) {
    // The officer's words for the place (place_of_unit() is the alarm messages').
    const std::string place = "储存设备 " + site.unit.code + "（" + site.unit.name + "）";
    case_leads::NewCaseLead lead;
    lead.source = store::CaseLeadSource::cold_chain_break;
    lead.subject_entity_id = *site.unit.entity_id;
    lead.logger_id = site.logger_id;
    // Officers read Beijing time, as on every document ("2026年3月2日 02:30").
    auto beijing = [](std::int64_t utc) { return domain::chinese_date_time(domain::Instant{std::chrono::seconds{utc}}); };
    // In the officers' words: 温度过高 (heat) / 温度过低 (freeze).
    const std::string what = x.kind == "heat" ? "温度过高" : x.kind == "freeze" ? "温度过低" : x.kind;
    lead.summary = place + "冷链温度超标（" + what + "，规则 " + x.rule + "）：自" + beijing(x.start_utc) + "起，" +
                   beijing(x.opened_at_utc) + "确认（北京时间）";
    lead.findings.push_back({"冷链" + what, "规则 " + x.rule + "，自" + beijing(x.start_utc) + "起超出规定范围，至少持续至" +
                                               beijing(x.opened_at_utc) + "（北京时间）"});
    lead.evidence.push_back({"excursion", std::to_string(x.id), "温度超标事件 " + std::to_string(x.id)});
    // The readings window: the excursion plus one offline threshold (three storage
    // recording intervals) either side.
    const std::int64_t margin = 3 * cc::standard::kGspStorageRecordingInterval;
    lead.evidence.push_back({"readings",
                             "logger/" + std::to_string(site.logger_id) + "/readings?from=" +
                                 std::to_string(x.start_utc - margin) + "&to=" + std::to_string(x.opened_at_utc + margin),
                             "温度记录仪 " + site.logger_serial + " 的温度记录"});
    lead.received_at = domain::Instant(std::chrono::seconds(now_utc));
    return lead;
}

domain::Result<std::int64_t> open_alarms_of(store::Transaction& tx, std::int64_t excursion_id) {
    Poco::Int64 n = 0;
    std::string kind = kCaseLeadFailedAlarm;
    tx.session() << "SELECT count(*) FROM coldchain_alarms WHERE excursion_id = $1 AND kind = $2 AND cleared_at_utc IS NULL",
        bind(excursion_id), bind(kind), into(n), now;
    return static_cast<std::int64_t>(n);
}

void clear_failed_alarms(store::Transaction& tx, std::int64_t excursion_id, std::int64_t now_utc,
                         const std::string& actor) {
    std::vector<Poco::Int64> ids;
    std::string kind = kCaseLeadFailedAlarm;
    tx.session() << "SELECT id FROM coldchain_alarms WHERE excursion_id = $1 AND kind = $2 AND cleared_at_utc IS NULL",
        bind(excursion_id), bind(kind), into(ids), now;
    for (Poco::Int64 id : ids) {
        tx.session() << "UPDATE coldchain_alarms SET cleared_at_utc = $1, version = version + 1 WHERE id = $2",
            bind(now_utc), bind(id), now;
        tx.record({actor, "alarm.clear", "coldchain_alarm", std::to_string(id), "",
                   "{\"cleared_at_utc\":" + std::to_string(now_utc) + "}", "the case lead was opened"});
    }
}

}  // namespace

std::string place_of_unit(const store::StorageUnitRow& unit) {
    return "storage unit " + unit.code + " (" + unit.name + ")";
}

domain::Result<store::AlarmRow> raise_alarm(store::Transaction& tx, const store::AlarmRow& alarm,
                                            const std::string& place, std::int64_t now_utc, const std::string& actor) {
    auto raised = store::AlarmRepository(tx).raise(alarm, actor);
    if (!raised) return raised.error();
    auto notified = notify_contacts(tx, *raised, 0, place, now_utc);
    if (!notified) return notified.error();
    return *raised;
}

domain::Result<LeadAttempt> open_excursion_case_lead(store::Transaction& tx, const ExcursionSite& site,
                                                     const store::ExcursionRow& x, std::int64_t now_utc,
                                                     const ColdChainOptions& options) {
    LeadAttempt attempt;
    // Only storage at a regulated entity: a trip's excursion is the receiver's verdict, and
    // the laboratory's own storage is its own quality record.
    if (!site.unit.entity_id || !x.storage_unit_id || x.case_lead_id || !options.calendar) return attempt;
    const Actor actor{std::nullopt, options.actor, domain::RoleSet{domain::Role::ingest_service}, site.unit.org_id};
    auto opened = tx.nested([&](store::Transaction& inner) -> domain::Result<std::int64_t> {
        auto lead = case_leads::open_case_lead(inner, *options.calendar, lead_for(site, x, now_utc), actor);
        if (!lead) return lead.error();
        if (auto ok = store::ExcursionRepository(inner).set_case_lead(x.id, lead->id); !ok) return ok.error();
        inner.record({options.actor, "excursion.case_lead", "excursion", std::to_string(x.id), "",
                      "{\"case_lead_id\":" + std::to_string(lead->id) + "}", ""});
        return lead->id;
    });
    if (opened) {
        attempt.opened = true;
        clear_failed_alarms(tx, x.id, now_utc, options.actor);
        return attempt;
    }
    if (worth_retrying(opened.error())) return opened.error();

    attempt.failed = true;
    auto standing = open_alarms_of(tx, x.id);
    if (!standing) return standing.error();
    if (*standing > 0) return attempt;  // already shown; the minute job keeps trying
    store::AlarmRow a;
    a.logger_id = site.logger_id;
    a.placement_id = site.placement_id;
    a.org_id = site.unit.org_id;
    a.storage_unit_id = site.unit.id;
    a.excursion_id = x.id;
    a.kind = kCaseLeadFailedAlarm;
    a.raised_at_utc = now_utc;
    a.since_utc = x.opened_at_utc;
    a.detail = "logger " + site.logger_serial + ". " + x.kind + " excursion " + std::to_string(x.id) +
               ": case lead could not be opened: " + opened.error().message + " (" + opened.error().code +
               "). The excursion and its readings are recorded; the lead is opened as soon as the cause is fixed.";
    a.escalate_at_utc = now_utc + options.acknowledgement_deadline;
    auto raised = raise_alarm(tx, a, place_of_unit(site.unit), now_utc, options.actor);
    if (!raised) return raised.error();
    attempt.alarm_raised = true;
    return attempt;
}

namespace {

// Excursions at a regulated entity's storage unit without their lead, oldest first.
constexpr const char* kWaitingWhere =
    "FROM excursions x JOIN storage_units u ON u.id = x.storage_unit_id "
    "WHERE x.case_lead_id IS NULL AND u.entity_id IS NOT NULL";

}  // namespace

domain::Result<CaseLeadRetryReport> retry_excursion_case_leads(store::Database& db, std::int64_t now_utc,
                                                               const ColdChainOptions& options) {
    auto waiting = db.read([&](store::Transaction& tx) -> domain::Result<std::vector<std::int64_t>> {
        std::vector<Poco::Int64> ids;
        tx.session() << std::string("SELECT x.id ") + kWaitingWhere + " ORDER BY x.id", into(ids), now;
        return std::vector<std::int64_t>(ids.begin(), ids.end());
    });
    if (!waiting) return waiting.error();
    CaseLeadRetryReport report;
    report.waiting = waiting->size();
    for (const std::int64_t id : *waiting) {
        auto attempt = db.write([&](store::Transaction& tx) -> domain::Result<LeadAttempt> {
            // Taken again under the write lock (another node's job may have opened it).
            std::vector<Poco::Nullable<Poco::Int64>> lead;
            tx.session() << (tx.dialect() == store::Dialect::postgresql
                                 ? "SELECT case_lead_id FROM excursions WHERE id = $1 FOR UPDATE"
                                 : "SELECT case_lead_id FROM excursions WHERE id = $1"),
                bind(id), into(lead), now;
            if (lead.empty() || !lead.front().isNull()) return LeadAttempt{};
            auto x = store::ExcursionRepository(tx).get(id);
            if (!x) return x.error();
            auto unit = store::StorageUnitRepository(tx).get(*x->storage_unit_id);
            if (!unit) return unit.error();
            std::vector<std::string> serial;
            tx.session() << "SELECT serial FROM loggers WHERE id = $1", bind(x->logger_id), into(serial), now;
            ExcursionSite site{x->logger_id, serial.empty() ? std::string() : serial.front(), x->placement_id, *unit};
            return open_excursion_case_lead(tx, site, *x, now_utc, options);
        });
        if (!attempt) return attempt.error();
        if (attempt->opened) ++report.opened;
        if (attempt->failed) ++report.failed;
        if (attempt->alarm_raised) ++report.alarms_raised;
    }
    return report;
}

domain::Result<std::size_t> excursions_waiting_for_case_lead(store::Database& db) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::size_t> {
        Poco::Int64 n = 0;
        tx.session() << std::string("SELECT count(*) ") + kWaitingWhere, into(n), now;
        return static_cast<std::size_t>(n);
    });
}

}  // namespace lims::workflow::coldchain
