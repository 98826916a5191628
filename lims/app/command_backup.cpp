// `lims backup --to FILE` and `lims restore --from FILE` for an SQLite database: the copy
// is taken with SQLite's online backup API in one read transaction, so it is consistent
// while `lims serve` keeps writing (WAL: readers never block the writer), and it is
// verified before the command says it is done (PRAGMA integrity_check, then the audit
// chain walked on the copy). PostgreSQL has pg_dump/pg_restore for this (README).
//
// restore refuses a database in use: it takes SQLite's exclusive lock in exclusive locking
// mode, which every other open connection (an idle `lims serve` included: in WAL mode each
// connection holds a shared lock for as long as it is open) prevents. The database it
// replaces is first copied beside it (<db>.before-restore-<UTC time>): nothing is lost.
#include "lims/app/command.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/migrations.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

namespace lims::app {

namespace {

namespace fs = std::filesystem;

// How long restore waits for the lock before saying the database is in use: long enough
// to ride out a checkpoint of a process that is just closing, short enough to answer.
constexpr int kRestoreLockWaitMs = 2000;
// How long a backup's read waits on a busy database (a checkpoint in progress).
constexpr int kBackupBusyWaitMs = 10'000;

struct SqliteCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

// Opens `path`; on failure says why on `err` and returns null.
SqliteHandle open_file(const std::string& path, int flags, std::ostream& err, const std::string& what) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteHandle db(raw);
    if (rc != SQLITE_OK) {
        err << "lims: cannot open " << what << " " << path << ": " << (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))
            << "\n";
        return nullptr;
    }
    return db;
}

bool exec(sqlite3* db, const char* sql, std::ostream& err, const std::string& what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    err << "lims: " << what << ": " << (message ? message : sqlite3_errmsg(db)) << "\n";
    sqlite3_free(message);
    return false;
}

// Copies every page of `from` into `to` in one step (one read transaction on `from`, so
// the copy is the database as one commit left it).
bool copy_pages(sqlite3* from, sqlite3* to, std::ostream& err, const std::string& what) {
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup) {
        err << "lims: " << what << ": " << sqlite3_errmsg(to) << "\n";
        return false;
    }
    int rc = SQLITE_OK;
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        err << "lims: " << what << ": " << sqlite3_errstr(rc) << "\n";
        return false;
    }
    return true;
}

// PRAGMA integrity_check of `path`: "ok" or the first problem it names.
std::string integrity_of(const std::string& path, std::ostream& err) {
    auto db = open_file(path, SQLITE_OPEN_READONLY, err, "the copy");
    if (!db) return "cannot be opened";
    sqlite3_stmt* stmt = nullptr;
    std::string answer = "no answer";
    if (sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check(1)", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        answer = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    else
        answer = sqlite3_errmsg(db.get());
    sqlite3_finalize(stmt);
    return answer;
}

// Verifies the SQLite file `path` as a LIMS database: integrity, schema, audit chain.
// Prints what it found on `out`; false with the reason on `err`.
bool verify_copy(const std::string& path, std::ostream& out, std::ostream& err) {
    if (auto integrity = integrity_of(path, err); integrity != "ok") {
        err << "lims: " << path << " fails PRAGMA integrity_check: " << integrity << "\n";
        return false;
    }
    auto db = store::Database::open("sqlite:" + path, store::DatabaseOptions{.max_sessions = 1});
    if (!db) {
        err << "lims: " << path << ": " << db.error().message << "\n";
        return false;
    }
    auto version = store::schema_version(**db);
    if (!version) {
        err << "lims: " << path << ": " << version.error().message << "\n";
        return false;
    }
    if (*version == 0) {
        err << "lims: " << path << " has no LIMS schema (not a database `lims migrate` made)\n";
        return false;
    }
    auto chain = store::verify_audit_chain(**db);
    if (!chain) {
        err << "lims: " << path << ": " << chain.error().message << "\n";
        return false;
    }
    if (!chain->intact) {
        err << "lims: " << path << ": audit chain BROKEN";
        if (chain->first_bad_seq) err << " at entry " << *chain->first_bad_seq;
        err << ": " << chain->problem << "\n";
        return false;
    }
    out << "  schema version " << *version << ", integrity ok, audit chain intact: " << chain->entries_checked
        << " entries, head seq " << chain->head_seq << ", head hash " << chain->head_hash << "\n";
    return true;
}

// The configured database's SQLite path, or why not on `err` (with *code set).
std::optional<std::string> sqlite_path(const CommandContext& context, const char* command, int* code) {
    const std::string url = context.config.getString("lims.database", "");
    if (url.empty()) {
        context.err << "lims: no database configured: set LIMS_DATABASE, lims.database in the --config file, or "
                       "--database=URL (e.g. sqlite:/var/lib/lims/lims.db)\n";
        *code = exit_usage;
        return std::nullopt;
    }
    auto location = store::parse_database_url(url);
    if (!location) {
        context.err << "lims: " << location.error().message << "\n";
        *code = exit_usage;
        return std::nullopt;
    }
    if (location->dialect != store::Dialect::sqlite) {
        context.err << "lims: " << command << " copies SQLite databases; for PostgreSQL use pg_dump -Fc and "
                    << "pg_restore (README, \"Backup and restore\")\n";
        *code = exit_usage;
        return std::nullopt;
    }
    return location->connection;
}

std::string utc_stamp() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

void remove_quietly(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ignored);
}

