// One database transaction on a pooled session (RAII: rolled back unless committed).
// Made by Database::write/read; repositories receive it and run their statements on
// session(). Audit records added with record() are chained and inserted at commit, in
// the same transaction, so a change and its audit entry land together or not at all.
#pragma once

#include "lims/store/audit.hpp"
#include "lims/store/database_core.hpp"

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

namespace lims::store {

class Transaction {
public:
    Transaction(Database& db, TransactionMode mode);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    Poco::Data::Session& session() { return *session_; }
    Dialect dialect() const { return db_.dialect(); }
    Database& database() { return db_; }
    TransactionMode mode() const { return mode_; }

    // Queues an audit entry; it gets its sequence number and hash at commit.
    void record(AuditRecord record);

    // Appends the queued audit entries and commits. Throws when the database refuses.
    void commit();

    // True once commit() has sent COMMIT: a connection lost after this leaves the outcome
    // unknown, so the transaction is not run again.
    bool commit_sent() const { return commit_sent_; }

    // The time this transaction stamps on what it records (UTC, fixed at begin).
    const std::string& now_utc() const { return now_utc_; }

    // Runs `work(*this)` inside a savepoint of this transaction. When it returns an error
    // (or throws), only its own changes and the audit entries it queued are undone, and
    // the error is returned: the transaction goes on. Used where a consequence may fail
    // alone without withholding the evidence written before it (a case lead that cannot
    // be opened must not roll back the readings that caused it). Exceptions from the
    // savepoint statements themselves propagate (the transaction is then broken).
    template <typename Work>
    auto nested(Work&& work) -> std::invoke_result_t<Work, Transaction&>;

private:
    friend class Database;
    std::string open_savepoint();
    void close_savepoint(const std::string& name, bool keep, std::size_t audit_mark);
    // One call's share of a group-commit transaction (Database::write): runs on the
    // group's session, which the group begins, commits or rolls back; commit() only
    // appends the queued audit entries.
    struct InGroup {};
    Transaction(Database& db, Poco::Data::Session& group_session, InGroup);

    Database& db_;
    TransactionMode mode_;
    std::optional<Connection> connection_;  // absent in a group: the group owns the session
    Poco::Data::Session* session_ = nullptr;
    std::vector<AuditRecord> pending_audit_;
    std::string now_utc_;
    bool open_ = false;
    bool in_group_ = false;
    bool commit_sent_ = false;
    int savepoints_ = 0;
};

}  // namespace lims::store

// Database::write/read are defined here because they need the complete Transaction.
namespace lims::store {

template <typename Work>
auto Transaction::nested(Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    using Result = std::invoke_result_t<Work, Transaction&>;
    const std::size_t audit_mark = pending_audit_.size();
    const std::string name = open_savepoint();
    std::optional<Result> result;
    try {
        result.emplace(work(*this));
    } catch (const Poco::Exception& e) {
        result.emplace(db_.translate(e));
    } catch (const std::exception& e) {
        result.emplace(db_.translate(e));
    } catch (...) {
        result.emplace(store_error(StoreErrorKind::database, "nested work threw something that is not an exception"));
    }
    close_savepoint(name, result->ok(), audit_mark);
    return std::move(*result);
}

template <typename Work>
auto Database::run(TransactionMode mode, Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    using Result = std::invoke_result_t<Work, Transaction&>;
    const WriteHook* hook = mode == TransactionMode::write ? WriteHook::current() : nullptr;
    for (int attempt = 1;; ++attempt) {
        std::optional<Result> failed;
        RetryCause cause = RetryCause::none;
        {
            std::optional<Transaction> tx;
            try {
                tx.emplace(*this, mode);
                Result result = work(*tx);
                if (result.ok()) {
                    if (hook) hook->apply(*tx);
                    tx->commit();
                    return result;
                }
                cause = retry_cause(result.error());
                if (cause == RetryCause::none) return result;  // the destructor rolls back
                failed.emplace(std::move(result));
            } catch (const Poco::Exception& e) {
                cause = retry_cause(e, tx && tx->commit_sent());
                failed.emplace(translate(e));
            } catch (const std::exception& e) {
                failed.emplace(translate(e));
            } catch (...) {
                return Result(store_error(StoreErrorKind::database,
                                          "a transaction on " + display_name() + " threw something that is not an exception"));
            }
        }  // rolled back here, before any pause: no locks held while waiting
        if (cause == RetryCause::none || dialect() != Dialect::postgresql) return std::move(*failed);
        if (!before_retry(cause, attempt)) return Result(gave_up(cause, failed->error()));
    }
}

template <typename Work>
auto Database::write(Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    if (!groups_) return run(TransactionMode::write, std::forward<Work>(work));
    using Result = std::invoke_result_t<Work, Transaction&>;
    std::optional<Result> result;
    const WriteHook* hook = WriteHook::current();  // the caller's: `run` may run on another thread
    GroupedWrite job{[&](Transaction& tx) {
                         result.emplace(work(tx));
                         if (result->ok() && hook) hook->apply(tx);
                         return result->ok();
                     },
                     [&](StoreError error) { result.emplace(std::move(error)); }};
    write_grouped(job);
    return std::move(*result);
}

template <typename Work>
auto Database::read(Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    return run(TransactionMode::read, std::forward<Work>(work));
}

}  // namespace lims::store
