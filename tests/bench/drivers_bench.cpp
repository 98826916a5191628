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
//                     [--sink=ingest|raw]
//       `connections` HL7 analyzer simulators send ORU^R01 messages to one MLLP listener;
//       each message is committed before its AA. Prints messages per second end to end.
//       --sink=ingest (default): the service's in-process sink (lims/app) on a migrated
//       SQLite database (WAL, synchronous=FULL, the store's group commit): raw message
//       stored with its hash and audit entry, every observation matched to a registered
//       sample's test and recorded as a pending-review result. The samples (one per
//       message, tests glucose/potassium/alt) are registered before the clock starts.
//       --sink=raw: a bare SQLite sink (raw bytes and observation rows only) for comparison.
#include "drivers/driver_host.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/sql.hpp"
#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/modbus_loggers.hpp"
#include "fixtures/simulators/specimens.hpp"

#include <sqlite3.h>
#include <sys/resource.h>

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
#include <tuple>
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

// CPU seconds this process has used (user + system): per message, a figure that holds
// when the machine is shared, unlike messages per second.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
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

// A migrated database with a laboratory, the instrument HL7-1 mapping the simulator's
// panel (GLU, K, ALT) and `samples` registered samples with pending tests glucose,
// potassium and alt. Returns the sample numbers.
std::vector<std::string> seed_ingest_database(lims::store::Database& db, long samples) {
    namespace store = lims::store;
    auto must = [](auto result, const char* what) {
        if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().message);
        return *result;
    };
    must(store::migrate(db, store::builtin_migrations()), "migrate");
    std::int64_t lab_id = 0;
    std::map<std::string, std::int64_t> spec_lines;  // test code -> its specification line
    must(db.write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
             store::OrganisationRepository orgs(tx);
             auto root = orgs.create({"BUREAU", "Municipal bureau", lims::domain::OrganisationKind::bureau,
                                      std::nullopt, "310000"},
                                     "bench");
             if (!root) return root.error();
             auto lab = orgs.create({"LAB", "Inspection centre", lims::domain::OrganisationKind::inspection_centre,
                                     root->id, "310101"},
                                    "bench");
             if (!lab) return lab.error();
             lab_id = lab->id;
             store::InstrumentRepository instruments(tx);
             auto analyzer =
                 instruments.create({"HL7-1", lab_id, "Chemistry analyzer", "hl7", "tcp_listen", "127.0.0.1:0", true},
                                    "bench");
             if (!analyzer) return analyzer.error();
             for (const auto& m : {store::TestMappingFields{"GLU", "glucose", "mmol/L", "mmol/L", "1", "0", true},
                                   store::TestMappingFields{"K", "potassium", "", "mmol/L", "1", "0", true},
                                   store::TestMappingFields{"ALT", "alt", "", "U/L", "1", "0", true}}) {
                 auto created = instruments.create_mapping(analyzer->id, m, "bench");
                 if (!created) return created.error();
             }
             // Each test has its specification line, as in the laboratory: every result is
             // judged against it when it is entered (review::record_result).
             const std::string at = tx.now_utc();
             for (const auto& [code, kind, lower, upper, unit] :
                  {std::tuple{"glucose", "range", "3.9", "6.1", "mmol/L"},
                   std::tuple{"potassium", "range", "3.5", "5.3", "mmol/L"},
                   std::tuple{"alt", "upper", "", "40", "U/L"}}) {
                 auto line = store::sql(tx,
                                        "INSERT INTO specification_lines (standard_ref, test_code, test_name, "
                                        "limit_kind, lower_limit, upper_limit, unit, decimal_places, created_at, "
                                        "updated_at) VALUES ('bench', $1, $1, $2, NULLIF($3, ''), $4, $5, 1, $6, $6) "
                                        "RETURNING id",
                                        {code, kind, lower, upper, unit, at});
                 spec_lines[code] = line.rows.at(0).integer(0);
             }
             return store::Done{};
         }),
         "seed");
    std::vector<std::string> numbers;
    constexpr long kPerTransaction = 500;
    for (long done = 0; done < samples; done += kPerTransaction) {
        must(db.write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
                 store::SampleRepository repo(tx);
                 for (long i = done; i < std::min(samples, done + kPerTransaction); ++i) {
                     store::NewSample s;
                     s.org_id = lab_id;
                     s.product_name = "Glucose injection";
                     s.batch_number = "B" + std::to_string(i);
                     s.quantity = "6";
                     s.unit = "vial";
                     s.sampled_at = "2026-11-20T02:00:00.000Z";
                     s.portions = {{lims::domain::PortionKind::test, "2", "vial", std::nullopt},
                                   {lims::domain::PortionKind::retained, "2", "vial", std::nullopt}};
                     auto sample = repo.register_sample(s, "bench");
                     if (!sample) return sample.error();
                     numbers.push_back(sample->number);
                     const std::string at = tx.now_utc();
                     for (const char* code : {"glucose", "potassium", "alt"})
                         store::sql(tx,
                                    "INSERT INTO tests (sample_id, spec_line_id, test_code, state, created_at, "
                                    "updated_at) VALUES ($1, $2, $3, 'pending', $4, $4)",
                                    {sample->id, spec_lines.at(code), code, at});
                 }
                 return store::Done{};
             }),
             "register samples");
    }
    return numbers;
}

