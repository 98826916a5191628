// One database transaction on a pooled session (RAII: rolled back unless committed).
// Made by Database::write/read; repositories receive it and run their statements on
// session(). Audit records added with record() are chained and inserted at commit, in
// the same transaction, so a change and its audit entry land together or not at all.
#pragma once

#include "lims/store/audit.hpp"
#include "lims/store/database.hpp"

#include <Poco/Data/Session.h>

#include <string>
#include <vector>

namespace lims::store {

class Transaction {
public:
    Transaction(Database& db, TransactionMode mode);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    Poco::Data::Session& session() { return connection_.session(); }
    Dialect dialect() const { return db_.dialect(); }
    TransactionMode mode() const { return mode_; }

    // Queues an audit entry; it gets its sequence number and hash at commit.
    void record(AuditRecord record);

    // Appends the queued audit entries and commits. Throws when the database refuses.
    void commit();

    // The time this transaction stamps on what it records (UTC, fixed at begin).
    const std::string& now_utc() const { return now_utc_; }

private:
    Database& db_;
    TransactionMode mode_;
    Connection connection_;
    std::vector<AuditRecord> pending_audit_;
    std::string now_utc_;
    bool open_ = false;
};

}  // namespace lims::store

// Database::write/read are defined here because they need the complete Transaction.
namespace lims::store {

template <typename Work>
auto Database::run(TransactionMode mode, Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    using Result = std::invoke_result_t<Work, Transaction&>;
    try {
        Transaction tx(*this, mode);
        Result result = work(tx);
        if (!result.ok()) return result;  // the destructor rolls back
        tx.commit();
        return result;
    } catch (const Poco::Exception& e) {
        return Result(translate(e));
    } catch (const std::exception& e) {
        return Result(translate(e));
    }
}

template <typename Work>
auto Database::write(Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    return run(TransactionMode::write, std::forward<Work>(work));
}

template <typename Work>
auto Database::read(Work&& work) -> std::invoke_result_t<Work, Transaction&> {
    return run(TransactionMode::read, std::forward<Work>(work));
}

}  // namespace lims::store
