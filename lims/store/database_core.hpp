// The Database class itself (see database.hpp, which callers include: it adds the
// Transaction that write()/read() need). transaction.hpp includes this header, so the two
// do not include each other.
//
// The database the service stores everything in: opened from a URL-like string
// ("sqlite:/var/lib/lims/lims.db" or "postgresql:host=... dbname=..."), with a pool of
// sessions. Repositories, the migrator and the audit verifier run their work through
// Database::write / Database::read, which own the transaction and turn database
// exceptions into StoreError values.
#pragma once

#include "lims/store/error.hpp"
#include "lims/store/sql.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lims::store {

enum class Dialect { sqlite, postgresql };

const char* to_string(Dialect dialect);

// Where the database lives, parsed from the URL.
struct DatabaseLocation {
    Dialect dialect;
    std::string connection;    // what the Poco connector gets: a path or a libpq conninfo
    std::string display_name;  // what messages show: the path, or the conninfo without password
};

StoreResult<DatabaseLocation> parse_database_url(std::string_view url);

struct DatabaseOptions {
    // Sessions open at once (lims.db.pool); callers beyond this wait for a free one, at
    // most pool_wait: then the call fails "busy" (the API answers 503 with Retry-After)
    // instead of queueing without end.
    std::size_t max_sessions = 16;
    std::chrono::milliseconds pool_wait{10'000};
    // How long an SQLite writer waits for the write lock before giving up (PRAGMA busy_timeout).
    std::chrono::milliseconds busy_timeout{10'000};
    // libpq connect_timeout when the conninfo does not set one, so an unreachable server
    // gives an error instead of a long hang.
    std::chrono::seconds connect_timeout{5};
    // SQLite: concurrent write() calls share one transaction and so one fsync (group
    // commit), each inside its own savepoint; see Database::write. Off: one transaction
    // (and one fsync) per call.
    bool group_commit = true;
    // At most this many write() calls share one commit.
    std::size_t max_group_size = 64;
    // PostgreSQL: a transaction that fails with a serialization failure (SQLSTATE 40001),
    // a deadlock (40P01) or a connection lost before its COMMIT was sent is rolled back
    // and its whole work run again from the start, at most this many runs in all, after
    // a random pause of up to min(retry_cap, retry_base * 2^(run - 1)) ("full jitter").
    int max_attempts = 5;
    std::chrono::milliseconds retry_base{10};
    std::chrono::milliseconds retry_cap{500};
};

// Why a failed PostgreSQL transaction may be run again from its start: nothing of it was
// committed, and running it again may succeed.
enum class RetryCause {
    none,             // not retryable (or SQLite): the error is the answer
    serialization,    // SQLSTATE 40001
    deadlock,         // SQLSTATE 40P01
    lost_connection,  // the server ended the session before the COMMIT was sent (a restart)
};

// The cause in a database exception: a serialization failure or deadlock by SQLSTATE (or
// PostgreSQL's message), a connection that broke (not one that could not be opened: that
// is answered at once). `commit_sent`: the COMMIT had been sent, so a lost connection
// leaves the outcome unknown and is not retryable.
RetryCause retry_cause(const Poco::Exception& e, bool commit_sent);
// The same for an error a transaction's work returned (a translated exception).
RetryCause retry_cause(const domain::Error& error);

class Database;
class Transaction;

// A session borrowed from the pool for the lifetime of this object.
class Connection {
public:
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&&) = delete;
    Connection(const Connection&) = delete;
    ~Connection();

    Poco::Data::Session& session() { return *session_; }

private:
    friend class Database;
    Connection(Database& db, Poco::Data::Session session);
    Database* db_;
    std::optional<Poco::Data::Session> session_;
};

enum class TransactionMode { read, write };

// Work added to every write transaction the constructing thread starts (Database::write)
// while this object is in scope, run in that transaction after the caller's work
// succeeded and before the commit: a change and its marker commit together or not at
// all. The API's idempotency keys use it to record, inside a handler's own transaction,
// that the handler's work was committed. Throwing from `work` rolls that write back.
// Nested hooks: the innermost applies.
class WriteHook {
public:
    explicit WriteHook(std::function<void(Transaction&)> work);
    ~WriteHook();
    WriteHook(const WriteHook&) = delete;
    WriteHook& operator=(const WriteHook&) = delete;

    static const WriteHook* current();
    void apply(Transaction& tx) const { work_(tx); }

private:
    std::function<void(Transaction&)> work_;
    const WriteHook* previous_;
};

class Database {
public:
    // Opens the pool and probes one session, so that a file that is not a database or a
    // server that cannot be reached is reported here, by name.
    static StoreResult<std::shared_ptr<Database>> open(std::string_view url, DatabaseOptions options = {});

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Dialect dialect() const { return location_.dialect; }
    const std::string& display_name() const { return location_.display_name; }
    const DatabaseOptions& options() const { return options_; }

    // Borrows a session; waits while all max_sessions are in use. Throws Poco exceptions
    // when the database fails (use write/read, which translate them).
    Connection connect();

