#include "lims/store/database.hpp"

#include "lims/store/prepared_statements.hpp"
#include "lims/store/transaction.hpp"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>
#ifdef LIMS_WITH_POSTGRESQL
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#endif

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <atomic>
#include <mutex>
#include <random>
#include <regex>
#include <thread>
#include <semaphore>
#include <unordered_map>

using namespace Poco::Data::Keywords;

namespace lims::store {

const char* to_string(Dialect dialect) { return dialect == Dialect::sqlite ? "SQLite" : "PostgreSQL"; }

namespace {

constexpr std::string_view sqlite_scheme = "sqlite:";
constexpr std::string_view postgresql_scheme = "postgresql:";
constexpr std::string_view postgres_uri_prefixes[] = {"postgresql://", "postgres://"};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string without_password(const std::string& conninfo) {
    static const std::regex keyword(R"(password\s*=\s*('([^'\\]|\\.)*'|\S+))");
    static const std::regex in_uri(R"((://[^:/@]*):[^@/]*@)");
    return std::regex_replace(std::regex_replace(conninfo, keyword, "password=***"), in_uri, "$1:***@");
}

// glibc gives freed heap back to the kernel as soon as a thread arena's free top passes a
// threshold that adapts to the largest recent allocation. SQLite's page caches and a busy
// service's per-request buffers cross it on nearly every transaction; the madvise and the
// TLB shoot-down across cores that follow were a third of a registration's CPU (perf over
// store_bench, 16 writers). Keep up to this much free per arena instead (process-wide:
// whoever opens a database is a long-running service or a tool that soon exits).
constexpr int kKeptFreeHeapBytes = 64 << 20;
// Fixed, since setting the trim threshold stops glibc adapting this one; 32 MB is the
// largest glibc would adapt it to on 64-bit.
constexpr int kMmapThresholdBytes = 32 << 20;

void tune_allocator() {
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, kKeptFreeHeapBytes);
    mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
#endif
}

void register_connectors() {
    static std::once_flag once;
    std::call_once(once, [] {
        tune_allocator();
        Poco::Data::SQLite::Connector::registerConnector();
#ifdef LIMS_WITH_POSTGRESQL
        Poco::Data::PostgreSQL::Connector::registerConnector();
#endif
    });
}

// How long an idle pooled session stays open. An SQLite connection is a file handle and
// carries its cache of compiled statements, so it is kept (a week); a server connection
// is given back after 10 minutes.
constexpr int sqlite_idle_seconds = 7 * 24 * 3600;
constexpr int server_idle_seconds = 600;

const char* connector_name(Dialect d) { return d == Dialect::sqlite ? "SQLite" : "PostgreSQL"; }

// The start of the message of a connect() that found every session of the pool in use.
constexpr std::string_view kPoolExhausted = "no database session free";

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

StoreResult<DatabaseLocation> parse_database_url(std::string_view url) {
    if (starts_with(url, sqlite_scheme)) {
        std::string path(url.substr(sqlite_scheme.size()));
        if (starts_with(path, "//")) path.erase(0, 2);  // tolerate sqlite:///abs/path
        if (starts_with(path, "//")) path.erase(0, 1);
        if (path.empty()) return store_error(StoreErrorKind::invalid_url, "database URL \"sqlite:\" names no file");
        if (path == ":memory:" || starts_with(path, "file:"))
            return store_error(StoreErrorKind::invalid_url,
                               "database URL \"" + std::string(url) +
                                   "\": only a plain file path is supported (each pooled session "
                                   "would see its own in-memory database)");
        return DatabaseLocation{Dialect::sqlite, path, path};
    }
    for (auto prefix : postgres_uri_prefixes) {
        if (starts_with(url, prefix)) {
            std::string conninfo(url);
            return DatabaseLocation{Dialect::postgresql, conninfo, without_password(conninfo)};
        }
    }
    if (starts_with(url, postgresql_scheme)) {
        std::string conninfo(url.substr(postgresql_scheme.size()));
        if (conninfo.find_first_not_of(" \t") == std::string::npos)
            return store_error(StoreErrorKind::invalid_url, "database URL \"postgresql:\" has no connection string");
        return DatabaseLocation{Dialect::postgresql, conninfo, without_password(conninfo)};
    }
    return store_error(StoreErrorKind::invalid_url,
                       "database URL \"" + without_password(std::string(url)) +
                           "\" must start with \"sqlite:\" or \"postgresql:\"");
}

// The pool of sessions. Poco's SessionPool is not used: in Poco 1.11 its shutdown() takes
// the pool's lock and then waits for the janitor timer, whose callback waits for the same
// lock, so a process could hang at exit (`lims migrate` did, 3 times in 15 runs under a
// changed clock; Poco issue #1372). This one has no timer: an idle session too old or no
// longer connected is closed when it would be handed out. Every new session is set up
// before first use: the SQLite pragmas are per connection, so they run on each one.
class Database::Pool {
public:
    using Clock = std::chrono::steady_clock;