// Copies the database at `from` (opened read-only) to the new file `to` through a
// temporary beside it, renamed into place only once complete and verified.
bool backup_file(const std::string& from, const std::string& to, std::ostream& out, std::ostream& err) {
    auto source = open_file(from, SQLITE_OPEN_READONLY, err, "database");
    if (!source) return false;
    sqlite3_busy_timeout(source.get(), kBackupBusyWaitMs);
    const std::string partial = to + ".partial";
    remove_quietly(partial);
    {
        auto target = open_file(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, "backup file");
        if (!target) return false;
        if (!copy_pages(source.get(), target.get(), err, "backup of " + from)) {
            target.reset();
            remove_quietly(partial);
            return false;
        }
    }
    if (!verify_copy(partial, out, err)) {
        err << "lims: the copy was not kept (left at " << partial << " for inspection)\n";
        return false;
    }
    {
        // A self-contained file: its WAL (opening it for the check turned WAL on) folded
        // in and the file left in rollback mode, so it is one file to keep, move or checksum.
        auto copy = open_file(partial, SQLITE_OPEN_READWRITE, err, "backup file");
        if (!copy || !exec(copy.get(), "PRAGMA journal_mode=DELETE", err, "backup file " + partial)) return false;
    }
    std::error_code ec;
    fs::rename(partial, to, ec);
    if (ec) {
        err << "lims: cannot move " << partial << " to " << to << ": " << ec.message() << "\n";
        return false;
    }
    return true;
}

}  // namespace

int run_backup(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: backup takes no positional arguments (got \"" << context.positional().front()
                    << "\"); use --to FILE\n";
        return exit_usage;
    }
    const auto to = context.option("to");
    if (!to || to->empty()) {
        context.err << "lims: backup needs --to FILE (a new file; an existing one is never overwritten)\n";
        return exit_usage;
    }
    int code = exit_ok;
    const auto from = sqlite_path(context, "backup", &code);
    if (!from) return code;
    if (!fs::exists(*from)) {
        context.err << "lims: database " << *from << " does not exist\n";
        return exit_database;
    }
    std::error_code ec;
    if (fs::exists(*to, ec)) {
        context.err << "lims: " << *to << " exists; backup writes a new file and never overwrites one\n";
        return exit_usage;
    }
    if (fs::equivalent(*from, *to, ec)) {
        context.err << "lims: --to names the database itself\n";
        return exit_usage;
    }
    context.out << "backing up " << *from << " to " << *to << "\n";
    if (!backup_file(*from, *to, context.out, context.err)) return exit_database;
    context.out << "backup written and verified: " << *to << " (" << fs::file_size(*to, ec) << " bytes)\n";
    return exit_ok;
}

