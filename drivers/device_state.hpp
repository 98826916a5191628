// What each configured instrument and logger is doing right now, as the service reports
// it (GET of driver states, the gateway's status page). Drivers write their entry; anyone
// may take a snapshot from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace drivers {

enum class DeviceState {
    idle,         // configured, nothing connected yet (listener waiting, poll not due)
    connected,    // link up, between messages
    receiving,    // inside a message or a poll
    backing_off,  // link lost or refused; waiting before the next attempt
    failed,       // gave up for now (retries exhausted, port cannot open); tried again later
    stopped,
};

std::string_view to_string(DeviceState s);

struct DeviceStatus {
    std::string id;
    std::string kind;  // "astm", "hl7", "sics", "csv", "modbus"
    DeviceState state = DeviceState::idle;
    std::chrono::system_clock::time_point since{};
    std::string last_error;          // code and detail of the last fault, empty if none
    std::uint64_t messages = 0;      // committed messages (instruments) or successful polls (loggers)
    std::uint64_t failures = 0;      // refused or failed commits, failed polls, decode errors
    std::uint64_t missed_polls = 0;  // loggers: polls that could not start in their interval
    std::uint64_t connections = 0;   // accepted or established links
    std::uint64_t refused_connections = 0;  // listeners: turned away at the connection cap
    std::uint64_t refused_peers = 0;        // listeners: closed at once, not in allowed_peers
};

class StateBoard {
public:
    void add(std::string id, std::string kind);
    void set(std::string_view id, DeviceState state);
    void set_error(std::string_view id, DeviceState state, std::string error);
    void count_message(std::string_view id);
    void count_failure(std::string_view id, std::string error);
    void count_missed(std::string_view id, std::uint64_t n = 1);
    void count_connection(std::string_view id);
    void count_refused(std::string_view id);
    // A peer not in allowed_peers: counted, and why kept as the last error.
    void count_refused_peer(std::string_view id, std::string error);

    std::vector<DeviceStatus> snapshot() const;
    DeviceStatus get(std::string_view id) const;  // default-constructed when unknown

private:
    template <class Fn>
    void update(std::string_view id, Fn fn);
    mutable std::mutex mutex_;
    std::map<std::string, DeviceStatus, std::less<>> devices_;
};

}  // namespace drivers
