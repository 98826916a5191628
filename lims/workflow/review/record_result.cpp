#include "lims/workflow/review/record_result.hpp"

#include "lims/domain/judgement/judgement.hpp"
#include "lims/domain/judgement/reported_value.hpp"
#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/result_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/sample_progress.hpp"
#include "lims/workflow/review/specification.hpp"

namespace lims::workflow::review {

namespace {

// A result row ends in these states (machines.cpp: a retest is a new row), so the test
// takes a new result as if it were pending again.
bool result_row_ended(std::string_view state) {
    return state == "rejected" || state == "retest_ordered" || state == "retracted";
}

// False when the sample is in a state the sample machine has no "start_testing" step
// from (advance_sample would leave it as it is); true otherwise, and when the sample is
// missing, so that advance_sample reports that.
bool sample_may_start_testing(store::Transaction& tx, std::int64_t sample_id) {
    auto state = store::sql(tx, "SELECT state FROM samples WHERE id = $1", {sample_id});
    if (state.rows.empty()) return true;
    return domain::machines::sample().find(state.rows.front().text(0), "start_testing") != nullptr;
}

}  // namespace

std::string_view to_string(ResultSource source) { return source == ResultSource::manual ? "manual" : "instrument"; }

domain::Result<RecordedResult> record_result(store::Transaction& tx, const ResultEntry& entry, const Actor& actor,
                                             const AlreadyInTransaction& known) {
    store::TestRepository tests(tx);
    store::ResultRepository results(tx);
    auto test = known.test && known.test->id == entry.test_id ? store::StoreResult<store::TestRecord>(*known.test)
                                                              : tests.get(entry.test_id);
    if (!test)
        return domain::errors::not_found("review.test_not_found", "test " + std::to_string(entry.test_id) + " does not exist");
    if (entry.expected_test_version && *entry.expected_test_version != test->version)
        return store::store_error(store::StoreErrorKind::conflict,
                                  "test " + std::to_string(test->id) + " is at version " +
                                      std::to_string(test->version) + ", not " +
                                      std::to_string(*entry.expected_test_version) + ": changed meanwhile");
    if (test->state == "final" || test->state == "cancelled")
        return domain::errors::conflict("review.test_final", "test " + std::to_string(test->id) + " (" + test->test_code +
                                                           ") is " + test->state + ": no further result is taken");
    if (test->state == "pending_review" || test->state == "accepted" || test->state == "verified")
        return domain::errors::conflict("review.result_awaiting_review",
                                  "test " + std::to_string(test->id) + " (" + test->test_code + ") has a result " +
                                      test->state + "; reject it or order a retest before entering another");

    auto value = domain::ReportedValue::parse(entry.value_text);
    if (!value)
        return domain::errors::invalid("value", "review.value", "test " + std::to_string(test->id) + ": value \"" +
                                                      entry.value_text + "\": " + value.error().message);

    std::string unit = entry.unit;
    std::optional<std::string> conformity;
    if (test->spec_line_id) {
        auto line = load_specification_line(tx, *test->spec_line_id, test->spec_line_version);
        if (!line) return line.error();
        if (!line->unit.empty() && !unit.empty() && unit != line->unit)
            return domain::errors::invalid("unit", "review.unit", "test " + std::to_string(test->id) + " (" + test->test_code +
                                                         "): unit \"" + unit + "\" differs from the specification's \"" +
                                                         line->unit + "\"");
        if (unit.empty()) unit = line->unit;
        auto limit = limit_of(*line);
        if (!limit) return limit.error();
        // Judged here only to refuse a value of the wrong kind at the door (a number for
        // a qualitative line); the verdict that counts is taken on the final result.
        auto judged = domain::judge(*limit, *value);
        if (!judged)
            return domain::errors::invalid("value", "review.value", "test " + std::to_string(test->id) + " (" + test->test_code +
                                                          "): " + judged.error().message);
        if (judged->verdict == domain::Verdict::conforms)
            conformity = judged->warning ? "warning" : "conforming";
        else if (judged->verdict == domain::Verdict::does_not_conform)
            conformity = "nonconforming";
    }

    if (entry.source == ResultSource::instrument) {
        if (!entry.raw_message_id)
            return domain::errors::conflict("review.raw_message_required",
                                      "an instrument result needs the raw message it came in");
        if (!known.raw_message_stored && !results.raw_message_exists(*entry.raw_message_id))
            return domain::errors::conflict("review.raw_message_unknown",
                                      "raw message " + std::to_string(*entry.raw_message_id) + " does not exist");
    }

    const std::string_view from = result_row_ended(test->state) ? std::string_view("pending") : test->state;
    auto to = domain::apply(domain::machines::test_result(), from,
                            {.action = "enter_result", .actor_roles = actor.roles, .supplied = {}, .guard_holds = {}});
    if (!to) return to.error();

    store::ResultRecord row;
    row.test_id = test->id;
    // A test still "pending" has never had a result (the test machine has no way back to
    // pending; a retest is a new test row), so there is nothing to look up for it.
    if (test->state != "pending")
        if (auto previous = results.latest_for_test(test->id)) row.replaces_result_id = previous->id;
    if (value->kind() == domain::ValueKind::qualitative)
        row.qualitative = value->outcome();
    else
        row.value_text = value->to_string();
    row.unit = unit;
    row.flags = entry.flags;
    row.source = std::string(to_string(entry.source));
    row.raw_message_id = entry.raw_message_id;
    row.conformity = conformity;
    row.entered_by = actor.user_id;
    auto inserted = results.insert(row);
    if (!inserted) return inserted.error();
    tx.record({actor.name, "result.record", "result", std::to_string(inserted->id), "", store::to_json(*inserted), ""});

    // `test` was read in this transaction above; set_state re-checks its version.
    auto moved = tests.set_state(*test, std::string(*to), "test.enter_result", "", actor.name);
    if (!moved) return moved.error();
    // The first result of the first examination starts the sample's testing. Only the
    // first such result moves the sample; for the others its state alone (not the whole
    // sample with seals and portions) shows there is nothing to do.
    if (test->round == kFirstExamination && sample_may_start_testing(tx, test->sample_id)) {
        auto sample = advance_sample(tx, test->sample_id, "start_testing", actor);
        if (!sample) return sample.error();
    }
    return RecordedResult{inserted->id, test->id, inserted->replaces_result_id, moved->state, moved->version};
}

}  // namespace lims::workflow::review
