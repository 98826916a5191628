#include "lims/app/service_host.hpp"

#include "lims/api/route_modules.hpp"
#include "lims/workflow/coldchain/excursion_leads.hpp"
#include "lims/workflow/coldchain/polling_status.hpp"
#include "lims/workflow/review/report.hpp"

#include <chrono>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace lims::app {

using api::Gauge;
using api::GaugeSource;
using api::HealthProbe;
using api::HealthWarning;
using api::HealthWarningSource;

HealthProbe databaseProbe(std::shared_ptr<store::Database> database) {
    return [database]() -> domain::Result<void> {
        auto probed = database->read([](store::Transaction& tx) -> domain::Result<int> {
            int one = 0;
            tx.session() << "SELECT 1", into(one), now;
            return one;
        });
        if (!probed) return probed.error();
        return {};
    };
}

namespace {

// Excursions at regulated entities whose case lead could not be opened (no enforcement
// unit, calendar year missing, ...): each has a case_lead_failed alarm, and the minute job
// opens the lead once the cause is fixed. A failed count reads as none here: the
// database's own state is /healthz's "database".
std::optional<std::size_t> excursionsWaitingForCaseLead(store::Database& db) {
    auto n = workflow::coldchain::excursions_waiting_for_case_lead(db);
    if (!n) return std::nullopt;
    return *n;
}

HealthWarningSource coldChainWarnings(std::shared_ptr<store::Database> database) {
    return [database]() -> std::vector<HealthWarning> {
        auto n = excursionsWaitingForCaseLead(*database);
        if (!n || *n == 0) return {};
        return {{"coldchain.excursions_without_case_lead",
                 std::to_string(*n) + " excursion(s) at regulated entities have no case lead: it could not be opened "
                                      "(see their case_lead_failed alarms); it is opened by itself once the cause is fixed",
                 static_cast<std::int64_t>(*n)}};
    };
}

// Loggers whose polling is set while nothing polls them (issue 19 item 6): this service
// runs no drivers and no gateway delivers their readings.
HealthWarningSource pollingWarnings(std::shared_ptr<store::Database> database, bool drivers_running) {
    return [database, drivers_running]() -> std::vector<HealthWarning> {
        const auto epoch = std::chrono::system_clock::now().time_since_epoch();
        auto serials = workflow::coldchain::unserved_pollings(
            *database, drivers_running, std::chrono::duration_cast<std::chrono::seconds>(epoch).count());
        if (!serials || serials->empty()) return {};
        std::string names;
        for (const auto& s : *serials) names += (names.empty() ? "" : ", ") + s;
        return {{"coldchain.polling_not_served",
                 std::to_string(serials->size()) + " logger(s) have polling set but nothing polls them: this service "
                 "runs no drivers (lims.drivers.enabled is false) and no gateway delivers their readings: " + names,
                 static_cast<std::int64_t>(serials->size())}};
    };
}

GaugeSource coldChainGauges(std::shared_ptr<store::Database> database) {
    return [database]() -> std::vector<Gauge> {
        auto n = excursionsWaitingForCaseLead(*database);
        if (!n) return {};
        return {{"lims_coldchain_excursions_without_case_lead",
                 "Excursions at regulated entities whose case lead could not be opened yet (shown on /healthz).", "",
                 static_cast<double>(*n)}};
    };
}

// Nonconforming reports whose case lead could not be opened: issued all the same, and
// the minute job "review.case_leads" opens the lead once the cause is fixed.
HealthWarningSource reportLeadWarnings(std::shared_ptr<store::Database> database) {
    return [database]() -> std::vector<HealthWarning> {
        auto n = workflow::review::reports_waiting_for_case_lead(*database);
        if (!n || *n == 0) return {};
        return {{"review.reports_without_case_lead",
                 std::to_string(*n) + " nonconforming report(s) have no case lead: it could not be opened (see the "
                                      "audit trail's report.case_lead_failed); it is opened by itself once the cause is fixed",
                 static_cast<std::int64_t>(*n)}};
    };
}

GaugeSource reportLeadGauges(std::shared_ptr<store::Database> database) {
    return [database]() -> std::vector<Gauge> {
        auto n = workflow::review::reports_waiting_for_case_lead(*database);
        if (!n) return {};
        return {{"lims_reports_without_case_lead",
                 "Issued nonconforming reports whose case lead could not be opened yet (shown on /healthz).", "",
                 static_cast<double>(*n)}};
    };
}

}  // namespace