    Pool(const DatabaseLocation& location, const DatabaseOptions& options,
         std::function<void(Poco::Data::Session&)> before_close)
        : location_(location),
          options_(options),
          idle_limit_(location.dialect == Dialect::sqlite ? std::chrono::seconds(sqlite_idle_seconds)
                                                          : std::chrono::seconds(server_idle_seconds)),
          before_close_(std::move(before_close)),
          slots_(static_cast<std::ptrdiff_t>(options.max_sessions)) {}

    ~Pool() { shutdown(); }

    std::counting_semaphore<>& slots() { return slots_; }

    // Closes every idle session (the server ended them: a restart), counted as discarded.
    void discard_idle() {
        std::vector<Idle> closing;
        {
            std::lock_guard lock(mutex_);
            closing.swap(idle_);
        }
        for (auto& i : closing) close(i.session);
        discarded_ += closing.size();
    }

    std::size_t idle_count() {
        std::lock_guard lock(mutex_);
        return idle_.size();
    }
    std::uint64_t opened() const { return opened_; }
    std::uint64_t discarded() const { return discarded_; }

    // An idle session (the most recently used: its caches are warm) or a new one. Throws
    // like Poco::Data when a new one cannot be opened.
    Poco::Data::Session get() {
        const auto now = Clock::now();
        for (;;) {
            std::optional<Idle> candidate;
            {
                std::lock_guard lock(mutex_);
                if (shutdown_) throw Poco::IllegalStateException("the database " + location_.display_name + " is closed");
                if (idle_.empty()) break;
                candidate.emplace(std::move(idle_.back()));
                idle_.pop_back();
            }
            if (now - candidate->since <= idle_limit_ && connected(candidate->session)) return candidate->session;
            close(candidate->session);
            ++discarded_;
        }
        Poco::Data::Session session(connector_name(location_.dialect), location_.connection);
        customize(session);
        ++opened_;
        return session;
    }

    // Back from a Connection: kept for the next caller unless closed, broken or shut down.
    void put(Poco::Data::Session session) {
        if (!connected(session)) {
            close(session);
            ++discarded_;
            return;
        }
        {
            std::lock_guard lock(mutex_);
            if (!shutdown_) {
                idle_.push_back({std::move(session), Clock::now()});
                return;
            }
        }
        close(session);
    }

    // Closes the idle sessions; sessions still borrowed are closed when they come back.
    void shutdown() {
        std::vector<Idle> closing;
        {
            std::lock_guard lock(mutex_);
            shutdown_ = true;
            closing.swap(idle_);
        }
        for (auto& i : closing) close(i.session);
    }

private:
    struct Idle {
        Poco::Data::Session session;
        Clock::time_point since;
    };

    static bool connected(Poco::Data::Session& session) {
        try {
            return session.isConnected();
        } catch (...) {
            return false;
        }
    }

    void close(Poco::Data::Session& session) {
        try {
            if (before_close_) before_close_(session);
            session.close();
        } catch (...) {
        }
    }

    void customize(Poco::Data::Session& session) {
        if (location_.dialect == Dialect::sqlite) {
            // WAL: readers do not block the writer. synchronous=FULL: a committed (and so
            // acknowledged) transaction survives a power cut (ARCHITECTURE "nothing
            // acknowledged is ever lost"); throughput comes from batching, not from this.
            std::string mode;
            session << "PRAGMA journal_mode=WAL", into(mode), now;
            session << "PRAGMA synchronous=FULL", now;
            session << "PRAGMA foreign_keys=ON", now;
            session << "PRAGMA busy_timeout=" + std::to_string(options_.busy_timeout.count()), now;
            // Each grouped write runs in a SAVEPOINT, whose statement journal (the pages'
            // copies for ROLLBACK TO) spilled to a temporary file past 64 KiB: about 50
            // pwrite calls per HL7 message, six times the WAL's. It is never read after a
            // crash, so memory is enough; the WAL and its fsync are unchanged.
            session << "PRAGMA temp_store=MEMORY", now;
        } else {
            // Audit and record times are written by the application in UTC; keep the
            // server's own now() in UTC too so nothing mixes zones.
            session << "SET TIME ZONE 'UTC'", now;
            // NOTICEs ("already exists, skipping") are noise on the service's stderr.
            session << "SET client_min_messages = warning", now;
        }
    }

