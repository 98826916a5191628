#include "lims/workflow/ingest/gateway_outbox.hpp"

#include "lims/store/raw_message_repository.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/ingest/observation_json.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/UUIDGenerator.h>

#include <sqlite3.h>

#include <sstream>

namespace lims::workflow::ingest {

namespace {

// How long a writer waits for the file lock (the forwarder and the drivers' workers share
// one connection under a mutex, so this only covers another process opening the file).
constexpr int kBusyTimeoutMs = 5'000;

// state: pending (to send), delivered (the service took it), rejected (the service refused
// the whole batch as malformed), refused (the service refused this message or these
// readings, e.g. an instrument it does not know: kept, shown by `lims gateway status`, sent
// again by `lims gateway replay` once fixed). replays counts those.
constexpr const char* kOutboxTable = R"(CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'readings')),
  dedup_key TEXT UNIQUE,
  body TEXT NOT NULL,
  items INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'rejected', 'refused')),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  done_at TEXT,
  replays INTEGER NOT NULL DEFAULT 0))";

const char* const kSchema[] = {
    "PRAGMA journal_mode=WAL",
    // FULL: every commit is fsync'd before it returns; only then does the device get its ACK.
    "PRAGMA synchronous=FULL",
    "CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    kOutboxTable,
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, kind, id)",
};

// The outbox file's layout version (PRAGMA user_version). 0: the first layout (no
// 'refused' state, no replays column); its rows are copied into the current one.
constexpr int kLayoutVersion = 2;
const char* const kUpgradeFrom1[] = {
    "ALTER TABLE outbox RENAME TO outbox_v1",
    "DROP INDEX IF EXISTS outbox_pending",
    kOutboxTable,
    "INSERT INTO outbox (id, kind, dedup_key, body, items, state, note, created_at, done_at) "
    "SELECT id, kind, dedup_key, body, items, state, note, created_at, done_at FROM outbox_v1",
    "DROP TABLE outbox_v1",
    "CREATE INDEX outbox_pending ON outbox (state, kind, id)",
};

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

// A prepared statement that finalises itself.
struct Statement {
    sqlite3_stmt* stmt = nullptr;
    Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr); }
    ~Statement() { sqlite3_finalize(stmt); }
    explicit operator bool() const { return stmt != nullptr; }
    void text(int index, const std::string& value) {
        sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
};

}  // namespace

std::string message_json(const drivers::InstrumentMessage& m) {
    Poco::JSON::Object o;
    o.set("instrument", m.instrument_code);
    o.set("protocol", m.protocol);
    o.set("raw_base64", base64(m.raw));
    o.set("received_at", store::format_utc(m.received_at));
    Poco::JSON::Array observations;
    for (const auto& observation : m.observations) observations.add(observation_to_object(observation));
    o.set("observations", observations);
    return stringify(o);
}

GatewayOutbox::GatewayOutbox(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

GatewayOutbox::~GatewayOutbox() { sqlite3_close_v2(db_); }

domain::Error GatewayOutbox::error(const std::string& what) const {
    return domain::make_error("gateway.outbox", "outbox " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

domain::Status GatewayOutbox::exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        return domain::make_error("gateway.outbox", "outbox " + path_ + ": " + text);
    }
    return {};
}

domain::Result<std::unique_ptr<GatewayOutbox>> GatewayOutbox::open(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return domain::make_error("gateway.outbox", "cannot open outbox " + path + ": " + why);
    }
    std::unique_ptr<GatewayOutbox> outbox(new GatewayOutbox(db, path));
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    if (auto ok = outbox->upgrade(); !ok) return ok.error();
    {
        Statement read(db, "SELECT value FROM outbox_meta WHERE key = 'gateway_id'");
        if (!read) return outbox->error("reading its id");
        if (sqlite3_step(read.stmt) == SQLITE_ROW)
            outbox->gateway_id_ = reinterpret_cast<const char*>(sqlite3_column_text(read.stmt, 0));
    }
    if (outbox->gateway_id_.empty()) {
        const std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        Statement write(db, "INSERT INTO outbox_meta (key, value) VALUES ('gateway_id', ?1)");
        if (!write) return outbox->error("writing its id");
        write.text(1, id);
        if (sqlite3_step(write.stmt) != SQLITE_DONE) return outbox->error("writing its id");
        outbox->gateway_id_ = id;
    }
    return outbox;
}

