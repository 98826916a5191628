#include "lims/workflow/ingest/worklist.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/specimen.hpp"
#include "lims/workflow/ingest/test_lookup.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <unordered_set>

namespace lims::workflow::ingest {

namespace {

template <std::size_t N>
bool one_of(const std::string& state, const char* const (&states)[N]) {
    return std::any_of(std::begin(states), std::end(states), [&](const char* s) { return state == s; });
}

struct InstrumentScope {
    std::int64_t id = 0;
    std::string code;
    std::string org_path;                                // the instrument's organisation: its jurisdiction
    std::map<std::string, std::string> code_for_test;    // catalogue test code -> the instrument's code
};

domain::Result<InstrumentScope> scope_of(store::Transaction& tx, const std::string& instrument_code) {
    store::InstrumentRepository instruments(tx);
    auto instrument = instruments.get_by_code(instrument_code);
    if (!instrument) {
        if (store::kind_of(instrument.error()) == store::StoreErrorKind::not_found)
            return domain::make_error(kUnknownInstrument, "instrument " + instrument_code + " is not registered; query refused");
        return instrument.error();
    }
    if (!instrument->active)
        return domain::make_error(kUnknownInstrument, "instrument " + instrument_code + " is retired; query refused");
    InstrumentScope scope{instrument->id, instrument->code, "", {}};
    auto path = store::sql(tx, "SELECT path FROM organisations WHERE id = $1", {instrument->org_id});
    if (path.rows.empty())  // organisations are never deleted (REFERENCES): a broken invariant
        throw std::logic_error("instrument " + instrument_code + " names a missing organisation");
    scope.org_path = path.rows.front().text(0);
    auto mappings = instruments.mappings(instrument->id);
    if (!mappings) return mappings.error();
    std::vector<store::TestMapping> by_id = *mappings;
    std::sort(by_id.begin(), by_id.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    for (const auto& m : by_id)
        if (m.active) scope.code_for_test.emplace(m.test_code, m.instrument_test_code);  // first by id wins
    return scope;
}

// The orders of one specimen, or why there are none (an error value with the reason).
domain::Result<SpecimenWork> orders_for(store::Transaction& tx, const InstrumentScope& scope,
                                        const std::string& specimen_id) {
    auto unknown = [&](const std::string& why) {
        return domain::make_error("ingest.unknown_specimen", "specimen \"" + specimen_id + "\": " + why);
    };
    auto specimen = parse_specimen_id(specimen_id);
    if (!specimen) return unknown(specimen.error().message + " (" + specimen.error().code + ")");
    // The laboratory's jurisdiction over a sample, as its lists have it: registered within
    // the instrument organisation's subtree, or shipped to an organisation in it.
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix.
    const std::string subtree = scope.org_path + "%";
    auto sample = store::sql(tx,
                             "SELECT s.id, s.state, CASE WHEN o.path LIKE $2 OR EXISTS (SELECT 1 FROM shipment_items i "
                             "JOIN shipments h ON h.id = i.shipment_id JOIN organisations d ON d.id = h.to_org_id "
                             "WHERE i.sample_id = s.id AND d.path LIKE $2) THEN 1 ELSE 0 END "
                             "FROM samples s JOIN organisations o ON o.id = s.org_id WHERE s.number = $1",
                             {specimen->sample_number, subtree});
    // A sample outside the instrument's jurisdiction is answered as if it did not exist:
    // the analyzer must not run it, and the answer must not tell it the sample exists.
    if (sample.rows.empty() || sample.rows.front().integer(2) == 0)
        return unknown("no sample " + specimen->sample_number + " in the jurisdiction of instrument " + scope.code);
    const std::int64_t sample_id = sample.rows.front().integer(0);
    const std::string sample_state = sample.rows.front().text(1);
    if (one_of(sample_state, kSampleStatesClosed))
        return domain::make_error("ingest.sample_closed", "specimen \"" + specimen_id + "\": sample " +
                                                              specimen->sample_number + " is " + sample_state +
                                                              "; its tests are not run");
    if (specimen->test_portion) {
        const auto portions = test_portion_count(tx, sample_id);
        if (*specimen->test_portion > portions)
            return unknown("sample " + specimen->sample_number + " has " + std::to_string(portions) + " test portion(s)");
    }
    // Newest first: a retest's row is newer than the one it repeats. Per test code the row
    // that is to run wins, else the newest (its state says the code is done).
    auto tests = store::sql(tx, "SELECT id, test_code, state, instrument_id FROM tests WHERE sample_id = $1 ORDER BY id DESC",
                            {sample_id});
    struct Choice {
        std::int64_t test_id;
        bool to_run;
        bool other_instrument;
    };
    std::map<std::string, Choice> by_code;
    for (const auto& row : tests.rows) {
        const std::string code = row.text(1);
        const bool to_run = takes_a_result(row.text(2));
        const auto instrument = row.optional_integer(3);
        Choice c{row.integer(0), to_run, instrument && *instrument != scope.id};
        auto [at, inserted] = by_code.emplace(code, c);
        if (!inserted && !at->second.to_run && to_run) at->second = c;
    }
    std::vector<std::pair<std::int64_t, std::string>> to_run;  // test id, instrument code
    for (const auto& [code, c] : by_code) {
        if (!c.to_run || c.other_instrument) continue;
        auto mapped = scope.code_for_test.find(code);
        if (mapped == scope.code_for_test.end()) continue;  // this instrument does not run that test
        to_run.emplace_back(c.test_id, mapped->second);
    }
    if (to_run.empty())
        return domain::make_error("ingest.nothing_to_run",
                                  "specimen \"" + specimen_id + "\": sample " + specimen->sample_number +
                                      " has no test left to run on instrument " + scope.code +
                                      " (done, awaiting review, assigned elsewhere or not mapped)");
    std::sort(to_run.begin(), to_run.end());
    SpecimenWork work{specimen_id, {}};
    for (auto& [id, code] : to_run)
        if (std::find(work.instrument_test_codes.begin(), work.instrument_test_codes.end(), code) ==
            work.instrument_test_codes.end())
            work.instrument_test_codes.push_back(std::move(code));
    return work;
}

}  // namespace

domain::Result<Worklist> find_orders_in(store::Transaction& tx, const std::string& instrument_code,
                                        const std::vector<std::string>& specimen_ids) {
    if (instrument_code.empty()) return domain::make_error(kBadMessage, "the query names no instrument");
    if (specimen_ids.size() > kMaxWorklistSpecimens)
        return domain::make_error("ingest.too_many_specimens", "a query may name at most " +
                                                                   std::to_string(kMaxWorklistSpecimens) +
                                                                   " specimens, not " + std::to_string(specimen_ids.size()));
    auto scope = scope_of(tx, instrument_code);
    if (!scope) return scope.error();
    Worklist worklist;
    std::unordered_set<std::string> seen;
    for (const auto& specimen_id : specimen_ids) {
        if (!seen.insert(specimen_id).second) continue;
        auto work = orders_for(tx, *scope, specimen_id);
        if (work) {
            worklist.orders.push_back(std::move(*work));
            continue;
        }
        if (work.error().code.rfind("store.", 0) == 0) return work.error();
        worklist.no_orders.push_back({specimen_id, work.error().code, work.error().message});
    }
    return worklist;
}

domain::Result<Worklist> find_orders(store::Database& db, const std::string& instrument_code,
                                     const std::vector<std::string>& specimen_ids) {
    auto outcome = db.read([&](store::Transaction& tx) { return find_orders_in(tx, instrument_code, specimen_ids); });
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0) return ingest_store_error(outcome.error());
    return outcome;
}

domain::Result<Worklist> find_orders(store::Database& db, const Actor& gateway, const std::string& instrument_code,
                                     const std::vector<std::string>& specimen_ids) {
    auto outcome = db.read([&](store::Transaction& tx) -> domain::Result<Worklist> {
        auto held = jurisdiction::holds_instrument(tx, gateway, instrument_code);
        if (!held) return held.error();
        if (!*held)
            return domain::errors::not_found("instrument.not_found", "There is no instrument " + instrument_code + ".");
        return find_orders_in(tx, instrument_code, specimen_ids);
    });
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0) return ingest_store_error(outcome.error());
    return outcome;
}

}  // namespace lims::workflow::ingest