    DatabaseLocation location_;
    DatabaseOptions options_;
    std::chrono::seconds idle_limit_;
    std::function<void(Poco::Data::Session&)> before_close_;
    std::counting_semaphore<> slots_;
    std::mutex mutex_;
    std::vector<Idle> idle_;
    bool shutdown_ = false;
    std::atomic<std::uint64_t> opened_{0};
    std::atomic<std::uint64_t> discarded_{0};
};

// The retry figures (Database::retry_stats) and the random source of the pauses.
class Database::Retries {
public:
    std::atomic<std::uint64_t> serialization{0}, deadlock{0}, lost_connection{0}, gave_up{0};
    std::atomic<std::size_t> in_use{0};
    std::chrono::milliseconds pause(std::chrono::milliseconds base, std::chrono::milliseconds cap, int attempt) {
        const auto ceiling = std::min<std::int64_t>(cap.count(), base.count() << std::min(attempt - 1, 20));
        std::lock_guard lock(mutex_);
        return std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(1, std::max<std::int64_t>(1, ceiling))(random_));
    }

private:
    std::mutex mutex_;
    std::minstd_rand random_{std::random_device{}()};
};

// The queue of write() calls waiting for group commit. No thread of its own: the first
// caller that finds no group running leads one (leader/follower), so an idle database
// costs nothing and a lone writer pays no hand-off.
class Database::WriteGroups {
public:
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<GroupedWrite*> queued;
    std::vector<GroupedWrite*> finished;  // done since the followers last looked
    bool leading = false;
    std::uint64_t calls = 0;
    std::uint64_t groups = 0;
};

// The compiled statements of each SQLite connection, by statement text. A connection is
// used by one thread at a time (borrowed from the pool), so only finding its cache needs
// the lock. A cached statement keeps its connection's memory alive, so a handle address
// in this map cannot be reused by another connection while the entry holds statements.
class Database::StatementCaches {
public:
    struct Compiled {
        sqlite3_stmt* stmt = nullptr;
        std::vector<std::size_t> parameter_of;  // bind slot (from 1) -> index into params ($n - 1)
        std::size_t parameters = 0;             // the highest $n
    };
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct ConnectionStatements {
        std::unordered_map<std::string, Compiled, TextHash, std::equal_to<>> compiled;
        ~ConnectionStatements() {
            for (auto& entry : compiled) sqlite3_finalize(entry.second.stmt);
        }
    };

    ConnectionStatements& of(sqlite3* handle) {
        std::lock_guard lock(mutex);
        auto& slot = by_handle[handle];
        if (!slot) slot = std::make_unique<ConnectionStatements>();
        return *slot;
    }
    void forget(sqlite3* handle) {
        std::lock_guard lock(mutex);
        by_handle.erase(handle);
    }
    std::size_t count() const {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (const auto& entry : by_handle) n += entry.second->compiled.size();
        return n;
    }
    void clear() {
        std::lock_guard lock(mutex);
        by_handle.clear();
    }

private:
    mutable std::mutex mutex;
    std::unordered_map<sqlite3*, std::unique_ptr<ConnectionStatements>> by_handle;
};