domain::Status GatewayOutbox::upgrade() {
    int version = 0;
    bool has_outbox = false;
    {
        Statement read(db_, "PRAGMA user_version");
        if (!read || sqlite3_step(read.stmt) != SQLITE_ROW) return error("reading its layout version");
        version = sqlite3_column_int(read.stmt, 0);
        Statement table(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'");
        if (!table) return error("reading its tables");
        has_outbox = sqlite3_step(table.stmt) == SQLITE_ROW;
    }
    if (version > kLayoutVersion)
        return domain::make_error("gateway.outbox", "outbox " + path_ + " has layout " + std::to_string(version) +
                                                        ", newer than this lims (" + std::to_string(kLayoutVersion) +
                                                        "): run the newer lims");
    for (std::size_t i = 0; i < 2; ++i)  // the two PRAGMAs, outside any transaction
        if (auto ok = exec(kSchema[i]); !ok) return ok;
    if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
    auto fail = [&](domain::Error e) -> domain::Status {
        (void)exec("ROLLBACK");
        return e;
    };
    if (has_outbox && version < kLayoutVersion) {
        for (const char* sql : kUpgradeFrom1)
            if (auto ok = exec(sql); !ok) return fail(ok.error());
    }
    for (std::size_t i = 2; i < std::size(kSchema); ++i)
        if (auto ok = exec(kSchema[i]); !ok) return fail(ok.error());
    if (auto ok = exec("PRAGMA user_version = " + std::to_string(kLayoutVersion)); !ok) return fail(ok.error());
    return exec("COMMIT");
}

domain::Result<bool> GatewayOutbox::enqueue_message(const drivers::InstrumentMessage& m) {
    const std::string body = message_json(m);
    // The service's own duplicate rule: same instrument, same bytes.
    const std::string dedup = "m:" + m.instrument_code + ":" + store::sha256_hex(m.raw);
    std::lock_guard lock(mutex_);
    Statement insert(db_, "INSERT OR IGNORE INTO outbox (kind, dedup_key, body, items, created_at) "
                          "VALUES ('message', ?1, ?2, ?3, ?4)");
    if (!insert) return error("preparing the insert");
    insert.text(1, dedup);
    insert.text(2, body);
    sqlite3_bind_int64(insert.stmt, 3, static_cast<sqlite3_int64>(m.observations.size()));
    insert.text(4, store::utc_now());
    if (sqlite3_step(insert.stmt) != SQLITE_DONE) return error("storing a message from " + m.instrument_code);
    return sqlite3_changes(db_) == 0;
}

domain::Status GatewayOutbox::enqueue_readings(const std::vector<drivers::LoggerReading>& readings) {
    if (readings.empty()) return {};
    Poco::JSON::Array list;
    for (const auto& r : readings) {
        Poco::JSON::Object o;
        o.set("logger", r.logger_code);
        o.set("at_utc", r.at_utc_seconds);
        if (r.centi_celsius) o.set("centi_celsius", *r.centi_celsius);
        else o.set("centi_celsius", Poco::Dynamic::Var());
        list.add(o);
    }
    std::ostringstream body;
    list.stringify(body);
    std::lock_guard lock(mutex_);
    Statement insert(db_, "INSERT INTO outbox (kind, body, items, created_at) VALUES ('readings', ?1, ?2, ?3)");
    if (!insert) return error("preparing the insert");
    insert.text(1, body.str());
    sqlite3_bind_int64(insert.stmt, 2, static_cast<sqlite3_int64>(readings.size()));
    insert.text(3, store::utc_now());
    if (sqlite3_step(insert.stmt) != SQLITE_DONE) return error("storing a readings batch");
    return {};
}

domain::Result<std::vector<OutboxRow>> GatewayOutbox::pending(OutboxKind kind, std::size_t max_rows,
                                                              std::size_t max_items) {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT id, body, items, replays FROM outbox WHERE state = 'pending' AND kind = ?1 "
                          "ORDER BY id LIMIT ?2");
    if (!select) return error("reading pending rows");
    select.text(1, kind == OutboxKind::message ? "message" : "readings");
    sqlite3_bind_int64(select.stmt, 2, static_cast<sqlite3_int64>(max_rows));
    std::vector<OutboxRow> rows;
    std::size_t items = 0;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
        OutboxRow row;
        row.id = sqlite3_column_int64(select.stmt, 0);
        row.kind = kind;
        row.body = reinterpret_cast<const char*>(sqlite3_column_text(select.stmt, 1));
        row.items = static_cast<std::size_t>(sqlite3_column_int64(select.stmt, 2));
        row.replays = sqlite3_column_int64(select.stmt, 3);
        if (!rows.empty() && items + row.items > max_items) break;
        items += row.items;
        rows.push_back(std::move(row));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error("reading pending rows");
    return rows;
}

domain::Status GatewayOutbox::mark(const std::vector<std::int64_t>& ids, const std::string& state,
                                   const std::string& note) {
    std::lock_guard lock(mutex_);
    if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
    Statement update(db_, "UPDATE outbox SET state = ?1, note = ?2, done_at = ?3 WHERE id = ?4 AND state = 'pending'");
    if (!update) {
        (void)exec("ROLLBACK");  // the error that made us roll back is the one to report
        return error("marking rows");
    }
    const std::string at = store::utc_now();
    for (auto id : ids) {
        sqlite3_reset(update.stmt);
        update.text(1, state);
        update.text(2, note);
        update.text(3, at);
        sqlite3_bind_int64(update.stmt, 4, id);
        if (sqlite3_step(update.stmt) != SQLITE_DONE) {
            auto e = error("marking row " + std::to_string(id));
            (void)exec("ROLLBACK");
            return e;
        }
    }
    return exec("COMMIT");
}