GaugeSource databaseWriteGauges(std::shared_ptr<store::Database> database) {
    return [database = std::move(database)] {
        const auto stats = database->write_stats();
        const auto retries = database->retry_stats();
        const auto pool = database->pool_stats();
        const std::string backend = std::string("backend=\"") +
                                    (database->dialect() == store::Dialect::sqlite ? "sqlite" : "postgresql") + "\"";
        return std::vector<Gauge>{
            {"lims_db_write_calls_total", "Database::write calls run under group commit (0 when it is off).", backend,
             static_cast<double>(stats.calls), "counter"},
            {"lims_db_write_commits_total",
             "Commits those writes shared under group commit (calls/commits = calls per fsync; 0 when off).", backend,
             static_cast<double>(stats.groups), "counter"},
            {"lims_db_write_queued", "Database writes waiting for their group commit now.", backend,
             static_cast<double>(stats.queued)},
            {"lims_db_retries_total", "Transactions run again from their start (PostgreSQL), by cause.",
             "cause=\"serialization\"", static_cast<double>(retries.serialization), "counter"},
            {"lims_db_retries_total", "", "cause=\"deadlock\"", static_cast<double>(retries.deadlock), "counter"},
            {"lims_db_retries_total", "", "cause=\"lost_connection\"", static_cast<double>(retries.lost_connection),
             "counter"},
            {"lims_db_retries_given_up_total", "Transactions still failing after lims' last allowed run (answered 503).", backend,
             static_cast<double>(retries.gave_up), "counter"},
            {"lims_db_pool_sessions", "Database sessions of this node's pool (lims.db.pool) borrowed now.",
             "state=\"in_use\"", static_cast<double>(pool.in_use)},
            {"lims_db_pool_sessions", "", "state=\"idle\"", static_cast<double>(pool.idle)},
            {"lims_db_pool_sessions_opened_total", "Sessions opened since start (broken ones are replaced).", backend,
             static_cast<double>(pool.opened), "counter"},
            {"lims_db_pool_sessions_discarded_total", "Sessions closed as broken or stale (a database restart).", backend,
             static_cast<double>(pool.discarded), "counter"},
        };
    };
}

ServiceHost::ServiceHost(std::shared_ptr<store::Database> database, domain::WorkingCalendar calendar,
                         ServiceSettings settings)
    : database_(std::move(database)), calendar_(std::move(calendar)) {
    if (!database_) throw std::invalid_argument("ServiceHost needs a database");
    credentials_ = std::make_unique<StoreCredentials>(database_);
    auth_ = std::make_unique<api::AuthService>(*credentials_, settings.auth);
    idempotency_ = std::make_unique<StoreIdempotencyStore>(database_);
    replay_ = std::make_unique<api::IdempotentReplay>(*idempotency_);
    api::ApiParts parts;
    parts.auth = auth_.get();
    parts.health = databaseProbe(database_);
    parts.warnings.push_back(coldChainWarnings(database_));
    parts.warnings.push_back(reportLeadWarnings(database_));
    parts.warnings.push_back(pollingWarnings(database_, settings.instrumentStatus != nullptr));
    parts.replay = replay_.get();
    parts.routeModules = api::all_route_modules(api::RouteContext{database_, auth_.get(), &calendar_, settings.instrumentStatus,
                                                           settings.devicePolicy, settings.attachmentMaxBytes});
    parts.calendar = &calendar_;  // /healthz warnings and /metrics for a missing or provisional year
    parts.info = settings.info;
    parts.site = std::move(settings.site);
    api_ = std::make_unique<api::ApiService>(std::move(parts));
    api_->metrics().addGaugeSource(databaseWriteGauges(database_));
    api_->metrics().addGaugeSource(coldChainGauges(database_));
    api_->metrics().addGaugeSource(reportLeadGauges(database_));
    api_->metrics().addGaugeSource(api::ingest_refusal_gauges);
    server_ = std::make_unique<api::Server>(settings.server, api_->dispatcher());
}

ServiceHost::~ServiceHost() { stop(); }

void ServiceHost::start() { server_->start(); }

void ServiceHost::stop() {
    if (server_) server_->stop();
}

}  // namespace lims::app
