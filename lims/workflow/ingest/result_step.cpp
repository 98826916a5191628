#include "lims/workflow/ingest/result_step.hpp"

#include "lims/domain/state_machine/machines.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::ingest {

namespace {

constexpr std::string_view kEnterResult = "enter_result";

}  // namespace

bool is_quarantine_reason(const domain::Error& error) {
    return error.code.rfind("ingest.test_", 0) == 0 || error.code.rfind("review.", 0) == 0;
}

domain::Result<std::int64_t> put_result_on_test(store::Transaction& tx, const InstrumentResultEntry& entry,
                                                const std::string& actor) {
    Poco::Int64 test_id = entry.test_id;
    std::vector<std::string> states;
    std::vector<Poco::Int64> versions;
    tx.session() << "SELECT state, version FROM tests WHERE id = $1", bind(test_id), into(states), into(versions), now;
    if (states.empty())
        return domain::make_error("ingest.test_not_found", "test " + std::to_string(entry.test_id) + " does not exist");
    const std::string state = states.front();
    domain::TransitionRequest request;
    request.action = kEnterResult;
    request.actor_roles = domain::RoleSet{domain::Role::ingest_service};
    auto next = domain::apply(domain::machines::test_result(), state, request);
    if (!next) {
        const bool final = state == "final";
        return domain::make_error(final ? "ingest.test_final" : "ingest.test_not_open",
                                  "test " + std::to_string(entry.test_id) + " is " + state +
                                      (final ? ": a final result is never overwritten" : ": it takes no result now"));
    }
    const std::string to(*next);
    Poco::Int64 result_id = 0;
    Poco::Int64 raw = entry.raw_message_id;
    const std::string at = tx.now_utc();
    tx.session() << "INSERT INTO results (test_id, value_text, unit, flags, source, raw_message_id, entered_at) "
                    "VALUES ($1, $2, $3, $4, 'instrument', $5, $6) RETURNING id",
        bind(test_id), bind(entry.value_text), bind(entry.unit), bind(entry.flags), bind(raw), bind(at),
        into(result_id), now;
    Poco::Int64 version = versions.front();
    Poco::Data::Statement update(tx.session());
    update << "UPDATE tests SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
        bind(to), bind(at), bind(test_id), bind(version);
    if (update.execute() != 1)
        return domain::make_error("store.conflict", "test " + std::to_string(entry.test_id) + " changed meanwhile");
    Poco::JSON::Object after;
    after.set("test_id", entry.test_id);
    after.set("value", entry.value_text);
    after.set("unit", entry.unit);
    after.set("flags", entry.flags);
    after.set("source", "instrument");
    after.set("raw_message_id", entry.raw_message_id);
    after.set("test_state", to);
    std::ostringstream s;
    after.stringify(s);
    tx.record({actor, "result.record", "result", std::to_string(result_id), "", s.str(), ""});
    return static_cast<std::int64_t>(result_id);
}

}  // namespace lims::workflow::ingest
