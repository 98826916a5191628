// Load program for the drivers (issue 5), run by hand, never by ctest:
//
//   drivers_bench loggers [--loggers=2000] [--ports=40] [--interval-ms=1000] [--seconds=600]
//                         [--db=/tmp/drivers_bench.sqlite] [--sync=full|normal]
//       A libmodbus logger farm (in this process, its own thread) with `loggers` loggers
//       behind `ports` gateway ports; DriverHost polls each once per interval and the
//       readings go to a SQLite sink (batched inserts). Prints polls, missed polls and RSS
//       every 30 s, then the totals.
//
//   drivers_bench hl7 [--connections=32] [--messages=20000] [--db=...] [--sync=full|normal]
//       `connections` HL7 analyzer simulators send ORU^R01 messages to one MLLP listener;
//       each message is committed to SQLite (group commit: concurrent commits share one
//       transaction) before its AA. Prints messages per second end to end.
#include "drivers/driver_host.hpp"
#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/modbus_loggers.hpp"
#include "fixtures/simulators/specimens.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::map<std::string, std::string> parse_args(int argc, char** argv) {
    std::map<std::string, std::string> a;
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        const auto eq = s.find('=');
        if (s.rfind("--", 0) == 0 && eq != std::string::npos) a[s.substr(2, eq - 2)] = s.substr(eq + 1);
    }
    return a;
}

long arg(const std::map<std::string, std::string>& a, const std::string& k, long fallback) {
    auto it = a.find(k);
    return it == a.end() ? fallback : std::stol(it->second);
}

long rss_kib() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

