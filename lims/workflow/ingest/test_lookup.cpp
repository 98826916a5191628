#include "lims/workflow/ingest/test_lookup.hpp"

#include "lims/store/sql.hpp"

namespace lims::workflow::ingest {

bool takes_a_result(std::string_view state) {
    return state == "pending" || state == "rejected" || state == "retest_ordered" || state == "retracted";
}

std::int64_t test_portion_count(store::Transaction& tx, std::int64_t sample_id) {
    return store::sql(tx, "SELECT count(*) FROM sample_portions WHERE sample_id = $1 AND kind = 'test'", {sample_id})
        .rows.at(0)
        .integer(0);
}

domain::Result<std::int64_t> find_sample_id(store::Transaction& tx, const std::string& sample_number) {
    // Cached statements (store::sql): every observation of every message asks this.
    auto found = store::sql(tx, "SELECT id FROM samples WHERE number = $1", {sample_number});
    if (found.rows.empty())
        return domain::make_error("ingest.unknown_specimen", "no sample " + sample_number + " is registered");
    return found.rows.front().integer(0);
}

domain::Result<TestChoice> find_test(store::Transaction& tx, std::int64_t sample_id, const std::string& sample_number,
                                     const std::string& test_code) {
    // Newest first: a retest's test row is newer than the one it repeats.
    auto found = store::TestRepository(tx).for_sample_and_code(sample_id, test_code);
    if (found.empty())
        return domain::make_error("ingest.no_such_test", "sample " + sample_number + " has no test " + test_code);
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < found.size(); ++i)
        if (takes_a_result(found[i].state)) {
            chosen = i;
            break;
        }
    auto& test = found[chosen];
    return TestChoice{test.id, test.state, test.instrument_id, std::move(test)};
}

}  // namespace lims::workflow::ingest
