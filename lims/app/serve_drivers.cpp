#include "lims/app/serve_drivers.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/logger_polling_repository.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/modbus_map_json.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <variant>

namespace lims::app {

namespace {

// One instrument's host serves one analyzer: one io thread is plenty for its sockets, and
// a few workers let several connections of an interface engine commit side by side (the
// store serialises them anyway; more would only wait).
constexpr drivers::RuntimeOptions kInstrumentRuntime{1, 4};

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The store's instrument as the drivers configure it, or why no driver can run it.
std::variant<drivers::InstrumentConfig, std::string> driver_config(const store::Instrument& i) {
    drivers::InstrumentConfig c;
    c.id = i.code;
    if (i.family == "astm") c.family = drivers::Family::astm;
    else if (i.family == "hl7") c.family = drivers::Family::hl7;
    else if (i.family == "sics") c.family = drivers::Family::sics;
    else if (i.family == "csv") c.family = drivers::Family::csv;
    else
        return "family " + i.family +
               " has no instrument driver (Modbus devices are polled as cold-chain loggers)";
    // The store names the watched-folder transport file_drop; the registry calls it folder.
    if (i.transport == "file_drop") c.transport = "folder";
    else if (i.transport == "modbus_tcp" || i.transport == "modbus_rtu")
        return "transport " + i.transport + " is for loggers, not instruments";
    else c.transport = i.transport;
    if (i.address.empty()) return "no address configured (set it through PUT /api/v1/instruments/" + i.code + ")";
    c.address = i.address;
    for (auto& [name, value] : store::instrument_options(i.options_json)) c.options[name] = value;
    return c;
}

// The logger's polling settings as the Modbus poller takes them.
drivers::LoggerConfig logger_config(const store::LoggerPolling& p) {
    drivers::LoggerConfig c;
    c.id = p.serial_number;
    c.transport = p.fields.transport == "modbus_rtu" ? "rtu" : "tcp";
    c.address = p.fields.address;
    c.serial = p.fields.serial;
    c.unit_id = p.fields.unit_id;
    c.map_file = p.fields.map_file;
    if (!p.fields.map_json.empty()) {
        // Given in-line through the API and checked there; a map that no longer loads
        // leaves the map empty, which the poller refuses naming the logger.
        auto map = workflow::load_modbus_map(p.fields.map_json);
        if (auto* loaded = std::get_if<protocols::modbus::RegisterMap>(&map)) c.map = std::move(*loaded);
    }
    c.point = p.fields.point;
    c.interval = std::chrono::seconds(p.fields.interval_seconds);
    c.timeout = std::chrono::milliseconds(p.fields.timeout_ms);
    c.retries = p.fields.retries;
    return c;
}

// Everything of the loggers' configuration that the poller uses, to tell a change (an
// in-line map set through the API included, point by point).
std::string fingerprint(const std::vector<drivers::LoggerConfig>& loggers) {
    std::ostringstream s;
    for (const auto& c : loggers) {
        for (const auto& p : c.map.points)
            s << p.name << ',' << protocols::modbus::to_string(p.function) << ',' << p.address << ','
              << protocols::modbus::to_string(p.type) << ',' << protocols::modbus::to_string(p.order) << ','
              << p.scale << ',' << p.offset << ',' << p.unit << ';';
        s << c.id << '|' << c.transport << '|' << c.address << '|' << c.serial << '|' << c.unit_id << '|' << c.map_file
          << '|' << c.point << '|' << c.interval.count() << '|' << c.timeout.count() << '|' << c.retries << '|'
          << c.retry_failed_after.count() << '|' << c.storage_unit << '|' << c.shipment << '\n';
    }
    return s.str();
}

api::InstrumentLink link_of(const drivers::DeviceStatus& s) {
    api::InstrumentLink l;
    l.state = std::string(drivers::to_string(s.state));
    l.since = store::format_utc(s.since);
    l.last_error = s.last_error;
    l.messages = s.messages;
    l.failures = s.failures;
    l.connections = s.connections;
    l.refused_peers = s.refused_peers;
    return l;
}

api::InstrumentLink link_now(std::string state, std::string why) {
    api::InstrumentLink l;
    l.state = std::move(state);
    l.since = store::utc_now();
    l.last_error = std::move(why);
    return l;
}

}  // namespace

drivers::MapLoader modbus_map_file_loader() {
    return [](const std::string& path) -> std::variant<protocols::modbus::RegisterMap, std::string> {
        auto text = read_text(path);
        if (!text) return "cannot read register map " + path;
        auto map = workflow::load_modbus_map(*text);
        if (auto* errors = std::get_if<std::vector<protocols::modbus::MapError>>(&map)) {
            return "register map " + path + " is not usable: " + workflow::map_problem_places(*text, *errors);
        }
        return std::get<protocols::modbus::RegisterMap>(std::move(map));
    };
}

// What the registry asks for: drivers to run, and instruments no driver can run (with why).
struct ServeDrivers::Wanted {
    std::map<std::string, drivers::InstrumentConfig, std::less<>> run;
    std::map<std::string, std::string, std::less<>> unrunnable;
};

domain::Result<std::shared_ptr<ServeDrivers>> ServeDrivers::create(std::shared_ptr<store::Database> database,
                                                                   ServeDriversOptions options, Poco::Logger& logger) {
    drivers::Registry file;
    if (!options.registry_file.empty()) {
        auto text = read_text(options.registry_file);
        if (!text)
            return domain::make_error("drivers.registry_file", "cannot read the registry file " + options.registry_file);
        auto parsed = drivers::parse_registry_json(*text);
        if (auto* problem = std::get_if<std::string>(&parsed))
            return domain::make_error("drivers.registry_file", options.registry_file + ": " + *problem);
        file = std::get<drivers::Registry>(std::move(parsed));
    }
    return std::shared_ptr<ServeDrivers>(
        new ServeDrivers(std::move(database), std::move(options), std::move(file), logger));
}

ServeDrivers::ServeDrivers(std::shared_ptr<store::Database> database, ServeDriversOptions options,
                           drivers::Registry file, Poco::Logger& logger)
    : database_(std::move(database)),
      options_(std::move(options)),
      file_(std::move(file)),
      logger_(logger),
      sink_(database_, options_.actor, options_.calendar) {}

ServeDrivers::~ServeDrivers() { stop(); }

std::unique_ptr<drivers::DriverHost> ServeDrivers::new_host(std::size_t worker_threads) const {
    drivers::HostOptions o;
    o.runtime = kInstrumentRuntime;
    if (worker_threads > 0) o.runtime.worker_threads = worker_threads;
    Poco::Logger* log = &logger_;
    o.log = [log](std::string_view device, std::string_view line) {
        log->information(std::string(device) + ": " + std::string(line));
    };
    o.load_map = modbus_map_file_loader();
    o.policy = options_.policy;
    return std::make_unique<drivers::DriverHost>(std::move(o));
}

std::vector<std::string> ServeDrivers::start() {
    if (started_) return {"drivers already started"};
    started_ = true;
    auto problems = check_registry();
    checker_ = std::make_unique<app::ServiceJobs>(
        std::vector<app::PeriodicJob>{{"drivers.registry", options_.check_period,
                                       [this]() -> domain::Result<std::string> {
                                           std::string summary;
                                           for (const auto& p : check_registry())
                                               summary += (summary.empty() ? "" : "; ") + p;
                                           return summary;
                                       }}},
        logger_);
    checker_->start();
    return problems;
}

std::vector<std::string> ServeDrivers::check_loggers() {
    auto polled = database_->read([](store::Transaction& tx) { return store::LoggerPollingRepository(tx).active(); });
    if (!polled) return {"reading the loggers' polling settings: " + polled.error().message};
    std::vector<drivers::LoggerConfig> wanted;
    std::set<std::string> in_database;
    for (const auto& p : *polled) {
        wanted.push_back(logger_config(p));
        in_database.insert(p.serial_number);
    }
    for (const auto& c : file_.loggers)
        if (!in_database.contains(c.id)) wanted.push_back(c);
    auto print = fingerprint(wanted);
    if (print == loggers_fingerprint_) return {};

    // The loggers share one host: their Modbus lines and the readings batcher are built for
    // many devices at once, so a change restarts them together (a poll or two late at most;
    // readings carry their own time). The default runtime's workers bound the dead loggers
    // that may each hold one for its timeout.
    std::unique_ptr<drivers::DriverHost> old;
    {
        std::lock_guard lock(mutex_);
        old = std::move(loggers_);
    }
    if (old) old->stop();
    loggers_fingerprint_ = print;
    if (wanted.empty()) return {};
    auto host = new_host(drivers::RuntimeOptions{}.worker_threads);
    drivers::Registry registry;
    registry.loggers = std::move(wanted);
    auto problems = host->start(registry, sink_);
    logger_.information("drivers: polling %z logger(s)", registry.loggers.size());
    std::lock_guard lock(mutex_);
    loggers_ = std::move(host);
    return problems;
}

std::optional<ServeDrivers::Wanted> ServeDrivers::wanted_instruments(std::vector<std::string>& problems) {
    Wanted wanted;
    auto instruments = database_->read([](store::Transaction& tx) { return store::InstrumentRepository(tx).all(); });
    if (!instruments) {
        problems.push_back("reading the instrument registry: " + instruments.error().message);
        return std::nullopt;
    }
    std::set<std::string, std::less<>> in_database;
    for (const auto& i : *instruments) {
        in_database.insert(i.code);
        if (!i.active) continue;
        auto config = driver_config(i);
        if (auto* why = std::get_if<std::string>(&config)) wanted.unrunnable[i.code] = *why;
        else wanted.run[i.code] = std::get<drivers::InstrumentConfig>(std::move(config));
    }
    // The file adds instruments the database does not know; for one it does, the database
    // (what administrators change through the API, deactivation included) wins.
    for (const auto& c : file_.instruments)
        if (!in_database.contains(c.id)) wanted.run[c.id] = c;
    return wanted;
}

std::vector<std::string> ServeDrivers::check_registry() {
    std::lock_guard checking(check_mutex_);
    std::vector<std::string> problems;
    auto read = wanted_instruments(problems);
    if (!read) {
        for (const auto& p : problems) logger_.warning("drivers: " + p);
        return problems;  // the store is away: keep what runs, look again next period
    }
    Wanted& wanted = *read;
    const auto now = std::chrono::steady_clock::now();

    // Stop what is gone, changed, or failed long enough ago to be worth another try.
    std::vector<std::pair<std::string, std::unique_ptr<drivers::DriverHost>>> stopping;
    {
        std::lock_guard lock(mutex_);
        for (auto it = running_.begin(); it != running_.end();) {
            auto want = wanted.run.find(it->first);
            const bool failed = it->second.host->state(it->first).state == drivers::DeviceState::failed;
            if (want == wanted.run.end() || want->second != it->second.config ||
                (failed && now - it->second.started >= options_.retry_failed_after)) {
                stopping.emplace_back(it->first, std::move(it->second.host));
                it = running_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& [code, host] : stopping) {
        host->stop();
        if (!wanted.run.contains(code)) {
            logger_.information("instrument %s: driver stopped (deactivated or removed)", code);
            std::lock_guard lock(mutex_);
            idle_links_[code] = link_now("stopped", "");
        }
    }

    {
        // One that could not run and is now deactivated (or runs after all) has no failure to show.
        std::lock_guard lock(mutex_);
        for (auto& [code, link] : idle_links_)
            if (link.state == "failed" && !wanted.unrunnable.contains(code)) link = link_now("stopped", "");
    }
    for (const auto& [code, why] : wanted.unrunnable) {
        std::lock_guard lock(mutex_);
        auto it = idle_links_.find(code);
        if (it != idle_links_.end() && it->second.state == "failed" && it->second.last_error == why) continue;
        idle_links_[code] = link_now("failed", why);
        problems.push_back("instrument " + code + ": " + why);
    }

    for (const auto& [code, config] : wanted.run) {
        {
            std::lock_guard lock(mutex_);
            if (running_.contains(code)) continue;
        }
        auto host = new_host(0);
        drivers::Registry one;
        one.instruments.push_back(config);
        auto started = host->start(one, sink_);
        problems.insert(problems.end(), started.begin(), started.end());
        if (started.empty()) logger_.information("instrument %s: driver started (%s %s)", code, config.transport,
                                                 config.address);
        std::lock_guard lock(mutex_);
        idle_links_.erase(code);
        running_[code] = Running{config, std::move(host), now};
    }
    auto logger_problems = check_loggers();
    problems.insert(problems.end(), logger_problems.begin(), logger_problems.end());
    for (const auto& p : problems) logger_.warning("drivers: " + p);
    return problems;
}

void ServeDrivers::stop() {
    if (checker_) checker_->stop();
    std::lock_guard checking(check_mutex_);
    std::vector<std::unique_ptr<drivers::DriverHost>> hosts;
    {
        std::lock_guard lock(mutex_);
        for (auto& [code, running] : running_) {
            hosts.push_back(std::move(running.host));
            idle_links_[code] = link_now("stopped", "");
        }
        running_.clear();
        if (loggers_) hosts.push_back(std::move(loggers_));
    }
    for (auto& h : hosts) h->stop();
}

std::optional<api::InstrumentLink> ServeDrivers::link(const std::string& code) const {
    std::lock_guard lock(mutex_);
    if (auto it = running_.find(code); it != running_.end()) return link_of(it->second.host->state(code));
    if (auto it = idle_links_.find(code); it != idle_links_.end()) return it->second;
    if (loggers_) {
        auto s = loggers_->state(code);
        if (!s.id.empty()) return link_of(s);
    }
    return std::nullopt;
}

std::uint16_t ServeDrivers::listening_port(const std::string& code) const {
    std::lock_guard lock(mutex_);
    auto it = running_.find(code);
    return it == running_.end() ? 0 : it->second.host->listening_port(code);
}

}  // namespace lims::app
