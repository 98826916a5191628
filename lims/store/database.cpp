#include "lims/store/database.hpp"

#include "lims/store/transaction.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SessionPool.h>
#ifdef LIMS_WITH_POSTGRESQL
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#endif

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <regex>
#include <semaphore>

using namespace Poco::Data::Keywords;

namespace lims::store {

const char* to_string(StoreErrorKind kind) {
    switch (kind) {
        case StoreErrorKind::invalid_url: return "invalid database URL";
        case StoreErrorKind::unavailable: return "database unavailable";
        case StoreErrorKind::not_a_database: return "not a database";
        case StoreErrorKind::migration_failed: return "migration failed";
        case StoreErrorKind::schema_outdated: return "schema outdated";
        case StoreErrorKind::conflict: return "conflict";
        case StoreErrorKind::not_found: return "not found";
        case StoreErrorKind::invalid_argument: return "invalid argument";
        case StoreErrorKind::busy: return "database busy";
        case StoreErrorKind::database: return "database error";
    }
    return "database error";
}

std::string error_code(StoreErrorKind kind) {
    switch (kind) {
        case StoreErrorKind::invalid_url: return "store.invalid_url";
        case StoreErrorKind::unavailable: return "store.unavailable";
        case StoreErrorKind::not_a_database: return "store.not_a_database";
        case StoreErrorKind::migration_failed: return "store.migration_failed";
        case StoreErrorKind::schema_outdated: return "store.schema_outdated";
        case StoreErrorKind::conflict: return "store.conflict";
        case StoreErrorKind::not_found: return "store.not_found";
        case StoreErrorKind::invalid_argument: return "store.invalid_argument";
        case StoreErrorKind::busy: return "store.busy";
        case StoreErrorKind::database: return "store.database";
    }
    return "store.database";
}

StoreErrorKind kind_of(const StoreError& error) {
    for (auto kind : {StoreErrorKind::invalid_url, StoreErrorKind::unavailable, StoreErrorKind::not_a_database,
                      StoreErrorKind::migration_failed, StoreErrorKind::schema_outdated, StoreErrorKind::conflict,
                      StoreErrorKind::not_found, StoreErrorKind::invalid_argument, StoreErrorKind::busy})
        if (error.code == error_code(kind)) return kind;
    return StoreErrorKind::database;
}

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

void register_connectors() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Data::SQLite::Connector::registerConnector();
#ifdef LIMS_WITH_POSTGRESQL
        Poco::Data::PostgreSQL::Connector::registerConnector();
#endif
    });
}

const char* connector_name(Dialect d) { return d == Dialect::sqlite ? "SQLite" : "PostgreSQL"; }

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

// The Poco pool, with every new session set up before first use: the SQLite pragmas
// are per connection, so they must run on each one the pool creates, not once.
class Database::Pool : public Poco::Data::SessionPool {
public:
    Pool(const DatabaseLocation& location, const DatabaseOptions& options)
        : Poco::Data::SessionPool(connector_name(location.dialect), location.connection, 1,
                                  static_cast<int>(options.max_sessions), 600),
          dialect_(location.dialect),
          options_(options),
          slots_(static_cast<std::ptrdiff_t>(options.max_sessions)) {}

    std::counting_semaphore<>& slots() { return slots_; }

protected:
    void customizeSession(Poco::Data::Session& session) override {
        if (dialect_ == Dialect::sqlite) {
            // WAL: readers do not block the writer. synchronous=FULL: a committed (and so
            // acknowledged) transaction survives a power cut (ARCHITECTURE "nothing
            // acknowledged is ever lost"); throughput comes from batching, not from this.
            std::string mode;
            session << "PRAGMA journal_mode=WAL", into(mode), now;
            session << "PRAGMA synchronous=FULL", now;
            session << "PRAGMA foreign_keys=ON", now;
            session << "PRAGMA busy_timeout=" + std::to_string(options_.busy_timeout.count()), now;
        } else {
            // Audit and record times are written by the application in UTC; keep the
            // server's own now() in UTC too so nothing mixes zones.
            session << "SET TIME ZONE 'UTC'", now;
            // NOTICEs ("already exists, skipping") are noise on the service's stderr.
            session << "SET client_min_messages = warning", now;
        }
    }

private:
    Dialect dialect_;
    DatabaseOptions options_;
    std::counting_semaphore<> slots_;
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

Database::WriteStats Database::write_stats() const {
    if (!groups_) return {};
    std::lock_guard lock(groups_->mutex);
    return {groups_->calls, groups_->groups, groups_->queued.size()};
}

namespace {
// The Database whose group this thread is running, to refuse a write() from inside a
// write() (it would wait for its own group and never return).
thread_local const Database* running_group_of = nullptr;

constexpr const char* kSavepoint = "lims_write";
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

void Database::run_group(const std::vector<GroupedWrite*>& group) {
    std::vector<GroupedWrite*> kept;  // calls whose changes wait for the COMMIT
    auto fail_all = [&](const std::vector<GroupedWrite*>& calls, const StoreError& error) {
        for (auto* w : calls) w->fail(error);
    };
    std::optional<Connection> connection;
    try {
        connection.emplace(connect());
        connection->session() << "BEGIN IMMEDIATE", now;
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
            session << "ROLLBACK", now;
        } catch (...) {
            try {
                session.close();
            } catch (...) {
            }
        }
    };
    for (std::size_t i = 0; i < group.size(); ++i) {
        GroupedWrite& w = *group[i];
        try {
            session << std::string("SAVEPOINT ") + kSavepoint, now;
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
        }
        try {
            if (keep && !thrown) {
                session << std::string("RELEASE ") + kSavepoint, now;
                kept.push_back(&w);
                continue;
            }
            session << std::string("ROLLBACK TO ") + kSavepoint, now;
            session << std::string("RELEASE ") + kSavepoint, now;
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
        session << "COMMIT", now;
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
    session_.reset();  // back to the pool before the slot is freed
    db_->release_slot();
}

Database::Database(DatabaseLocation location, DatabaseOptions options)
    : location_(std::move(location)), options_(options) {}

Database::~Database() {
    if (pool_) pool_->shutdown();
}

void Database::release_slot() { pool_->slots().release(); }

Connection Database::connect() {
    pool_->slots().acquire();
    try {
        return Connection(*this, pool_->get());
    } catch (...) {
        pool_->slots().release();
        throw;
    }
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
    if (db->dialect() == Dialect::sqlite && options.group_commit) db->groups_ = std::make_unique<WriteGroups>();
    try {
        db->pool_ = std::make_unique<Pool>(db->location_, options);
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
