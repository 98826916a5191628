#include "lims/workflow/review/sample_progress.hpp"

#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/sample_repository.hpp"

namespace lims::workflow::review {

domain::Result<domain::Sample> advance_sample(store::Transaction& tx, std::int64_t sample_id, std::string_view action,
                                              const Actor& actor,
                                              const std::function<bool(std::string_view)>& guards) {
    store::SampleRepository samples(tx);
    auto sample = samples.get_by_id(sample_id);
    if (!sample)
        return domain::errors::not_found("review.sample_not_found", "sample " + std::to_string(sample_id) + " does not exist");
    const auto& machine = domain::machines::sample();
    const auto* row = machine.find(sample->state, action);
    if (!row) return *sample;
    // The row's own roles: the actor was authorised for the step that causes this move.
    auto to = domain::apply(machine, sample->state,
                            {.action = action, .actor_roles = row->roles, .supplied = row->records,
                             .guard_holds = guards});
    if (!to) return to.error();
    const auto before = store::to_json(*sample);
    auto moved = samples.move_state(*sample, sample->version, std::string(*to));
    if (!moved) return moved.error();
    tx.record({actor.name, "sample." + std::string(action), "sample", moved->number, before, store::to_json(*moved), ""});
    return moved;
}

}  // namespace lims::workflow::review