    // Runs `work(Transaction&)` in one transaction and returns what it returns (a
    // StoreResult). Commits when the result holds a value; rolls back when it holds an
    // error or `work` throws. Audit records the work made are appended to the chain
    // inside the same transaction, just before the commit. SQLite writes start with
    // BEGIN IMMEDIATE so writers queue on the busy timeout instead of failing at commit.
    //
    // Group commit (SQLite, DatabaseOptions::group_commit): SQLite has one writer and
    // every durable commit costs an fsync, so concurrent calls are queued and one of the
    // callers runs a group of them in one transaction, each in its own SAVEPOINT (an
    // error or exception rolls back that call's changes alone), then commits once. Each
    // call returns only after the group's COMMIT, so what it acknowledges is on disk; if
    // that COMMIT fails, every call of the group gets the error. `work` may therefore run
    // on another caller's thread, and it must not call write() itself (refused).
    //
    // Retry (PostgreSQL, DatabaseOptions::max_attempts): when the transaction fails with a
    // serialization failure or deadlock, or its connection is lost before the COMMIT was
    // sent, it is rolled back and `work` runs again from the start on a fresh transaction
    // (never a half-done one). `work` must therefore keep its effects inside `tx` (what it
    // assigns to the caller's variables is assigned again). A lost connection during the
    // COMMIT is not retried: its outcome is unknown, and the call answers "unavailable"
    // (a client repeats with its Idempotency-Key, which committed with the work or not).
    template <typename Work>
    auto write(Work&& work) -> std::invoke_result_t<Work, Transaction&>;

    // The same for reads: one consistent snapshot, nothing written.
    template <typename Work>
    auto read(Work&& work) -> std::invoke_result_t<Work, Transaction&>;

    // Group-commit figures for /metrics and tests: write() calls run so far, the groups
    // (commits) they ran in, and calls waiting now. Zero groups when group commit is off.
    struct WriteStats {
        std::uint64_t calls = 0;
        std::uint64_t groups = 0;
        std::size_t queued = 0;
    };
    WriteStats write_stats() const;

    // Transactions run again (RetryCause) and given up after max_attempts, so far (for
    // /metrics and tests). Always zero on SQLite.
    struct RetryStats {
        std::uint64_t serialization = 0;
        std::uint64_t deadlock = 0;
        std::uint64_t lost_connection = 0;
        std::uint64_t gave_up = 0;
    };
    RetryStats retry_stats() const;
    // Sessions of the pool borrowed now, and opened since the start (a restart of the
    // server shows as new sessions replacing the broken ones).
    struct PoolStats {
        std::size_t in_use = 0;
        std::size_t idle = 0;
        std::uint64_t opened = 0;
        std::uint64_t discarded = 0;  // closed because broken or stale
    };
    PoolStats pool_stats() const;

    // SQLite: runs one statement through the cache of compiled statements of `session`'s
    // connection (see sql.hpp; call sql() instead). Throws like Poco::Data.
    SqlResult run_cached(Poco::Data::Session& session, std::string_view statement,
                         std::span<const SqlParam> params);
    // PostgreSQL: the same through statements prepared once per connection (libpq's
    // PQprepare/PQexecPrepared on the session's own connection, inside its transaction),
    // kept by statement text; beyond kMaxPreparedPerConnection texts a statement runs
    // unnamed. Throws like Poco::Data (a lost connection as its ConnectionException).
    SqlResult run_prepared(Poco::Data::Session& session, std::string_view statement,
                           std::span<const SqlParam> params);
    static constexpr std::size_t kMaxPreparedPerConnection = 2000;
    // Statements compiled (SQLite) or prepared (PostgreSQL) and kept so far, over all
    // connections (for tests and /metrics).
    std::size_t cached_statements() const;

    // Maps a database exception to a StoreError naming this database.
    StoreError translate(const Poco::Exception& e) const;
    StoreError translate(const std::exception& e) const;

private:
    class Pool;
    class WriteGroups;
    class StatementCaches;
    class PreparedStatements;
    friend class Connection;
    friend class Transaction;

    // One write() call queued for group commit: `run` does the work on the group's
    // Transaction and says whether to keep it; `fail` replaces the call's result with an
    // error (the work threw, its audit entries could not be appended, or the commit failed).
    struct GroupedWrite {
        std::function<bool(Transaction&)> run;
        std::function<void(StoreError)> fail;
    };
    void write_grouped(GroupedWrite& job);
    void run_group(const std::vector<GroupedWrite*>& group);
    Database(DatabaseLocation location, DatabaseOptions options);
    void release_slot();
    // Finalizes the cached statements of a connection about to be closed.
    void forget_statements(Poco::Data::Session& session);
    void forget_prepared(Poco::Data::Session& session);  // PostgreSQL's part of it

    template <typename Work>
    auto run(TransactionMode mode, Work&& work) -> std::invoke_result_t<Work, Transaction&>;
    // After a failed run of a transaction: false when `cause` is none or the runs are used
    // up (then counted as given up); else counts it, drops idle sessions a lost
    // connection suggests are dead too, pauses (jitter) and says to run again.
    bool before_retry(RetryCause cause, int attempt);
    // The error a transaction that ran max_attempts times answers with.
    StoreError gave_up(RetryCause cause, const domain::Error& last) const;
    // Closes the idle sessions (after a lost connection: the server restarted).
    void discard_idle();

    DatabaseLocation location_;
    DatabaseOptions options_;
    std::unique_ptr<Pool> pool_;
    std::unique_ptr<WriteGroups> groups_;
    std::unique_ptr<StatementCaches> statements_;
    std::unique_ptr<PreparedStatements> prepared_;  // PostgreSQL
    class Retries;
    std::unique_ptr<Retries> retries_;
};

}  // namespace lims::store