int run_restore(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: restore takes no positional arguments (got \"" << context.positional().front()
                    << "\"); use --from FILE\n";
        return exit_usage;
    }
    const auto from = context.option("from");
    if (!from || from->empty()) {
        context.err << "lims: restore needs --from FILE (a file `lims backup` wrote)\n";
        return exit_usage;
    }
    int code = exit_ok;
    const auto to = sqlite_path(context, "restore", &code);
    if (!to) return code;
    std::error_code ec;
    if (!fs::is_regular_file(*from, ec)) {
        context.err << "lims: " << *from << " is not a file\n";
        return exit_usage;
    }
    if (fs::exists(*to, ec) && fs::equivalent(*from, *to, ec)) {
        context.err << "lims: --from names the database itself\n";
        return exit_usage;
    }
    // The backup file is checked through a copy beside the database (checking opens it
    // read-write), so the operator's file stays exactly as `lims backup` wrote it.
    const std::string staged = *to + ".restoring";
    remove_quietly(staged);
    context.out << "checking " << *from << "\n";
    {
        auto source = open_file(*from, SQLITE_OPEN_READONLY, context.err, "backup file");
        auto copy = source ? open_file(staged, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, context.err, "staging copy")
                           : nullptr;
        if (!copy || !copy_pages(source.get(), copy.get(), context.err, "copy of " + *from)) {
            copy.reset();
            remove_quietly(staged);
            context.err << "lims: nothing restored\n";
            return exit_database;
        }
    }
    if (!verify_copy(staged, context.out, context.err)) {
        remove_quietly(staged);
        context.err << "lims: nothing restored\n";
        return exit_database;
    }

    auto target = open_file(*to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, context.err, "database");
    if (!target) return exit_database;
    sqlite3_busy_timeout(target.get(), kRestoreLockWaitMs);
    // Exclusive locking mode keeps the lock after the transaction until this connection
    // closes, so no process can open the database between the check and the copy.
    if (!exec(target.get(), "PRAGMA locking_mode=EXCLUSIVE", context.err, "database " + *to)) return exit_database;
    char* message = nullptr;
    if (sqlite3_exec(target.get(), "BEGIN EXCLUSIVE; COMMIT", nullptr, nullptr, &message) != SQLITE_OK) {
        const int rc = sqlite3_errcode(target.get());
        context.err << "lims: database " << *to << " is in use ("
                    << (message ? message : sqlite3_errstr(rc))
                    << "): stop `lims serve` and every other process that has it open, then run restore again\n";
        sqlite3_free(message);
        remove_quietly(staged);
        return exit_database;
    }
    // The database being replaced is kept beside it, unless it is empty (a new file).
    bool had_data = false;
    {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(target.get(), "SELECT count(*) FROM sqlite_master", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            had_data = sqlite3_column_int64(stmt, 0) > 0;
        sqlite3_finalize(stmt);
    }
    if (had_data) {
        const std::string kept = *to + ".before-restore-" + utc_stamp();
        auto copy = open_file(kept, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, context.err, "copy of the database");
        if (!copy || !copy_pages(target.get(), copy.get(), context.err, "copy of " + *to + " before restore") ||
            !exec(copy.get(), "PRAGMA journal_mode=DELETE", context.err, "copy " + kept)) {
            remove_quietly(staged);
            context.err << "lims: nothing restored\n";
            return exit_database;
        }
        context.out << "the database it replaces is kept at " << kept << "\n";
    }
    {
        auto source = open_file(staged, SQLITE_OPEN_READWRITE, context.err, "staging copy");
        if (!source || !copy_pages(source.get(), target.get(), context.err, "restore from " + *from))
            return exit_database;
    }
    remove_quietly(staged);
    if (!exec(target.get(), "PRAGMA journal_mode=WAL", context.err, "database " + *to)) return exit_database;
    target.reset();  // releases the exclusive lock
    // Exclusive locking mode leaves the rollback journal of the copy in place, empty.
    if (std::error_code ec; fs::exists(*to + "-journal", ec) && fs::file_size(*to + "-journal", ec) == 0)
        fs::remove(*to + "-journal", ec);
    context.out << "restored " << *to << " from " << *from << "; verifying\n";
    if (!verify_copy(*to, context.out, context.err)) return exit_database;
    context.out << "restore done: start the service again\n";
    return exit_ok;
}

}  // namespace lims::app