namespace {

// Poco's exception for an SQLite result code (its switch knows the primary codes only;
// the connector turns extended codes on).
[[noreturn]] void throw_sqlite(sqlite3* handle, int rc, std::string_view statement) {
    Poco::Data::SQLite::Utility::throwException(handle, rc & 0xff, std::string(statement));
    throw Poco::Data::DataException("SQLite error " + std::to_string(rc));  // not reached
}

// Statement texts are written with $1, $2, ... as for PostgreSQL; SQLite numbers named
// parameters in order of first appearance, so map each bind slot to the $n it names.
std::size_t dollar_number(const char* name, std::string_view statement) {
    std::size_t n = 0;
    if (name && name[0] == '$' && name[1] != '\0') {
        for (const char* c = name + 1; *c; ++c) {
            if (*c < '0' || *c > '9') {
                n = 0;
                break;
            }
            n = n * 10 + static_cast<std::size_t>(*c - '0');
        }
    }
    if (n == 0)
        throw Poco::InvalidArgumentException("SQL parameter " + std::string(name ? name : "?") +
                                             " is not of the form $n in: " + std::string(statement));
    return n;
}

}  // namespace

SqlResult Database::run_cached(Poco::Data::Session& session, std::string_view statement,
                               std::span<const SqlParam> params) {
    sqlite3* handle = Poco::Data::SQLite::Utility::dbHandle(session);
    auto& cache = statements_->of(handle);
    auto found = cache.compiled.find(statement);
    if (found == cache.compiled.end()) {
        StatementCaches::Compiled c;
        const char* tail = nullptr;
        const int rc = sqlite3_prepare_v3(handle, statement.data(), static_cast<int>(statement.size()),
                                          SQLITE_PREPARE_PERSISTENT, &c.stmt, &tail);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(c.stmt);
            throw_sqlite(handle, rc, statement);
        }
        if (!c.stmt || std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
            sqlite3_finalize(c.stmt);
            throw Poco::InvalidArgumentException("sql() runs exactly one statement: " + std::string(statement));
        }
        const int slots = sqlite3_bind_parameter_count(c.stmt);
        try {
            for (int i = 1; i <= slots; ++i) {
                const std::size_t n = dollar_number(sqlite3_bind_parameter_name(c.stmt, i), statement);
                c.parameter_of.push_back(n - 1);
                c.parameters = std::max(c.parameters, n);
            }
        } catch (...) {
            sqlite3_finalize(c.stmt);
            throw;
        }
        found = cache.compiled.emplace(std::string(statement), std::move(c)).first;
    }
    const StatementCaches::Compiled& c = found->second;
    if (params.size() != c.parameters)
        throw Poco::InvalidArgumentException("SQL statement takes " + std::to_string(c.parameters) +
                                             " parameters, given " + std::to_string(params.size()) + ": " +
                                             std::string(statement));
    sqlite3_stmt* stmt = c.stmt;
    // Reset on every way out, so no statement keeps a read snapshot (or the bound texts,
    // which are the caller's) past this call.
    struct Reset {
        sqlite3_stmt* stmt;
        ~Reset() {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
    } reset{stmt};
    for (std::size_t slot = 0; slot < c.parameter_of.size(); ++slot) {
        const SqlParam& p = params[c.parameter_of[slot]];
        const int at = static_cast<int>(slot + 1);
        int rc = SQLITE_OK;
        if (p.is_null()) rc = sqlite3_bind_null(stmt, at);
        else if (p.type() == SqlParam::Type::integer) rc = sqlite3_bind_int64(stmt, at, p.integer());
        else if (p.type() == SqlParam::Type::blob)
            rc = sqlite3_bind_blob(stmt, at, p.text().data(), static_cast<int>(p.text().size()), SQLITE_STATIC);
        else rc = sqlite3_bind_text(stmt, at, p.text().data(), static_cast<int>(p.text().size()), SQLITE_STATIC);
        if (rc != SQLITE_OK) throw_sqlite(handle, rc, statement);
    }
    SqlResult result;
    const int columns = sqlite3_column_count(stmt);
    for (;;) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) throw_sqlite(handle, rc, statement);
        SqlRow row;
        auto& values = row.values();
        values.reserve(static_cast<std::size_t>(columns));
        for (int i = 0; i < columns; ++i) {
            switch (sqlite3_column_type(stmt, i)) {
                case SQLITE_NULL: values.emplace_back(std::monostate{}); break;
                case SQLITE_INTEGER: values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i))); break;
                case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, i)); break;
                default: {
                    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                    values.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
                }
            }
        }
        result.rows.push_back(std::move(row));
    }
    result.changed = sqlite3_stmt_readonly(stmt) ? static_cast<std::int64_t>(result.rows.size())
                                                 : static_cast<std::int64_t>(sqlite3_changes(handle));
    return result;
}

