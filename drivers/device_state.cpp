#include "drivers/device_state.hpp"

namespace drivers {

std::string_view to_string(DeviceState s) {
    switch (s) {
        case DeviceState::idle: return "idle";
        case DeviceState::connected: return "connected";
        case DeviceState::receiving: return "receiving";
        case DeviceState::backing_off: return "backing_off";
        case DeviceState::failed: return "failed";
        case DeviceState::stopped: return "stopped";
    }
    return "unknown";
}

template <class Fn>
void StateBoard::update(std::string_view id, Fn fn) {
    std::lock_guard lock(mutex_);
    auto it = devices_.find(id);
    if (it == devices_.end()) return;
    fn(it->second);
}

void StateBoard::add(std::string id, std::string kind) {
    std::lock_guard lock(mutex_);
    DeviceStatus s;
    s.id = id;
    s.kind = std::move(kind);
    s.since = std::chrono::system_clock::now();
    devices_.insert_or_assign(std::move(id), std::move(s));
}

void StateBoard::set(std::string_view id, DeviceState state) {
    update(id, [&](DeviceStatus& s) {
        if (s.state != state) s.since = std::chrono::system_clock::now();
        s.state = state;
    });
}

void StateBoard::set_error(std::string_view id, DeviceState state, std::string error) {
    update(id, [&](DeviceStatus& s) {
        if (s.state != state) s.since = std::chrono::system_clock::now();
        s.state = state;
        s.last_error = std::move(error);
    });
}

void StateBoard::count_message(std::string_view id) {
    update(id, [](DeviceStatus& s) { ++s.messages; });
}
void StateBoard::count_failure(std::string_view id, std::string error) {
    update(id, [&](DeviceStatus& s) {
        ++s.failures;
        s.last_error = std::move(error);
    });
}
void StateBoard::count_missed(std::string_view id, std::uint64_t n) {
    update(id, [&](DeviceStatus& s) { s.missed_polls += n; });
}
void StateBoard::count_connection(std::string_view id) {
    update(id, [](DeviceStatus& s) { ++s.connections; });
}
void StateBoard::count_refused(std::string_view id) {
    update(id, [](DeviceStatus& s) { ++s.refused_connections; });
}
void StateBoard::count_refused_peer(std::string_view id, std::string error) {
    update(id, [&](DeviceStatus& s) {
        ++s.refused_peers;
        s.last_error = std::move(error);
    });
}

std::vector<DeviceStatus> StateBoard::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<DeviceStatus> out;
    out.reserve(devices_.size());
    for (const auto& [id, s] : devices_) out.push_back(s);
    return out;
}

DeviceStatus StateBoard::get(std::string_view id) const {
    std::lock_guard lock(mutex_);
    auto it = devices_.find(id);
    return it == devices_.end() ? DeviceStatus{} : it->second;
}

}  // namespace drivers
