// Tests: one per specification line of a sample (and round), carrying the state of its
// current result in the domain's test_result machine. Created by the review workflow's
// create_tests, moved by record_result and the review use cases, listed as worklists.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct TestRecord {
    std::int64_t id = 0;
    std::int64_t sample_id = 0;
    std::optional<std::int64_t> spec_line_id;
    // The version of the line the test is judged against (migration 4): set when the test
    // is created, never changed by a later edit of the catalogue.
    std::optional<std::int64_t> spec_line_version;
    std::string test_code;
    std::string test_name;  // from that version of the specification line ("" without one)
    std::string state;
    int round = 1;
    std::optional<std::int64_t> assigned_to;
    std::optional<std::int64_t> instrument_id;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
};

struct NewTest {
    std::int64_t sample_id = 0;
    std::optional<std::int64_t> spec_line_id;
    std::optional<std::int64_t> spec_line_version;  // empty: the line's current version
    std::string test_code;
    std::string state = "pending";
    int round = 1;
    std::optional<std::int64_t> assigned_to;
    std::optional<std::int64_t> instrument_id;
};

struct WorklistQuery {
    std::optional<std::int64_t> instrument_id;
    std::optional<std::int64_t> assigned_to;
    std::optional<std::string> test_code;
    // Jurisdiction: only tests whose sample was taken by an organisation of this subtree or
    // shipped to a laboratory of it (an organisation path, "/1/4/"; the same owners as the
    // single-test routes check).
    std::optional<std::string> within_org_path;
    std::vector<std::string> states;  // empty: every state that still needs work
    std::int64_t after_id = 0;        // keyset cursor
    int limit = 50;                   // clamped to 1..max_page_size
};

struct TestPage {
    std::vector<TestRecord> items;
    std::optional<std::int64_t> next_after_id;
};

class TestRepository {
public:
    static constexpr int max_page_size = 500;

    explicit TestRepository(Transaction& tx) : tx_(tx) {}

    // Audited as "test.create". Errors: invalid_argument (empty code, unknown sample).
    StoreResult<TestRecord> create(const NewTest& test, const std::string& actor);

    // Errors: not_found.
    StoreResult<TestRecord> get(std::int64_t id);

    std::vector<TestRecord> for_sample(std::int64_t sample_id, std::optional<int> round = std::nullopt);
    // A sample's tests with one code, newest first (a retest's row is newer than the one it
    // repeats). Instrument ingest asks this for every observation.
    std::vector<TestRecord> for_sample_and_code(std::int64_t sample_id, const std::string& test_code);

    // Optimistic: conflict when the version is no longer `expected_version`. Audited with
    // `action`, before and after state, and `reason`.
    StoreResult<TestRecord> set_state(std::int64_t id, std::int64_t expected_version, const std::string& state,
                                      const std::string& action, const std::string& reason, const std::string& actor);
    // The same for a test the caller has just read in this transaction (no second read);
    // conflict when the row is no longer at `current.version`.
    StoreResult<TestRecord> set_state(const TestRecord& current, const std::string& state, const std::string& action,
                                      const std::string& reason, const std::string& actor);

    // Assigns an analyst and/or instrument (a new version, audited as "test.assign").
    StoreResult<TestRecord> assign(std::int64_t id, std::int64_t expected_version,
                                   std::optional<std::int64_t> assigned_to, std::optional<std::int64_t> instrument_id,
                                   const std::string& actor);

    StoreResult<TestPage> worklist(const WorklistQuery& query);

private:
    Transaction& tx_;
};

std::string to_json(const TestRecord& test);

}  // namespace lims::store