std::size_t Database::cached_statements() const {
    return (statements_ ? statements_->count() : 0) + (prepared_ ? prepared_->count() : 0);
}

void Database::forget_statements(Poco::Data::Session& session) {
    try {
        if (statements_) statements_->forget(Poco::Data::SQLite::Utility::dbHandle(session));
        if (prepared_) forget_prepared(session);
    } catch (...) {
        // No handle (already closed): nothing of it is cached under a live address.
    }
}

Database::WriteStats Database::write_stats() const {
    if (!groups_) return {};
    std::lock_guard lock(groups_->mutex);
    return {groups_->calls, groups_->groups, groups_->queued.size()};
}

namespace {
// The Database whose group this thread is running, to refuse a write() from inside a
// write() (it would wait for its own group and never return).
thread_local const Database* running_group_of = nullptr;

constexpr const char* kSavepoint = "SAVEPOINT lims_write";
constexpr const char* kRelease = "RELEASE lims_write";
constexpr const char* kRollbackTo = "ROLLBACK TO lims_write";
}  // namespace

void Database::write_grouped(GroupedWrite& job) {
    if (running_group_of == this) {
        job.fail(store_error(StoreErrorKind::invalid_argument,
                             "Database::write called inside a write on " + display_name() +
                                 "; compose the work in one transaction instead"));
        return;
    }
    auto& g = *groups_;
    std::unique_lock lock(g.mutex);
    g.queued.push_back(&job);
    bool done = false;
    while (!done) {
        if (!g.leading) {
            // Lead: take everything queued (ours included, unless the group is full) and
            // run it as one transaction; repeat until our own call is done.
            g.leading = true;
            std::vector<GroupedWrite*> group;
            while (!g.queued.empty() && group.size() < std::max<std::size_t>(1, options_.max_group_size)) {
                group.push_back(g.queued.front());
                g.queued.pop_front();
            }
            lock.unlock();
            running_group_of = this;
            run_group(group);
            running_group_of = nullptr;
            lock.lock();
            g.leading = false;
            g.calls += group.size();
            ++g.groups;
            for (auto* w : group) {
                if (w == &job) done = true;
                else g.finished.push_back(w);
            }
            g.changed.notify_all();
            continue;
        }
        g.changed.wait(lock);
        auto it = std::find(g.finished.begin(), g.finished.end(), &job);
        if (it != g.finished.end()) {
            g.finished.erase(it);
            done = true;
        }
    }
}