// A sink that does the real work of a store: SQLite inserts in WAL mode, one transaction
// per group of concurrent commits (the leader commits for everyone waiting, as a database
// group-commits), so a commit returns only when its rows are durable.
class SqliteSink : public drivers::IngestSink {
public:
    SqliteSink(const std::string& path, bool full_sync) {
        std::remove(path.c_str());
        std::remove((path + "-wal").c_str());
        std::remove((path + "-shm").c_str());
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
        exec("PRAGMA journal_mode=WAL");
        exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        exec("CREATE TABLE raw_message (id INTEGER PRIMARY KEY, instrument TEXT, raw TEXT, UNIQUE(instrument, raw))");
        exec("CREATE TABLE observation (message INTEGER, specimen TEXT, code TEXT, value TEXT, units TEXT)");
        exec("CREATE TABLE reading (logger TEXT, at INTEGER, centi INTEGER, PRIMARY KEY(logger, at))");
        prepare(&insert_raw_, "INSERT OR IGNORE INTO raw_message(instrument, raw) VALUES(?,?)");
        prepare(&insert_obs_, "INSERT INTO observation VALUES(?,?,?,?,?)");
        prepare(&insert_reading_, "INSERT OR IGNORE INTO reading VALUES(?,?,?)");
        leader_ = std::thread([this] { lead(); });
    }
    ~SqliteSink() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        leader_.join();
        sqlite3_finalize(insert_raw_);
        sqlite3_finalize(insert_obs_);
        sqlite3_finalize(insert_reading_);
        sqlite3_close(db_);
    }

    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& m) override {
        return submit([&] {
            sqlite3_reset(insert_raw_);
            sqlite3_bind_text(insert_raw_, 1, m.instrument_code.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(insert_raw_, 2, m.raw.data(), static_cast<int>(m.raw.size()), SQLITE_STATIC);
            sqlite3_step(insert_raw_);
            if (sqlite3_changes(db_) == 0) return drivers::CommitReceipt{0, m.observations.size(), 0};
            const auto id = sqlite3_last_insert_rowid(db_);
            for (const auto& o : m.observations) {
                sqlite3_reset(insert_obs_);
                sqlite3_bind_int64(insert_obs_, 1, id);
                sqlite3_bind_text(insert_obs_, 2, o.specimen_id.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(insert_obs_, 3, o.test_code.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(insert_obs_, 4, o.value.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(insert_obs_, 5, o.units.c_str(), -1, SQLITE_STATIC);
                sqlite3_step(insert_obs_);
            }
            return drivers::CommitReceipt{m.observations.size(), 0, 0};
        });
    }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override {
        return submit([&] {
            drivers::CommitReceipt r;
            for (const auto& x : readings) {
                sqlite3_reset(insert_reading_);
                sqlite3_bind_text(insert_reading_, 1, x.logger_code.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_int64(insert_reading_, 2, x.at_utc_seconds);
                if (x.centi_celsius) sqlite3_bind_int(insert_reading_, 3, *x.centi_celsius);
                else sqlite3_bind_null(insert_reading_, 3);
                sqlite3_step(insert_reading_);
                sqlite3_changes(db_) ? ++r.accepted : ++r.duplicates;
            }
            return r;
        });
    }
    std::uint64_t transactions() const { return transactions_; }

private:
    struct Job {
        std::function<drivers::CommitReceipt()> work;
        drivers::CommitReceipt receipt;
        bool done = false;
    };

    drivers::CommitOutcome submit(std::function<drivers::CommitReceipt()> work) {
        Job job{std::move(work), {}, false};
        std::unique_lock lock(mutex_);
        queue_.push_back(&job);
        wake_.notify_all();
        done_.wait(lock, [&] { return job.done; });
        return job.receipt;
    }

    void lead() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) return;
            auto batch = std::move(queue_);
            queue_.clear();
            lock.unlock();
            exec("BEGIN");
            for (auto* job : batch) job->receipt = job->work();
            exec("COMMIT");
            ++transactions_;
            lock.lock();
            for (auto* job : batch) job->done = true;
            done_.notify_all();
        }
    }

    void exec(const char* sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
            std::string e = error ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error(std::string(sql) + ": " + e);
        }
    }
    void prepare(sqlite3_stmt** s, const char* sql) {
        if (sqlite3_prepare_v2(db_, sql, -1, s, nullptr) != SQLITE_OK) throw std::runtime_error(sql);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_raw_ = nullptr;
    sqlite3_stmt* insert_obs_ = nullptr;
    sqlite3_stmt* insert_reading_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::vector<Job*> queue_;
    bool stopping_ = false;
    std::thread leader_;
    std::uint64_t transactions_ = 0;
};

int loggers(const std::map<std::string, std::string>& a) {
    const long n = arg(a, "loggers", 2000), ports = arg(a, "ports", 40), seconds = arg(a, "seconds", 600);
    const auto interval = std::chrono::milliseconds(arg(a, "interval-ms", 1000));
    const int units = static_cast<int>((n + ports - 1) / ports);
    simulators::LoggerFarmOptions fo;
    fo.ports = static_cast<int>(ports);
    fo.units_per_port = units;
    simulators::LoggerFarm farm(fo);
    SqliteSink sink(a.count("db") ? a.at("db") : "/tmp/drivers_bench.sqlite", !a.count("sync") || a.at("sync") == "full");

    drivers::Registry r;
    protocols::modbus::RegisterMap map{"bench", {{"chamber_temperature", protocols::modbus::Function::holding_registers, 0,
                                                   protocols::modbus::ValueType::int16, protocols::modbus::ByteOrder::ABCD,
                                                   0.1, 0.0, "Cel", {-32768}}}};
    for (long i = 0; i < n; ++i) {
        drivers::LoggerConfig c;
        c.id = "L" + std::to_string(i);
        c.address = "127.0.0.1:" + std::to_string(farm.ports()[static_cast<std::size_t>(i / units)]);
        c.unit_id = static_cast<int>(i % units) + 1;
        c.map = map;
        c.interval = interval;
        c.timeout = std::chrono::milliseconds(500);
        c.retries = 1;
        r.loggers.push_back(c);
    }
    drivers::DriverHost host({.runtime = {2, 8}});
    auto problems = host.start(r, sink);
    if (!problems.empty()) {
        std::cerr << problems.front() << "\n";
        return 1;
    }
    auto totals = [&] {
        std::uint64_t polls = 0, missed = 0, failures = 0;
        for (const auto& s : host.states()) {
            polls += s.messages;
            missed += s.missed_polls;
            failures += s.failures;
        }
        return std::tuple{polls, missed, failures};
    };
    const auto start = std::chrono::steady_clock::now();
    std::printf("loggers %ld on %ld ports, interval %lld ms, %ld s\n", n, ports,
                static_cast<long long>(interval.count()), seconds);
    std::printf("%6s %10s %8s %9s %12s %9s\n", "t(s)", "polls", "missed", "failures", "committed", "rss(KiB)");
    for (long t = 30; t <= seconds; t += 30) {
        std::this_thread::sleep_until(start + std::chrono::seconds(t));
        auto [polls, missed, failures] = totals();
        std::printf("%6ld %10llu %8llu %9llu %12llu %9ld\n", t, static_cast<unsigned long long>(polls),
                    static_cast<unsigned long long>(missed), static_cast<unsigned long long>(failures),
                    static_cast<unsigned long long>(host.readings_committed()), rss_kib());
        std::fflush(stdout);
    }
    auto [polls, missed, failures] = totals();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double expected = static_cast<double>(n) * elapsed / std::chrono::duration<double>(interval).count();
    host.stop();
    std::printf("polls %llu of %.0f due (%.2f%%), missed %llu (%.3f%%), failures %llu, sink transactions %llu, "
                "farm requests %llu\n",
                static_cast<unsigned long long>(polls), expected, 100.0 * static_cast<double>(polls) / expected,
                static_cast<unsigned long long>(missed),
                100.0 * static_cast<double>(missed) / static_cast<double>(polls + missed),
                static_cast<unsigned long long>(failures), static_cast<unsigned long long>(sink.transactions()),
                static_cast<unsigned long long>(farm.requests()));
    return 0;
}

int hl7(const std::map<std::string, std::string>& a) {
    const long connections = arg(a, "connections", 32), messages = arg(a, "messages", 20000);
    SqliteSink sink(a.count("db") ? a.at("db") : "/tmp/drivers_bench_hl7.sqlite",
                    !a.count("sync") || a.at("sync") == "full");
    drivers::Registry r;
    r.instruments.push_back({"HL7-1", drivers::Family::hl7, "tcp_listen", "127.0.0.1:0",
                             {{"max_connections", std::to_string(connections + 8)}}, {}});
    // Workers wait in the sink's group commit: one per connection keeps every sender busy.
    drivers::DriverHost host({.runtime = {2, static_cast<std::size_t>(connections) + 4}});
    if (auto p = host.start(r, sink); !p.empty()) {
        std::cerr << p.front() << "\n";
        return 1;
    }
    const auto port = host.listening_port("HL7-1");
    std::vector<std::vector<std::string>> work(static_cast<std::size_t>(connections));
    for (long i = 0; i < messages; ++i)
        work[static_cast<std::size_t>(i % connections)].push_back(simulators::hl7_oru(
            "AU-SIM", simulators::chemistry_panel("S" + std::to_string(i), static_cast<unsigned>(i)),
            "M" + std::to_string(i)));
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::future<simulators::Hl7AnalyzerReport>> senders;
    for (auto& w : work)
        senders.push_back(std::async(std::launch::async, [port, &w] {
            simulators::Hl7AnalyzerOptions o;
            o.port = port;
            o.messages = w;
            o.give_up = std::chrono::minutes(10);
            return simulators::run_hl7_analyzer(o);
        }));
    std::size_t accepted = 0, other = 0;
    for (auto& s : senders) {
        auto report = s.get();
        accepted += report.accepted;
        other += report.errors + report.rejected;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    host.stop();
    std::printf("hl7: %zu AA (%zu other) over %ld connections in %.2f s = %.0f messages/s, %llu sink transactions, "
                "rss %ld KiB\n",
                accepted, other, connections, elapsed, static_cast<double>(accepted) / elapsed,
                static_cast<unsigned long long>(sink.transactions()), rss_kib());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    auto a = parse_args(argc, argv);
    if (mode == "loggers") return loggers(a);
    if (mode == "hl7") return hl7(a);
    std::cerr << "usage: drivers_bench loggers|hl7 [--name=value ...] (see the file's header)\n";
    return 2;
}