domain::Status GatewayOutbox::mark_delivered(const std::vector<std::int64_t>& ids, const std::string& note) {
    return mark(ids, "delivered", note);
}

domain::Status GatewayOutbox::mark_rejected(const std::vector<std::int64_t>& ids, const std::string& reason) {
    return mark(ids, "rejected", reason);
}

domain::Status GatewayOutbox::mark_refused(const std::vector<std::int64_t>& ids, const std::string& reason) {
    return mark(ids, "refused", reason);
}

domain::Result<std::vector<RefusedRow>> GatewayOutbox::refused(std::size_t max_rows) {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT id, kind, items, note, done_at, replays FROM outbox WHERE state = 'refused' "
                          "ORDER BY id LIMIT ?1");
    if (!select) return error("reading refused rows");
    sqlite3_bind_int64(select.stmt, 1, static_cast<sqlite3_int64>(max_rows));
    std::vector<RefusedRow> rows;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
        RefusedRow row;
        row.id = sqlite3_column_int64(select.stmt, 0);
        row.kind = std::string(reinterpret_cast<const char*>(sqlite3_column_text(select.stmt, 1))) == "message"
                       ? OutboxKind::message
                       : OutboxKind::readings;
        row.items = static_cast<std::size_t>(sqlite3_column_int64(select.stmt, 2));
        row.reason = reinterpret_cast<const char*>(sqlite3_column_text(select.stmt, 3));
        if (const auto* at = sqlite3_column_text(select.stmt, 4)) row.refused_at = reinterpret_cast<const char*>(at);
        row.replays = sqlite3_column_int64(select.stmt, 5);
        rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return error("reading refused rows");
    return rows;
}

domain::Result<std::size_t> GatewayOutbox::replay_refused(const std::vector<std::int64_t>& ids) {
    std::lock_guard lock(mutex_);
    // The reason stays in the note, with when it was sent again.
    const std::string at = store::utc_now();
    const std::string set = "UPDATE outbox SET state = 'pending', replays = replays + 1, done_at = NULL, "
                            "note = note || ' (replayed ' || ?1 || ')' WHERE state = 'refused'";
    Statement update(db_, ids.empty() ? set.c_str() : (set + " AND id = ?2").c_str());
    if (!update) return error("replaying refused rows");
    if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok.error();
    std::size_t changed = 0;
    auto step = [&]() -> bool {
        if (sqlite3_step(update.stmt) != SQLITE_DONE) return false;
        changed += static_cast<std::size_t>(sqlite3_changes(db_));
        return true;
    };
    bool ok = true;
    if (ids.empty()) {
        update.text(1, at);
        ok = step();
    } else {
        for (auto id : ids) {
            sqlite3_reset(update.stmt);
            update.text(1, at);
            sqlite3_bind_int64(update.stmt, 2, id);
            if (!(ok = step())) break;
        }
    }
    if (!ok) {
        auto e = error("replaying refused rows");
        (void)exec("ROLLBACK");
        return e;
    }
    if (auto done = exec("COMMIT"); !done) return done.error();
    return changed;
}

domain::Result<OutboxCounts> GatewayOutbox::counts() {
    std::lock_guard lock(mutex_);
    Statement select(db_, "SELECT state, count(*) FROM outbox GROUP BY state");
    if (!select) return error("counting rows");
    OutboxCounts c;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
        const std::string state = reinterpret_cast<const char*>(sqlite3_column_text(select.stmt, 0));
        const auto n = sqlite3_column_int64(select.stmt, 1);
        if (state == "pending") c.pending = n;
        else if (state == "delivered") c.delivered = n;
        else if (state == "refused") c.refused = n;
        else c.rejected = n;
    }
    if (rc != SQLITE_DONE) return error("counting rows");
    return c;
}

drivers::CommitOutcome OutboxSink::commit_message(const drivers::InstrumentMessage& message) {
    auto stored = outbox_.enqueue_message(message);
    if (!stored) return drivers::CommitFailure{"ingest.unavailable", stored.error().message, true};
    if (*stored) return drivers::CommitReceipt{0, message.observations.size(), 0};
    if (committed_) committed_();
    return drivers::CommitReceipt{message.observations.size(), 0, 0};
}

drivers::CommitOutcome OutboxSink::commit_readings(const std::vector<drivers::LoggerReading>& readings) {
    auto stored = outbox_.enqueue_readings(readings);
    if (!stored) return drivers::CommitFailure{"ingest.unavailable", stored.error().message, true};
    if (committed_) committed_();
    return drivers::CommitReceipt{readings.size(), 0, 0};
}

}  // namespace lims::workflow::ingest