void Database::run_group(const std::vector<GroupedWrite*>& first) {
    // The group: the calls queued when it began, then (before its COMMIT) the calls queued
    // while it ran, up to max_group_size, so a long queue shares this fsync instead of
    // waiting for the next group's. Each still returns only after this COMMIT (or gets its
    // error). The calls that joined are handed to write_grouped's bookkeeping on the way out.
    std::vector<GroupedWrite*> group = first;
    auto join_queued = [&] {
        std::lock_guard lock(groups_->mutex);
        const std::size_t before = group.size();
        while (!groups_->queued.empty() && group.size() < std::max<std::size_t>(1, options_.max_group_size)) {
            group.push_back(groups_->queued.front());
            groups_->queued.pop_front();
        }
        return group.size() > before;
    };
    struct HandOver {
        Database::WriteGroups& g;
        const std::vector<GroupedWrite*>& group;
        std::size_t first;
        ~HandOver() {
            if (group.size() == first) return;
            std::lock_guard lock(g.mutex);
            g.calls += group.size() - first;
            g.finished.insert(g.finished.end(), group.begin() + static_cast<std::ptrdiff_t>(first), group.end());
        }
    } hand_over{*groups_, group, first.size()};
    std::vector<GroupedWrite*> kept;  // calls whose changes wait for the COMMIT
    auto fail_all = [&](const std::vector<GroupedWrite*>& calls, const StoreError& error) {
        for (auto* w : calls) w->fail(error);
    };
    std::optional<Connection> connection;
    try {
        connection.emplace(connect());
        run_cached(connection->session(), "BEGIN IMMEDIATE", {});
    } catch (const Poco::Exception& e) {
        fail_all(group, translate(e));
        return;
    } catch (const std::exception& e) {
        fail_all(group, translate(e));
        return;
    }
    auto& session = connection->session();
    auto abandon = [&](std::size_t from, const StoreError& error) {
        // The transaction is gone (SQLite rolls back by itself on some errors, e.g. a full
        // disk): nothing of the group was committed, so every call of it gets the error.
        fail_all(kept, error);
        for (std::size_t i = from; i < group.size(); ++i) group[i]->fail(error);
        try {
            run_cached(session, "ROLLBACK", {});
        } catch (...) {
            try {
                forget_statements(session);
                session.close();
            } catch (...) {
            }
        }
    };
    for (std::size_t i = 0; i < group.size() || join_queued(); ++i) {
        GroupedWrite& w = *group[i];
        try {
            run_cached(session, kSavepoint, {});
        } catch (const Poco::Exception& e) {
            abandon(i, translate(e));
            return;
        }
        std::optional<StoreError> thrown;
        bool keep = false;
        try {
            Transaction tx(*this, session, Transaction::InGroup{});
            keep = w.run(tx);
            if (keep) tx.commit();  // appends its audit entries inside its savepoint
        } catch (const Poco::Exception& e) {
            thrown = translate(e);
        } catch (const std::exception& e) {
            thrown = translate(e);
        } catch (...) {
            // Anything else (a thrown int, a foreign exception type) fails this call alone;
            // escaping here would leave the group's leader flag set and hang every writer.
            thrown = store_error(StoreErrorKind::database,
                                 "a write on " + display_name() + " threw something that is not an exception");
        }
        try {
            if (keep && !thrown) {
                run_cached(session, kRelease, {});
                kept.push_back(&w);
                continue;
            }
            run_cached(session, kRollbackTo, {});
            run_cached(session, kRelease, {});
        } catch (const Poco::Exception& e) {
            const StoreError error = translate(e);
            if (thrown) w.fail(*thrown);
            else if (keep) w.fail(error);  // its success would not be committed
            abandon(i + 1, error);
            return;
        }
        if (thrown) w.fail(*thrown);  // else the call's own error result stands
    }
    try {
        run_cached(session, "COMMIT", {});
    } catch (const Poco::Exception& e) {
        abandon(group.size(), translate(e));
    } catch (const std::exception& e) {
        abandon(group.size(), translate(e));
    }
}

Connection::Connection(Database& db, Poco::Data::Session session) : db_(&db), session_(std::move(session)) {}

Connection::Connection(Connection&& other) noexcept : db_(other.db_), session_(std::move(other.session_)) {
    other.db_ = nullptr;
    other.session_.reset();
}

Connection::~Connection() {
    if (!db_) return;
    if (session_) db_->pool_->put(std::move(*session_));  // back to the pool before the slot is freed
    session_.reset();
    db_->release_slot();
}

Database::Database(DatabaseLocation location, DatabaseOptions options)
    : location_(std::move(location)), options_(options) {}

Database::~Database() {
    if (statements_) statements_->clear();  // finalized before their connections close
    if (pool_) pool_->shutdown();
}

void Database::release_slot() {
    --retries_->in_use;
    pool_->slots().release();
}

Connection Database::connect() {
    if (!pool_->slots().try_acquire_for(options_.pool_wait))
        throw Poco::Data::DataException(std::string(kPoolExhausted) + ": all " + std::to_string(options_.max_sessions) +
                                        " sessions (lims.db.pool) stayed in use for " +
                                        std::to_string(options_.pool_wait.count()) + " ms");
    try {
        Connection c(*this, pool_->get());
        ++retries_->in_use;
        return c;
    } catch (...) {
        pool_->slots().release();
        throw;
    }
}

void Database::discard_idle() { pool_->discard_idle(); }

Database::PoolStats Database::pool_stats() const {
    return {retries_->in_use.load(), pool_->idle_count(), pool_->opened(), pool_->discarded()};
}

Database::RetryStats Database::retry_stats() const {
    return {retries_->serialization.load(), retries_->deadlock.load(), retries_->lost_connection.load(),
            retries_->gave_up.load()};
}

bool Database::before_retry(RetryCause cause, int attempt) {
    if (cause == RetryCause::none) return false;
    if (attempt >= std::max(1, options_.max_attempts)) {
        ++retries_->gave_up;
        return false;
    }
    switch (cause) {
        case RetryCause::serialization: ++retries_->serialization; break;
        case RetryCause::deadlock: ++retries_->deadlock; break;
        case RetryCause::lost_connection:
            ++retries_->lost_connection;
            discard_idle();  // ended with the one that broke, most likely
            break;
        case RetryCause::none: break;
    }
    std::this_thread::sleep_for(retries_->pause(options_.retry_base, options_.retry_cap, attempt));
    return true;
}

