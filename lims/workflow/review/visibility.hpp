// Whose records of the review chain a caller may touch, checked through the one
// jurisdiction module (lims/workflow/jurisdiction.hpp): tests, reports and samples belong
// to the office that took the sample and to each laboratory it was shipped to (the one
// that receives and tests it); a notice to the organisation it is sent to (an external one
// to the sample's office, whose administrators deliver it); a case lead to the unit it is
// assigned to. A record outside the caller's subtree is answered exactly like a missing
// one (not_found "There is no <record> <key>."), before any If-Match precondition or use
// case, so another jurisdiction's record is never admitted to exist, not even as a 403,
// 409 or 428. The list use cases filter on the same owners over the caller's subtree.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::review {

enum class RecordKind { test, sample, report, notice, case_lead };

// "test", "sample", "report", "notice", "case lead".
const char* record_word(RecordKind kind);

// Does the actor's subtree hold the record (tests and notices by id, samples, reports and
// case leads by number)? false for a missing one or a key that is no id.
domain::Result<bool> holds_record(store::Transaction& tx, const Actor& actor, RecordKind kind, const std::string& key);
// The same for a sample by id (the owners of a test's sample).
domain::Result<bool> holds_sample(store::Transaction& tx, const Actor& actor, std::int64_t sample_id);

// In its own read transaction: nothing when the actor's subtree holds the record,
// not_found ("review.record_not_found") otherwise.
domain::Result<void> check_visible(store::Database& db, const Actor& actor, RecordKind kind, const std::string& key);
// The same inside the caller's transaction (a use case's own check of the record in its path).
domain::Result<void> check_held(store::Transaction& tx, const Actor& actor, RecordKind kind, const std::string& key);

// The id of a sample, report or case lead by its number (review.sample_not_found,
// review.report_not_found, case_lead.not_found: not_found). No jurisdiction check: for a
// caller that made check_visible on the same number first.
domain::Result<std::int64_t> sample_id_by_number(store::Database& db, const std::string& number);
domain::Result<std::int64_t> report_id_by_number(store::Database& db, const std::string& number);
domain::Result<std::int64_t> case_lead_id_by_number(store::Database& db, const std::string& number);
// The same inside the caller's transaction.
domain::Result<std::int64_t> sample_id_by_number(store::Transaction& tx, const std::string& number);
domain::Result<std::int64_t> report_id_by_number(store::Transaction& tx, const std::string& number);
domain::Result<std::int64_t> case_lead_id_by_number(store::Transaction& tx, const std::string& number);

}  // namespace lims::workflow::review
