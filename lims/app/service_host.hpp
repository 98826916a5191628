// The running service as one object: the store-backed credentials and idempotency keys,
// the AuthService, the ApiService with every area's routes (all_route_modules) and the
// HTTP(S) Server. `lims serve` makes one from its configuration; the test harness
// (tests/support) makes one on an ephemeral loopback port, so tests run the real thing.
#pragma once

#include "drivers/device_policy.hpp"
#include "lims/api/api_service.hpp"
#include "lims/api/auth_service.hpp"
#include "lims/api/idempotency.hpp"
#include "lims/api/instrument_status.hpp"
#include "lims/api/server.hpp"
#include "lims/api/static_files.hpp"
#include "lims/app/store_credentials.hpp"
#include "lims/app/store_idempotency.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/store/database.hpp"

#include <memory>
#include <optional>

namespace lims::app {

struct ServiceSettings {
    api::ServerConfig server;
    api::AuthSettings auth;
    api::OpenApiInfo info;
    // The drivers' link states shown on the instrument routes; null when no drivers run.
    std::shared_ptr<const api::InstrumentStatusSource> instrumentStatus;
    // What instruments and loggers configured through the API may reach (lims.drivers.allow,
    // file_drop_root, map_root): refused with 422 otherwise. The default: private ranges only.
    std::shared_ptr<const drivers::DevicePolicy> devicePolicy = std::make_shared<const drivers::DevicePolicy>();
    // The web interface's built files (lims.web.root), served from the API's origin; none:
    // API only.
    std::optional<api::StaticFiles> site;
    // The largest evidence file accepted (lims.attachments.max_bytes).
    std::size_t attachmentMaxBytes = 700 * 1024;
};

class ServiceHost {
public:
    // The database must be at the current schema (the caller checks with
    // store::require_current_schema). Throws only for broken invariants (no database) and
    // for a socket that cannot be bound (Poco::Net exceptions, named by the caller).
    ServiceHost(std::shared_ptr<store::Database> database, domain::WorkingCalendar calendar,
                ServiceSettings settings);
    ~ServiceHost();
    ServiceHost(const ServiceHost&) = delete;
    ServiceHost& operator=(const ServiceHost&) = delete;

    void start();
    void stop();
    std::uint16_t port() const { return server_->port(); }

    store::Database& database() { return *database_; }
    const std::shared_ptr<store::Database>& sharedDatabase() const { return database_; }
    api::AuthService& auth() { return *auth_; }
    StoreIdempotencyStore& idempotency() { return *idempotency_; }
    api::ApiService& api() { return *api_; }
    const domain::WorkingCalendar& calendar() const { return calendar_; }

private:
    std::shared_ptr<store::Database> database_;
    domain::WorkingCalendar calendar_;
    std::unique_ptr<StoreCredentials> credentials_;
    std::unique_ptr<api::AuthService> auth_;
    std::unique_ptr<StoreIdempotencyStore> idempotency_;
    std::unique_ptr<api::IdempotentReplay> replay_;
    std::unique_ptr<api::ApiService> api_;
    std::unique_ptr<api::Server> server_;
};

// /healthz's database probe: one trivial read through the pool.
api::HealthProbe databaseProbe(std::shared_ptr<store::Database> database);

// The database's group-commit figures (store::Database::write_stats): write() calls and
// the commits they shared (counters; calls per commit is their ratio), and calls queued
// now, for /metrics.
api::GaugeSource databaseWriteGauges(std::shared_ptr<store::Database> database);

}  // namespace lims::app
