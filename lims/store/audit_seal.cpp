#include "lims/store/audit_seal.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/utc_time.hpp"

#include <algorithm>
#include <unordered_map>

namespace lims::store {

namespace {

// The least time between two passes of a sealer that is woken by commits.
constexpr std::chrono::milliseconds pass_gap{20};

// Seals are inserted this many to a statement.
constexpr std::size_t seal_insert_rows = 50;

// The started sealer of each Database of this process (usually one).
std::mutex registry_mutex;
std::unordered_map<const Database*, AuditSealer*>& registry() {
    static std::unordered_map<const Database*, AuditSealer*> sealers;
    return sealers;
}

struct Sealed {
    AuditEntry entry;         // seq = chain position
    std::int64_t entry_number = 0;
};

}  // namespace

std::int64_t seal_pending_audit(Transaction& tx, std::int64_t limit) {
    // A look without a lock first: an empty queue costs one read, no row lock (and so on
    // PostgreSQL no transaction id and no WAL flush at COMMIT).
    if (sql(tx, "SELECT entry_seq FROM audit_pending LIMIT 1").rows.empty()) return 0;
    const char* head_query = tx.dialect() == Dialect::postgresql
                                 ? "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE"
                                 : "SELECT last_seq, last_hash FROM audit_head WHERE id = 1";
    auto head = sql(tx, head_query);
    if (head.rows.empty() || head.rows.front().is_null(1) || head.rows.front().text(1).empty())
        throw Poco::IllegalStateException("audit_head row is missing; run `lims migrate`");
    const std::int64_t first_seq = head.rows.front().integer(0);
    std::int64_t last_seq = first_seq;
    std::string last_hash = head.rows.front().take_text(1);

    // Read after the head lock: on PostgreSQL (READ COMMITTED) this statement sees what a
    // sealer that held the lock before us has sealed and taken off the queue.
    auto rows = sql(tx,
                    "SELECT a.seq, a.at_utc, a.actor, a.action, a.entity_type, a.entity_id, a.before_json, "
                    "a.after_json, a.reason FROM audit_pending p JOIN audit_log a ON a.seq = p.entry_seq "
                    "ORDER BY p.entry_seq LIMIT $1",
                    {limit});
    if (rows.rows.empty()) return 0;
    std::vector<Sealed> sealed;
    sealed.reserve(rows.rows.size());
    for (auto& row : rows.rows) {
        Sealed s;
        s.entry_number = row.integer(0);
        s.entry.seq = ++last_seq;
        s.entry.at_utc = row.take_text(1);
        s.entry.record = AuditRecord{row.take_text(2), row.take_text(3), row.take_text(4), row.take_text(5),
                                     row.take_text(6), row.take_text(7), row.take_text(8)};
        s.entry.prev_hash = std::move(last_hash);
        s.entry.hash = audit_hash(s.entry);
        last_hash = s.entry.hash;
        sealed.push_back(std::move(s));
    }
    for (std::size_t from = 0; from < sealed.size(); from += seal_insert_rows) {
        const std::size_t n = std::min(seal_insert_rows, sealed.size() - from);
        std::vector<SqlParam> params;
        params.reserve(n * 4);
        for (std::size_t i = from; i < from + n; ++i) {
            params.emplace_back(sealed[i].entry.seq);
            params.emplace_back(sealed[i].entry_number);
            params.emplace_back(sealed[i].entry.prev_hash);
            params.emplace_back(sealed[i].entry.hash);
        }
        sql(tx, "INSERT INTO audit_seals (seq, entry_seq, prev_hash, hash) VALUES " + sql_value_rows(n, 4), params);
    }
    sql(tx, "DELETE FROM audit_pending WHERE entry_seq IN (SELECT entry_seq FROM audit_seals WHERE seq > $1)",
        {first_seq});
    sql(tx, "UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1", {last_seq, last_hash});
    return static_cast<std::int64_t>(sealed.size());
}

StoreResult<std::int64_t> seal_all_pending_audit(Database& db) {
    std::int64_t total = 0;
    for (;;) {
        auto pass = db.write([](Transaction& tx) -> StoreResult<std::int64_t> { return seal_pending_audit(tx); });
        if (!pass) return pass.error();
        total += *pass;
        if (*pass == 0) return total;
    }
}

AuditBacklog audit_backlog(Transaction& tx, std::chrono::seconds overdue_after) {
    const std::string cutoff = format_utc(std::chrono::system_clock::now() - overdue_after);
    auto rows = sql(tx,
                    "SELECT count(*), min(a.seq), min(a.at_utc), count(CASE WHEN a.at_utc < $1 THEN 1 END), "
                    "min(CASE WHEN a.at_utc < $1 THEN a.seq END) FROM audit_log a "
                    "WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_seq = a.seq)",
                    {cutoff});
    AuditBacklog b;
    if (rows.rows.empty()) return b;
    const auto& r = rows.rows.front();
    b.unsealed = r.integer(0);
    b.first_entry = r.optional_integer(1).value_or(0);
    b.oldest_at = r.optional_text(2).value_or("");
    b.overdue = r.integer(3);
    b.first_overdue_entry = r.optional_integer(4).value_or(0);
    return b;
}

StoreResult<AuditBacklog> audit_backlog(Database& db) {
    return db.read([](Transaction& tx) -> StoreResult<AuditBacklog> { return audit_backlog(tx); });
}

bool poke_audit_sealer(const Database& db) {
    std::lock_guard lock(registry_mutex);
    auto it = registry().find(&db);
    if (it == registry().end()) return false;
    it->second->poke();
    return true;
}

AuditSealer::AuditSealer(std::shared_ptr<Database> database, std::shared_ptr<JobLocks> locks,
                         std::chrono::milliseconds tick)
    : database_(std::move(database)), locks_(std::move(locks)), tick_(tick) {}

AuditSealer::~AuditSealer() { stop(); }

void AuditSealer::start() {
    {
        std::lock_guard lock(registry_mutex);
        auto [it, inserted] = registry().emplace(database_.get(), this);
        if (!inserted && it->second != this)
            throw Poco::IllegalStateException("this database already has a started audit sealer");
        registered_ = true;
    }
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void AuditSealer::stop() {
    {
        std::lock_guard lock(registry_mutex);
        if (registered_) {
            auto it = registry().find(database_.get());
            if (it != registry().end() && it->second == this) registry().erase(it);
            registered_ = false;
        }
    }
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (!thread_.joinable()) return;
    thread_.join();
    run_once();  // what the last requests queued
}

void AuditSealer::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    wake_.notify_one();
}

AuditSealer::Pass AuditSealer::run_once() {
    Pass pass;
    auto outcome = locks_->claim(audit_seal_job);
    pass.claim = outcome.claim;
    pass.problem = outcome.problem;
    holding_ = outcome.claim == JobLocks::Claim::held;
    if (!holding_) return pass;
    ++passes_;
    auto sealed = seal_all_pending_audit(*database_);
    if (!sealed) {
        pass.problem = sealed.error().message;
        return pass;
    }
    pass.sealed = *sealed;
    sealed_ += static_cast<std::uint64_t>(*sealed);
    return pass;
}

void AuditSealer::loop() {
    run_once();  // what a crash between commit and seal left queued
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // A node that does not hold the job only looks every tick: its commits are sealed
        // by the holder, and a claim per commit would only ask the database again.
        wake_.wait_for(lock, tick_, [this] { return stopping_ || (poked_ && holding_.load()); });
        if (stopping_) break;
        poked_ = false;
        lock.unlock();
        run_once();
        lock.lock();
        // A pass costs a COMMIT (and a WAL flush): under load, let the next commits gather
        // for a moment rather than seal each on its own (the window grows by this gap).
        wake_.wait_for(lock, pass_gap, [this] { return stopping_; });
    }
}

}  // namespace lims::store
