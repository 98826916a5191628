// The results of tests as the analyst's worklist shows them: each test's newest result
// (value, unit, manual or from which raw instrument message), the specification line's
// requirement as written, the value rounded to the line's digits and the item verdict
// (符合规定 / 不符合规定), judged by the same rules as entry and the report. Read-only: the
// GET /api/v1/worklists/results route (lims/api/routes/result_routes.cpp) calls it.
#pragma once

#include "lims/domain/judgement/judgement.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/result_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::review {

// The most tests one call looks at: a page of the worklist.
inline constexpr std::size_t kMaxResultViews = 200;

struct ResultView {
    store::TestRecord test;
    std::string sample_number;
    std::optional<store::ResultRecord> result;  // none before the first entry
    // From the test's specification line; empty when it has none.
    std::string item;         // 含量测定
    std::string requirement;  // "95.0–105.0" as the limit describes itself
    std::string line_unit;    // %
    std::optional<int> decimal_places;
    std::string standard;     // ChP 2025 二部
    // The result judged against the line; none without a result or a line.
    std::optional<domain::ItemJudgement> judgement;
    // Why the result could not be judged (a text outcome against a numeric limit, a
    // malformed line), for the person to see; empty otherwise.
    std::string judgement_problem;
};

// The tests among `test_ids` whose sample lies in `caller_org_path`'s subtree (its office,
// or a laboratory a shipment of it went to), in the order asked; the others are left out as
// if they did not exist. Errors: review.too_many_tests (more than kMaxResultViews), store
// errors.
domain::Result<std::vector<ResultView>> view_results(store::Database& db, const Actor& actor,
                                                     const std::vector<std::int64_t>& test_ids);

}  // namespace lims::workflow::review