std::int64_t count_rows(lims::store::Database& db, const std::string& query) {
    std::int64_t n = -1;
    auto ok = db.read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        n = lims::store::sql(tx, query).rows.at(0).integer(0);
        return lims::store::Done{};
    });
    return ok ? n : -1;
}

int hl7(const std::map<std::string, std::string>& a) {
    const long connections = arg(a, "connections", 32), messages = arg(a, "messages", 20000);
    const bool full_sync = !a.count("sync") || a.at("sync") == "full";
    const bool in_process = !a.count("sink") || a.at("sink") == "ingest";
    const std::string path = a.count("db") ? a.at("db") : "/tmp/drivers_bench_hl7.sqlite";
    std::unique_ptr<drivers::IngestSink> sink;
    std::shared_ptr<lims::store::Database> database;
    std::vector<std::string> numbers;
    if (in_process) {
        for (const auto& suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
        lims::store::DatabaseOptions options;
        // Every connection's commit waits in the same group; sessions for the leader and readers.
        options.max_sessions = 8;
        auto opened = lims::store::Database::open("sqlite:" + path, options);
        if (!opened) {
            std::cerr << opened.error().message << "\n";
            return 1;
        }
        database = *opened;
        if (!full_sync) std::cerr << "--sync=normal is ignored with --sink=ingest (the store runs FULL)\n";
        const auto seeding = std::chrono::steady_clock::now();
        numbers = seed_ingest_database(*database, messages);
        std::printf("seeded %ld samples in %.1f s\n", messages,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - seeding).count());
        sink = std::make_unique<lims::app::InProcessIngestSink>(database);
    } else {
        sink = std::make_unique<SqliteSink>(path, full_sync);
    }
    drivers::Registry r;
    r.instruments.push_back({"HL7-1", drivers::Family::hl7, "tcp_listen", "127.0.0.1:0",
                             {{"max_connections", std::to_string(connections + 8)}}, {}});
    // Workers wait in the sink's group commit: one per connection keeps every sender busy.
    drivers::DriverHost host({.runtime = {2, static_cast<std::size_t>(connections) + 4}});
    if (auto p = host.start(r, *sink); !p.empty()) {
        std::cerr << p.front() << "\n";
        return 1;
    }
    const auto port = host.listening_port("HL7-1");
    std::vector<std::vector<std::string>> work(static_cast<std::size_t>(connections));
    for (long i = 0; i < messages; ++i)
        work[static_cast<std::size_t>(i % connections)].push_back(simulators::hl7_oru(
            "HL7-1",
            simulators::chemistry_panel(in_process ? numbers[static_cast<std::size_t>(i)] : "S" + std::to_string(i),
                                        static_cast<unsigned>(i)),
            "M" + std::to_string(i)));
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
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
    const double cpu = cpu_seconds() - cpu_start;
    host.stop();
    std::uint64_t transactions = 0;
    if (auto* raw = dynamic_cast<SqliteSink*>(sink.get())) transactions = raw->transactions();
    if (database) transactions = database->write_stats().groups;
    std::printf("hl7 (%s sink): %zu AA (%zu other) over %ld connections in %.2f s = %.0f messages/s, "
                "%llu commits (fsync groups), rss %ld KiB, cpu %.0f us per message (analyzers included)\n",
                in_process ? "in-process ingest" : "raw sqlite", accepted, other, connections, elapsed,
                static_cast<double>(accepted) / elapsed, static_cast<unsigned long long>(transactions), rss_kib(),
                accepted ? cpu * 1e6 / static_cast<double>(accepted) : 0.0);
    if (database) {
        // What the AAs promised is in the database: three pending-review results per message.
        const auto results = count_rows(*database, "SELECT count(*) FROM results");
        const auto pending = count_rows(*database, "SELECT count(*) FROM tests WHERE state = 'pending_review'");
        const auto raw = count_rows(*database, "SELECT count(*) FROM raw_messages");
        const auto quarantined = count_rows(*database, "SELECT count(*) FROM quarantine");
        std::printf("database: %lld raw messages, %lld results, %lld tests pending review, %lld quarantined\n",
                    static_cast<long long>(raw), static_cast<long long>(results), static_cast<long long>(pending),
                    static_cast<long long>(quarantined));
        if (results != 3 * static_cast<std::int64_t>(accepted) || quarantined != 0) {
            std::fprintf(stderr, "MISMATCH: expected %zu results and no quarantine\n", 3 * accepted);
            return 1;
        }
    }
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
