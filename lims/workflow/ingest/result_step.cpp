#include "lims/workflow/ingest/result_step.hpp"

#include "lims/workflow/review/record_result.hpp"

namespace lims::workflow::ingest {

bool is_quarantine_reason(const domain::Error& error) {
    return error.code.rfind("ingest.test_", 0) == 0 || error.code.rfind("review.", 0) == 0;
}

domain::Result<std::int64_t> put_result_on_test(store::Transaction& tx, const InstrumentResultEntry& entry,
                                                const std::string& actor) {
    // The review chain's one path for results (manual entry uses it too): same value and
    // unit checks, same transition, same audit entry.
    review::ResultEntry result;
    result.test_id = entry.test_id;
    result.value_text = entry.value_text;
    result.unit = entry.unit;
    result.source = review::ResultSource::instrument;
    result.raw_message_id = entry.raw_message_id;
    result.flags = entry.flags;
    Actor who;
    who.name = actor;
    who.roles = domain::RoleSet{domain::Role::ingest_service};
    const review::AlreadyInTransaction known{entry.test_as_read ? &*entry.test_as_read : nullptr,
                                             entry.raw_message_stored_by_caller};
    auto recorded = review::record_result(tx, result, who, known);
    if (!recorded) return recorded.error();
    return recorded->result_id;
}

}  // namespace lims::workflow::ingest
