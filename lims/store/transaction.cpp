#include "lims/store/transaction.hpp"

#include "lims/store/audit_seal.hpp"
#include "lims/store/utc_time.hpp"

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {
// BEGIN/COMMIT/ROLLBACK and savepoints: compiled (SQLite) or prepared (PostgreSQL) once
// per connection, like every statement of sql().
void run_plain(Transaction& tx, const char* statement) { sql(tx, statement); }
}  // namespace

Transaction::Transaction(Database& db, TransactionMode mode)
    : db_(db), mode_(mode), connection_(db.connect()), session_(&connection_->session()), now_utc_(utc_now()) {
    // SQLite: IMMEDIATE takes the write lock now, so two writers queue on the busy
    // timeout rather than both reading and then one failing at commit ("database is
    // locked" cannot be retried inside the transaction). The audit chain relies on it.
    const char* begin = "BEGIN";
    if (db.dialect() == Dialect::sqlite && mode == TransactionMode::write) begin = "BEGIN IMMEDIATE";
    if (db.dialect() == Dialect::postgresql && mode == TransactionMode::read)
        begin = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";
    try {
        run_plain(*this, begin);
    } catch (const Poco::Exception& e) {
        // A pooled session the server ended while it was idle (PostgreSQL restarted): the
        // sessions idle beside it were most likely ended too. Drop them all and begin once
        // on a new session; nothing was done on the old one.
        if (db.dialect() != Dialect::postgresql || retry_cause(e, false) != RetryCause::lost_connection) throw;
        db.discard_idle();
        connection_.reset();  // broken: the pool closes it
        connection_.emplace(db.connect());
        session_ = &connection_->session();
        run_plain(*this, begin);
    }
    open_ = true;
}

Transaction::Transaction(Database& db, Poco::Data::Session& group_session, InGroup)
    : db_(db), mode_(TransactionMode::write), session_(&group_session), now_utc_(utc_now()), in_group_(true) {}

Transaction::~Transaction() {
    if (!open_ || in_group_) return;
    try {
        run_plain(*this, "ROLLBACK");
    } catch (...) {
        // The session is broken; closing it discards the transaction on both backends.
        try {
            db_.forget_statements(session());
            session().close();
        } catch (...) {
        }
    }
}

namespace {
thread_local const WriteHook* current_write_hook = nullptr;
}

WriteHook::WriteHook(std::function<void(Transaction&)> work) : work_(std::move(work)), previous_(current_write_hook) {
    current_write_hook = this;
}

WriteHook::~WriteHook() { current_write_hook = previous_; }

const WriteHook* WriteHook::current() { return current_write_hook; }

std::string Transaction::open_savepoint() {
    std::string name = "lims_nested_" + std::to_string(++savepoints_);
    run_plain(*this, ("SAVEPOINT " + name).c_str());
    return name;
}

void Transaction::close_savepoint(const std::string& name, bool keep, std::size_t audit_mark) {
    if (!keep) {
        run_plain(*this, ("ROLLBACK TO SAVEPOINT " + name).c_str());
        if (pending_audit_.size() > audit_mark)
            pending_audit_.erase(pending_audit_.begin() + static_cast<std::ptrdiff_t>(audit_mark), pending_audit_.end());
    }
    run_plain(*this, ("RELEASE SAVEPOINT " + name).c_str());
    --savepoints_;
}

void Transaction::record(AuditRecord record) { pending_audit_.push_back(std::move(record)); }

void Transaction::commit() {
    const bool appended = !pending_audit_.empty();
    if (appended) {
        append_audit_entries(*this, pending_audit_);
        pending_audit_.clear();
    }
    if (in_group_) return;  // the group commits once for all its calls
    commit_sent_ = true;
    run_plain(*this, "COMMIT");
    open_ = false;
    // PostgreSQL: the entries are committed but not yet in the hash chain. The node's
    // sealer is woken; without one (CLI, gateway, tests) they are sealed here, on this
    // session, in a transaction of their own (audit_seal.hpp). That transaction can fail
    // (the database went away): the write stands, its entries wait in the queue for the
    // next seal.
    if (!appended || dialect() != Dialect::postgresql || poke_audit_sealer(db_)) return;
    try {
        run_plain(*this, "BEGIN");
        open_ = true;  // rolled back by the destructor if the seal throws
        {
            Transaction sealing(db_, session(), InGroup{});
            seal_pending_audit(sealing);
        }
        run_plain(*this, "COMMIT");
        open_ = false;
    } catch (...) {
    }
}

}  // namespace lims::store
