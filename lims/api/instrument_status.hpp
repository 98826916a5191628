// What the instruments' drivers are doing, as the API reports it: `lims serve` fills it from
// its running DriverHosts (lims/app/serve_drivers) and the instrument routes read it, so the
// API library never depends on drivers/. Absent (null) when the service runs no drivers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lims::api {

// One instrument's (or logger's) link, in the drivers' words.
struct InstrumentLink {
    std::string state;       // idle, connected, receiving, backing_off, failed, stopped
    std::string since;       // ISO 8601 UTC of the last state change
    std::string last_error;  // why it failed or backs off; empty when nothing went wrong
    std::uint64_t messages = 0;
    std::uint64_t failures = 0;
    std::uint64_t connections = 0;
    std::uint64_t refused_peers = 0;  // listeners: connections closed at once, not in allowed_peers
};

class InstrumentStatusSource {
public:
    virtual ~InstrumentStatusSource() = default;
    // The link of the device the registry calls `code`; nullopt when no driver runs for it
    // (inactive, or not configured for this service). Called from request threads.
    virtual std::optional<InstrumentLink> link(const std::string& code) const = 0;
};

}  // namespace lims::api
