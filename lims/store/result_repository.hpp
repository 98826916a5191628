// Results and the facts recorded about them: result rows (append-only; a retest or
// correction is a new row naming the one it replaces), review decisions (accept, reject,
// retest) and electronic signatures with their meaning and the signed record's SHA-256.
// Called by the review workflow inside its Transaction.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct ResultRecord {
    std::int64_t id = 0;
    std::int64_t test_id = 0;
    std::optional<std::int64_t> replaces_result_id;
    std::optional<std::string> value_text;   // numeric or censored: "94.95", "<0.01"
    std::optional<std::string> qualitative;  // "符合规定"
    std::string unit;
    std::string flags;
    std::string source;  // manual, instrument
    std::optional<std::int64_t> raw_message_id;
    std::optional<std::string> conformity;  // conforming, nonconforming, warning (set at entry when known)
    std::optional<std::int64_t> entered_by;
    std::string entered_at;
};

struct ReviewRecord {
    std::int64_t id = 0;
    std::int64_t result_id = 0;
    std::int64_t reviewer_user_id = 0;
    std::string decision;  // accept, reject, retest
    std::string reason;
    std::string reviewed_at;
};

struct SignatureRecord {
    std::int64_t id = 0;
    std::string entity_type;  // "result", "report"
    std::string entity_id;
    std::int64_t signer_user_id = 0;
    std::string meaning;  // performed, verified, approved
    std::string method;   // "password"
    std::string address;  // the signer's network address, when known
    std::string content_sha256;
    std::string signed_at;
};

class ResultRepository {
public:
    explicit ResultRepository(Transaction& tx) : tx_(tx) {}

    // Inserts the row as given (id and entered_at are assigned). Audited by the caller.
    StoreResult<ResultRecord> insert(const ResultRecord& result);
    StoreResult<ResultRecord> get(std::int64_t id);
    // The newest row of a test (the one no later row replaces), if any.
    std::optional<ResultRecord> latest_for_test(std::int64_t test_id);
    std::vector<ResultRecord> history(std::int64_t test_id);

    StoreResult<ReviewRecord> add_review(const ReviewRecord& review);
    std::vector<ReviewRecord> reviews_of(std::int64_t result_id);

    StoreResult<SignatureRecord> add_signature(const SignatureRecord& signature);
    std::vector<SignatureRecord> signatures_of(const std::string& entity_type, const std::string& entity_id);

    // Does raw_messages hold this id?
    bool raw_message_exists(std::int64_t id);

private:
    Transaction& tx_;
};

// Canonical text of a result for its signatures' SHA-256 (fixed field order, length-prefixed).
std::string canonical_result_text(const ResultRecord& result);
std::string to_json(const ResultRecord& result);
std::string to_json(const SignatureRecord& signature);

}  // namespace lims::store
