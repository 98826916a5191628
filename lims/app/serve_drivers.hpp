// The drivers `lims serve` runs in-process (lims.drivers.enabled): one DriverHost per active
// instrument of the database (plus those of an optional registry file), one for the loggers
// whose polling is set (PUT /api/v1/coldchain/loggers/{id}/polling) or in the file,
// all committing through the in-process sink before the device is acknowledged. A periodic
// registry check restarts a driver whose configuration changed through the API. The
// instrument routes read the link states through api::InstrumentStatusSource.
#pragma once

#include "drivers/driver_host.hpp"
#include "drivers/registry.hpp"
#include "lims/api/instrument_status.hpp"
#include "lims/app/service_jobs.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"

#include <Poco/Logger.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lims::app {

// How soon an administrator's change to an instrument reaches its driver: the registry is
// one small indexed read, so a look every few seconds costs nothing and feels immediate.
inline constexpr std::chrono::milliseconds kRegistryCheckPeriod{3'000};
// A driver that could not start (port in use, device absent) is tried again this often,
// as the drivers themselves retry a lost link.
inline constexpr std::chrono::seconds kRetryFailedAfter{30};

struct ServeDriversOptions {
    std::string registry_file;  // lims.drivers.registry: the gateway's JSON; "" none
    std::chrono::milliseconds check_period = kRegistryCheckPeriod;
    std::chrono::milliseconds retry_failed_after = kRetryFailedAfter;
    const domain::WorkingCalendar* calendar = nullptr;  // cold-chain breaks open case leads with it
    std::string actor = "system:ingest";
    // What the devices may reach (lims.drivers.allow, file_drop_root, map_root): every
    // device this service runs, from the database or the registry file, is held to it
    // when it connects, opens its folder or reads its map. The default: private ranges,
    // no folders, no map files.
    std::shared_ptr<const drivers::DevicePolicy> policy = std::make_shared<const drivers::DevicePolicy>();
};

// Reads a Modbus register map file (lims/workflow/modbus_map_json); the error names the file
// and where its problems are, never what it says (it becomes a link's last_error).
drivers::MapLoader modbus_map_file_loader();

class ServeDrivers final : public api::InstrumentStatusSource {
public:
    // Reads the registry file when one is named; the error names the file and the entry.
    static domain::Result<std::shared_ptr<ServeDrivers>> create(std::shared_ptr<store::Database> database,
                                                                ServeDriversOptions options, Poco::Logger& logger);
    ~ServeDrivers() override;
    ServeDrivers(const ServeDrivers&) = delete;
    ServeDrivers& operator=(const ServeDrivers&) = delete;

    // Starts every device of the registry and the periodic check. Returns one line per
    // device that could not start, naming it and why (it is reported as failed, and tried
    // again later); the service keeps running either way. Call once.
    std::vector<std::string> start();
    // Stops the check and every driver (sockets closed, threads joined). Idempotent.
    void stop();

    // One registry check: starts new instruments, restarts those whose driver settings
    // changed (or that failed long enough ago), stops deactivated or removed ones. The
    // periodic check calls it; returns the problems of what it (re)started.
    std::vector<std::string> check_registry();

    std::optional<api::InstrumentLink> link(const std::string& code) const override;
    // The port an instrument's tcp_listen driver is bound to; 0 when none.
    std::uint16_t listening_port(const std::string& code) const;

private:
    ServeDrivers(std::shared_ptr<store::Database> database, ServeDriversOptions options, drivers::Registry file,
                 Poco::Logger& logger);

    struct Running {
        drivers::InstrumentConfig config;
        std::unique_ptr<drivers::DriverHost> host;
        std::chrono::steady_clock::time_point started;
    };
    struct Wanted;
    // nullopt when the store cannot be read (the problem is appended).
    std::optional<Wanted> wanted_instruments(std::vector<std::string>& problems);
    // Restarts the loggers' host when their configuration (database or file) changed.
    std::vector<std::string> check_loggers();
    std::unique_ptr<drivers::DriverHost> new_host(std::size_t worker_threads) const;
    void forget(const std::string& code, std::string state, std::string why);

    std::shared_ptr<store::Database> database_;
    ServeDriversOptions options_;
    drivers::Registry file_;
    Poco::Logger& logger_;
    InProcessIngestSink sink_;

    std::mutex check_mutex_;       // one registry check at a time
    mutable std::mutex mutex_;     // the maps below (request threads read them)
    std::map<std::string, Running, std::less<>> running_;
    // Devices with no driver running and why (a family the service cannot run, the last
    // state of a stopped one), so the API can say so.
    std::map<std::string, api::InstrumentLink, std::less<>> idle_links_;
    std::unique_ptr<drivers::DriverHost> loggers_;
    std::string loggers_fingerprint_;
    std::unique_ptr<app::ServiceJobs> checker_;
    bool started_ = false;
};

}  // namespace lims::app