StoreError Database::gave_up(RetryCause cause, const domain::Error& last) const {
    const std::string runs = std::to_string(std::max(1, options_.max_attempts));
    if (cause == RetryCause::lost_connection)
        return store_error(StoreErrorKind::unavailable,
                           "the connection to " + display_name() + " broke " + runs + " times in a row: " + last.message);
    return store_error(StoreErrorKind::busy, std::string(cause == RetryCause::deadlock ? "deadlock" : "serialization failure") +
                                                 " on " + display_name() + " " + runs +
                                                 " times in a row; nothing was changed, try again: " + last.message);
}

StoreResult<std::shared_ptr<Database>> Database::open(std::string_view url, DatabaseOptions options) {
    auto location = parse_database_url(url);
    if (!location) return location.error();
#ifndef LIMS_WITH_POSTGRESQL
    if (location->dialect == Dialect::postgresql)
        return store_error(StoreErrorKind::invalid_url, "this build has no PostgreSQL backend (LIMS_POSTGRESQL=OFF)");
#endif
    if (options.max_sessions == 0) options.max_sessions = 1;
    if (location->dialect == Dialect::postgresql && !contains(location->connection, "connect_timeout") &&
        !contains(location->connection, "://"))
        location->connection += " connect_timeout=" + std::to_string(options.connect_timeout.count());
    if (location->dialect == Dialect::sqlite) {
        // Poco's SQLite connector retries a failed open until its login timeout (60 s);
        // a missing folder is certain to fail, so say so at once.
        const auto folder = std::filesystem::path(location->connection).parent_path();
        std::error_code ec;
        if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
            return store_error(StoreErrorKind::unavailable, "cannot open SQLite database " + location->display_name +
                                                                ": folder " + folder.string() + " does not exist");
    }
    register_connectors();
    std::shared_ptr<Database> db(new Database(std::move(location).value(), options));
    db->retries_ = std::make_unique<Retries>();
    if (db->dialect() == Dialect::sqlite && options.group_commit) db->groups_ = std::make_unique<WriteGroups>();
    if (db->dialect() == Dialect::sqlite) db->statements_ = std::make_unique<StatementCaches>();
    else db->prepared_ = std::make_unique<PreparedStatements>();
    try {
        Database* raw = db.get();
        db->pool_ = std::make_unique<Pool>(db->location_, options,
                                           [raw](Poco::Data::Session& session) { raw->forget_statements(session); });
        Connection probe = db->connect();
        // Reading the schema makes SQLite read the file header: a file that is not a
        // database fails here, before anything is written to it.
        if (db->dialect() == Dialect::sqlite) {
            int tables = 0;
            probe.session() << "SELECT count(*) FROM sqlite_master", into(tables), now;
        } else {
            int one = 0;
            probe.session() << "SELECT 1", into(one), now;
        }
    } catch (const Poco::Exception& e) {
        return db->translate(e);
    } catch (const std::exception& e) {
        return db->translate(e);
    }
    return db;
}

namespace {

// PostgreSQL's texts for what the SQLSTATE says, for the statements still run through
// Poco::Data (its messages carry the server's text, not the code; lc_messages is English
// unless the server's administrator changed it).
bool any_of(const std::string& text, std::initializer_list<std::string_view> needles) {
    for (auto n : needles)
        if (contains(text, n)) return true;
    return false;
}

RetryCause cause_in_text(const std::string& text) {
    if (any_of(text, {"SQLSTATE 40001", "could not serialize access"})) return RetryCause::serialization;
    if (any_of(text, {"SQLSTATE 40P01", "deadlock detected"})) return RetryCause::deadlock;
    // The session ended under the statement: the server shut down or restarted
    // (57P01-57P03, class 08), or the network dropped the connection.
    if (any_of(text, {"SQLSTATE 57P0", "SQLSTATE 08", "server closed the connection unexpectedly",
                      "terminating connection", "no connection to the server", "connection is closed",
                      "could not receive data from server", "could not send data to server", "SSL SYSCALL error",
                      "lost synchronization with server",
                      // Poco::Data's own statement on a session whose connection libpq has
                      // found dead (NotConnectedException): the statement never left.
                      "Not connected to data source"}))
        return RetryCause::lost_connection;
    return RetryCause::none;
}

}  // namespace

