#include "lims/workflow/ingest/test_lookup.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::ingest {

namespace {

// A test takes a new result when pending, or when its last result row ended (rejected,
// retest ordered, retracted: review::record_result then records the retest's row).
bool takes_a_result(const std::string& state) {
    return state == "pending" || state == "rejected" || state == "retest_ordered" || state == "retracted";
}

}  // namespace

domain::Result<std::int64_t> find_sample_id(store::Transaction& tx, const std::string& sample_number) {
    std::vector<Poco::Int64> ids;
    tx.session() << "SELECT id FROM samples WHERE number = $1", bind(sample_number), into(ids), now;
    if (ids.empty())
        return domain::make_error("ingest.unknown_specimen", "no sample " + sample_number + " is registered");
    return static_cast<std::int64_t>(ids.front());
}

domain::Result<TestChoice> find_test(store::Transaction& tx, std::int64_t sample_id, const std::string& sample_number,
                                     const std::string& test_code) {
    std::vector<Poco::Int64> ids;
    std::vector<std::string> states;
    std::vector<Poco::Nullable<Poco::Int64>> instruments;
    Poco::Int64 sid = sample_id;
    // Newest first: a retest's test row is newer than the one it repeats.
    tx.session() << "SELECT id, state, instrument_id FROM tests WHERE sample_id = $1 AND test_code = $2 ORDER BY id DESC",
        bind(sid), bind(test_code), into(ids), into(states), into(instruments), now;
    if (ids.empty())
        return domain::make_error("ingest.no_such_test", "sample " + sample_number + " has no test " + test_code);
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (takes_a_result(states[i])) {
            chosen = i;
            break;
        }
    TestChoice choice{ids[chosen], states[chosen], std::nullopt};
    if (!instruments[chosen].isNull()) choice.instrument_id = instruments[chosen].value();
    return choice;
}

}  // namespace lims::workflow::ingest
