#include "drivers/driver_host.hpp"

#include "drivers/astm_driver.hpp"
#include "drivers/file_drop.hpp"
#include "drivers/hl7_driver.hpp"
#include "drivers/sics_driver.hpp"

#include <charconv>
#include <set>

#include <sys/select.h>

namespace drivers {

namespace {

struct OptionError {
    std::string message;
};

// Options are read through the registry's table (registry.hpp option_specs), after
// check_options() refused anything unknown or out of range: here they only get defaults.
using Options = InstrumentOptions;

// The first of the options' problems (all of them, if several), as one line.
void require_valid_options(const InstrumentConfig& c) {
    auto problems = check_options(c.family, c.transport, c.options);
    if (problems.empty()) return;
    std::string why;
    for (const auto& p : problems)
        why += (why.empty() ? "" : "; ") + (p.option.empty() ? p.message : "option " + p.option + ": " + p.message);
    throw OptionError{why};
}

Endpoint endpoint_of(const InstrumentConfig& c, const Options& o) {
    auto parsed = parse_endpoint(c.transport, c.address, o.text("serial", ""));
    if (auto* e = std::get_if<std::string>(&parsed)) throw OptionError{*e};
    return std::get<Endpoint>(parsed);
}

LinkTimeouts timeouts_of(const Options& o, LinkTimeouts defaults) {
    const auto idle = o.integer("idle_timeout_s", defaults.idle ? defaults.idle->count() / 1000 : 0);
    if (idle > 0) defaults.idle = std::chrono::seconds(idle);
    else defaults.idle.reset();
    defaults.write = std::chrono::seconds(o.integer("write_timeout_s", defaults.write.count() / 1000));
    return defaults;
}

// The listener and frame safeguards of the families that take connections (ASTM, HL7).
AllowedPeers allowed_peers_of(const Options& o) {
    const auto text = o.text("allowed_peers", "");
    if (text.empty()) return {};
    auto peers = AllowedPeers::parse(text);
    if (auto* why = std::get_if<std::string>(&peers)) throw OptionError{"option allowed_peers: " + *why};
    return std::get<AllowedPeers>(std::move(peers));
}

std::optional<std::chrono::milliseconds> frame_deadline_of(const Options& o, std::optional<std::chrono::milliseconds> fallback) {
    const auto seconds = o.integer("frame_deadline_s", fallback ? fallback->count() / 1000 : 0);
    if (seconds <= 0) return std::nullopt;
    return std::chrono::seconds(seconds);
}

BackoffPolicy backoff_of(const Options& o) {
    BackoffPolicy b;
    b.initial = std::chrono::milliseconds(o.integer("backoff_initial_ms", b.initial.count()));
    b.cap = std::chrono::milliseconds(o.integer("backoff_cap_ms", b.cap.count()));
    return b;
}

}  // namespace

struct DriverHost::Impl {
    HostOptions options;
    StateBoard states;
    std::vector<std::unique_ptr<AstmDriver>> astm;
    std::vector<std::unique_ptr<Hl7Driver>> hl7;
    std::vector<std::unique_ptr<SicsDriver>> sics;
    std::vector<std::shared_ptr<FileDropWatcher>> folders;
    std::map<std::string, std::shared_ptr<ModbusLine>> lines;
    std::shared_ptr<ReadingBatcher> batcher;
    std::map<std::string, std::function<std::uint16_t()>, std::less<>> ports;
    // Declared last: destroyed first, so coroutine frames die before the drivers they use.
    std::unique_ptr<Runtime> runtime;
    bool started = false;
};

DriverHost::DriverHost(HostOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->runtime = std::make_unique<Runtime>(impl_->options.runtime);
}

DriverHost::~DriverHost() { stop(); }

Runtime& DriverHost::runtime() { return *impl_->runtime; }

std::vector<std::string> DriverHost::start(const Registry& registry, IngestSink& sink) {
    std::vector<std::string> problems;
    if (impl_->started || !impl_->runtime) return {"driver host already started"};
    impl_->started = true;
    DriverContext ctx{impl_->runtime.get(), &sink, &impl_->states, impl_->options.log, impl_->options.clock};
    ctx.policy = impl_->options.policy.get();

    for (const auto& c : registry.instruments) {
        const Options o(c);
        try {
            require_valid_options(c);
            std::string error;
            switch (c.family) {
                case Family::astm: {
                    AstmOptions a;
                    a.instrument_id = c.id;
                    a.endpoint = endpoint_of(c, o);
                    a.max_connections = static_cast<std::size_t>(o.integer("max_connections", 4));
                    a.timeouts = timeouts_of(o, a.timeouts);
                    a.timeouts.frame = frame_deadline_of(o, a.timeouts.frame);
                    a.allowed_peers = allowed_peers_of(o);
                    a.backoff = backoff_of(o);
                    const auto framing = o.text("framing", "e1381");
                    if (framing == "bare_records") a.receiver.framing = protocols::astm::Framing::bare_records;
                    const auto ack = o.text("ack", "after_commit");
                    if (ack == "immediate") a.receiver.ack_mode = protocols::astm::AckMode::immediate;
                    a.receiver.max_message_bytes = static_cast<std::size_t>(
                        o.integer("max_message_bytes", static_cast<long long>(a.receiver.max_message_bytes)));
                    auto d = std::make_unique<AstmDriver>(ctx, std::move(a));
                    error = d->start();
                    auto* raw = d.get();
                    impl_->ports[c.id] = [raw] { return raw->port(); };
                    impl_->astm.push_back(std::move(d));
                    break;
                }
                case Family::hl7: {
                    Hl7Options h;
                    h.instrument_id = c.id;
                    h.endpoint = endpoint_of(c, o);
                    h.max_connections = static_cast<std::size_t>(o.integer("max_connections", 16));
                    h.timeouts = timeouts_of(o, h.timeouts);
                    h.timeouts.frame = frame_deadline_of(o, h.timeouts.frame);
                    h.allowed_peers = allowed_peers_of(o);
                    h.backoff = backoff_of(o);
                    h.max_message_bytes = static_cast<std::size_t>(
                        o.integer("max_message_bytes", static_cast<long long>(h.max_message_bytes)));
                    h.tolerate_lf = o.flag("tolerate_lf", false);
                    h.local_application = o.text("local_application", "LIS");
                    h.local_facility = o.text("local_facility", "");
                    auto d = std::make_unique<Hl7Driver>(ctx, std::move(h));
                    error = d->start();
                    auto* raw = d.get();
                    impl_->ports[c.id] = [raw] { return raw->port(); };
                    impl_->hl7.push_back(std::move(d));
                    break;
                }
                case Family::sics: {
                    SicsOptions s;
                    s.instrument_id = c.id;
                    s.endpoint = endpoint_of(c, o);
                    const auto command = o.text("command", "S");
                    if (command == "SI") s.command = protocols::sics::Command::weigh_immediately;
                    s.interval = std::chrono::milliseconds(o.integer("interval_ms", s.interval.count()));
                    s.reply_timeout = std::chrono::milliseconds(o.integer("reply_timeout_ms", s.reply_timeout.count()));
                    s.only_new_weights = o.flag("only_new_weights", true);
                    s.timeouts = timeouts_of(o, s.timeouts);
                    s.backoff = backoff_of(o);
                    auto d = std::make_unique<SicsDriver>(ctx, std::move(s));
                    error = d->start();
                    impl_->sics.push_back(std::move(d));
                    break;
                }
                case Family::csv: {
                    FileDropOptions f;
                    f.instrument_id = c.id;
                    f.folder = c.address;
                    f.scan_interval = std::chrono::milliseconds(o.integer("scan_ms", f.scan_interval.count()));
                    f.settle = std::chrono::milliseconds(o.integer("settle_ms", f.settle.count()));
                    const auto delimiter = o.text("delimiter", ",");
                    f.layout.delimiter = delimiter == "tab" ? '\t' : delimiter[0];
                    auto w = FileDropWatcher::create(ctx, std::move(f));
                    error = w->start();
                    impl_->folders.push_back(std::move(w));
                    break;
                }
            }
            if (!error.empty()) problems.push_back("instrument " + c.id + ": " + error);
        } catch (const OptionError& e) {
            impl_->states.add(c.id, std::string(to_string(c.family)));
            impl_->states.set_error(c.id, DeviceState::failed, e.message);
            problems.push_back("instrument " + c.id + ": " + e.message);
        }
    }

    if (!registry.loggers.empty()) {
        impl_->batcher = std::make_shared<ReadingBatcher>(ctx, impl_->options.readings);
        impl_->batcher->start();
    }
    for (const auto& c : registry.loggers) {
        auto refuse = [&](std::string why) {
            impl_->states.add(c.id, "modbus");
            impl_->states.set_error(c.id, DeviceState::failed, why);
            problems.push_back("logger " + c.id + ": " + why);
        };
        LoggerOptions l;
        l.logger_id = c.id;
        l.unit_id = c.unit_id;
        l.temperature_point = c.point;
        l.interval = c.interval;
        l.response_timeout = c.timeout;
        l.retries = c.retries;
        l.retry_failed_after = c.retry_failed_after;
        if (c.transport == "rtu") {
            auto s = parse_serial_settings(c.serial);
            if (!s) {
                refuse("serial settings \"" + c.serial + "\" are not like 9600,8N1");
                continue;
            }
            l.address = ModbusRtuAddress{c.address, *s};
        } else {
            auto hp = split_host_port(c.address);
            if (!hp) {
                refuse("address \"" + c.address + "\" is not host:port");
                continue;
            }
            l.address = ModbusTcpAddress{hp->first, std::stoi(hp->second)};
        }
        if (!c.map_file.empty()) {
            if (!impl_->options.load_map) {
                refuse("map_file " + c.map_file + " given but the host has no map loader");
                continue;
            }
            std::string path = c.map_file;
            if (ctx.policy) {
                // lims.drivers.map_root, checked again before the file is read.
                auto confined = confined_path(ctx.policy->map_root, kMapRootKey, c.map_file);
                if (auto* why = std::get_if<std::string>(&confined)) {
                    refuse("map_file " + c.map_file + ": " + *why);
                    continue;
                }
                path = std::get<std::filesystem::path>(confined).string();
            }
            auto map = impl_->options.load_map(path);
            if (auto* e = std::get_if<std::string>(&map)) {
                refuse("map_file " + c.map_file + ": " + *e);
                continue;
            }
            l.map = std::get<protocols::modbus::RegisterMap>(std::move(map));
        } else {
            l.map = c.map;
        }
        auto& line = impl_->lines[line_key(l.address)];
        if (!line) line = ModbusLine::create(ctx, l.address, impl_->batcher);
        if (auto error = line->add(std::move(l)); !error.empty()) refuse(error);
    }
    start_modbus_lines(problems);
    return problems;
}

// Every line takes its descriptor below FD_SETSIZE before any of them connects (while the
// numbers a connection would take are still free); a line that gets none, or one beyond
// max_modbus_lines, is refused with each of its loggers named.
void DriverHost::start_modbus_lines(std::vector<std::string>& problems) {
    auto pool = impl_->options.descriptors ? impl_->options.descriptors : LowDescriptorPool::process();
    std::size_t configured = 0;
    for (const auto& [key, line] : impl_->lines)
        if (line->loggers() > 0) ++configured;
    std::string bound = "max_modbus_lines";
    const auto max = impl_->options.max_modbus_lines > 0 ? impl_->options.max_modbus_lines : modbus_line_limit(&bound);
    std::vector<std::shared_ptr<ModbusLine>> runnable;
    for (auto& [key, line] : impl_->lines) {
        if (line->loggers() == 0) continue;
        std::string why;
        if (runnable.size() >= max)
            why = std::to_string(configured) + " Modbus lines configured, at most " + std::to_string(max) +
                  " run in this process: " + bound + "; each holds a descriptor below FD_SETSIZE (" +
                  std::to_string(FD_SETSIZE) + ") for libmodbus, which waits with select(); put the loggers behind "
                  "fewer gateway endpoints";
        else
            why = line->hold_descriptor(*pool);
        if (why.empty()) {
            runnable.push_back(line);
            continue;
        }
        for (const auto& id : line->logger_ids()) {
            impl_->states.set_error(id, DeviceState::failed, "line " + key + ": " + why);
            problems.push_back("logger " + id + ": line " + key + ": " + why);
        }
    }
    for (auto& line : runnable) line->start();
}

void DriverHost::stop() {
    if (!impl_ || !impl_->runtime) return;
    for (auto& d : impl_->astm) d->stop();
    for (auto& d : impl_->hl7) d->stop();
    for (auto& d : impl_->sics) d->stop();
    for (auto& w : impl_->folders) w->stop();
    for (auto& [key, line] : impl_->lines) line->stop();
    impl_->runtime->stop();  // io threads and workers joined: nothing runs any more
    // Drop our references first; what coroutine frames still hold (listeners, links) dies
    // with the io_context below, while its services exist. Nothing may outlive it.
    impl_->ports.clear();
    impl_->astm.clear();
    impl_->hl7.clear();
    impl_->sics.clear();
    impl_->folders.clear();
    impl_->lines.clear();
    impl_->batcher.reset();
    impl_->runtime.reset();
}

std::vector<DeviceStatus> DriverHost::states() const { return impl_->states.snapshot(); }
DeviceStatus DriverHost::state(std::string_view id) const { return impl_->states.get(id); }

std::uint16_t DriverHost::listening_port(std::string_view instrument_id) const {
    auto it = impl_->ports.find(instrument_id);
    return it == impl_->ports.end() ? 0 : it->second();
}

std::uint64_t DriverHost::readings_committed() const { return impl_->batcher ? impl_->batcher->committed() : 0; }

}  // namespace drivers