RetryCause retry_cause(const Poco::Exception& e, bool commit_sent) {
    // A session that could not be opened at all (server down, refused) is answered at once.
    if (dynamic_cast<const Poco::Data::ConnectionFailedException*>(&e)) return RetryCause::none;
    const std::string text = e.displayText();
    RetryCause cause = cause_in_text(text);
#ifdef LIMS_WITH_POSTGRESQL
    if (cause == RetryCause::none && dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException*>(&e) &&
        !dynamic_cast<const Poco::Data::PostgreSQL::TransactionException*>(&e) &&
        !any_of(text, {"Connection attempt failed", "could not connect"}))
        cause = RetryCause::lost_connection;
#endif
    if (cause == RetryCause::lost_connection && commit_sent) return RetryCause::none;
    return cause;
}

RetryCause retry_cause(const domain::Error& error) {
    const auto kind = kind_of(error);
    if (kind != StoreErrorKind::busy && kind != StoreErrorKind::unavailable && kind != StoreErrorKind::database)
        return RetryCause::none;
    const RetryCause cause = cause_in_text(error.message);
    // A lost connection reported as a value (a repository that caught it) is retried only
    // when the store said so: translate() words an unknown COMMIT outcome otherwise.
    if (cause == RetryCause::lost_connection && !contains(error.message, "was lost: ")) return RetryCause::none;
    return cause;
}

StoreError Database::translate(const Poco::Exception& e) const {
    const std::string text = e.displayText();
    const std::string where = std::string(to_string(dialect())) + " database " + display_name();
    if (contains(text, "file is not a database") ||
        dynamic_cast<const Poco::Data::SQLite::CorruptImageException*>(&e))
        return store_error(StoreErrorKind::not_a_database, display_name() + " is not an SQLite database (" + text + ")");
    if (dynamic_cast<const Poco::Data::SQLite::CantOpenDBFileException*>(&e) || contains(text, "unable to open"))
        return store_error(StoreErrorKind::unavailable, "cannot open " + where + ": " + text);
#ifdef LIMS_WITH_POSTGRESQL
    if (dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException*>(&e) &&
        !dynamic_cast<const Poco::Data::PostgreSQL::TransactionException*>(&e))
        return store_error(StoreErrorKind::unavailable, "cannot connect to " + where + ": " + text);
#endif
    if (contains(text, "Connection attempt failed") || contains(text, "could not connect") ||
        contains(text, "connection to server"))
        return store_error(StoreErrorKind::unavailable, "cannot connect to " + where + ": " + text);
    if (contains(text, kPoolExhausted))
        return store_error(StoreErrorKind::busy, where + ": " + text);
    if (retry_cause(e, false) == RetryCause::serialization || retry_cause(e, false) == RetryCause::deadlock)
        return store_error(StoreErrorKind::busy, where + ": " + text);
    if (retry_cause(e, true) == RetryCause::none && retry_cause(e, false) == RetryCause::lost_connection)
        return store_error(StoreErrorKind::unavailable, "the connection to " + where + " was lost: " + text);
    if (contains(text, "database is locked") || dynamic_cast<const Poco::Data::SQLite::DBLockedException*>(&e))
        return store_error(StoreErrorKind::busy, where + " stayed locked beyond the busy timeout: " + text);
    if (contains(text, "UNIQUE constraint failed") || contains(text, "duplicate key value"))
        return store_error(StoreErrorKind::conflict, "already exists: " + text);
    if (contains(text, "FOREIGN KEY constraint failed") || contains(text, "violates foreign key constraint") ||
        contains(text, "CHECK constraint failed") || contains(text, "violates check constraint") ||
        contains(text, "NOT NULL constraint failed") || contains(text, "violates not-null constraint"))
        return store_error(StoreErrorKind::invalid_argument, "refused by " + where + ": " + text);
    return store_error(StoreErrorKind::database, where + ": " + text);
}

StoreError Database::translate(const std::exception& e) const {
    return store_error(StoreErrorKind::database,
                       std::string(to_string(dialect())) + " database " + display_name() + ": " + e.what());
}

}  // namespace lims::store
