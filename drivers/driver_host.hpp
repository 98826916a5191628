// Starts and owns every driver of a registry: the runtime, one driver per instrument, one
// poller per logger, the readings batcher and the state board. The service (`lims serve`,
// in-process sink) and `lims gateway` (outbox sink) each create one DriverHost.
//
//   drivers::DriverHost host({.load_map = load_map_file});
//   auto problems = host.start(registry, sink);   // devices with problems are not started
//   ... host.states() ...                          // for GET /api/v1/instruments/states
//   host.stop();
#pragma once

#include "drivers/device_state.hpp"
#include "drivers/ingest_sink.hpp"
#include "drivers/modbus_poller.hpp"
#include "drivers/registry.hpp"
#include "drivers/runtime.hpp"
#include "drivers/transport.hpp"

#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace drivers {

// Reads a register map file (the service passes lims::workflow::load_modbus_map over the
// file's text); the error text names the file and the problem.
using MapLoader = std::function<std::variant<protocols::modbus::RegisterMap, std::string>(const std::string& path)>;

struct HostOptions {
    RuntimeOptions runtime{};
    ReadingBatcherOptions readings{};
    DriverLog log{};
    MapLoader load_map{};
    // What the devices may reach (device_policy.hpp): outgoing connections, file_drop
    // folders and map files are checked against it when they are opened. Null: not
    // confined (`lims gateway`: its registry file is the operator's own).
    std::shared_ptr<const DevicePolicy> policy{};
    // Stamps poll-time readings (DriverContext::clock); empty: the system clock.
    std::function<std::chrono::system_clock::time_point()> clock{};
    // Where Modbus lines take their descriptor numbers below FD_SETSIZE (libmodbus waits
    // with select()); empty: the process's pool, shared by every host and kept for its life.
    std::shared_ptr<LowDescriptorPool> descriptors{};
    // Lines beyond this are refused, naming their loggers; 0: modbus_line_limit()
    // (modbus_poller.hpp).
    std::size_t max_modbus_lines = 0;
};

class DriverHost {
public:
    explicit DriverHost(HostOptions options = {});
    ~DriverHost();
    DriverHost(const DriverHost&) = delete;
    DriverHost& operator=(const DriverHost&) = delete;

    // Starts every device it can; returns one line per device that could not be started
    // (bad option, port in use, map not loadable), naming the device. Call once.
    std::vector<std::string> start(const Registry& registry, IngestSink& sink);
    // Stops all drivers and the runtime: sockets closed, workers joined. Idempotent.
    void stop();

    std::vector<DeviceStatus> states() const;
    DeviceStatus state(std::string_view id) const;
    // The port a tcp_listen instrument is bound to (useful with port 0); 0 if none.
    std::uint16_t listening_port(std::string_view instrument_id) const;
    Runtime& runtime();
    std::uint64_t readings_committed() const;

private:
    void start_modbus_lines(std::vector<std::string>& problems);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace drivers
