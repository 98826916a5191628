#include "lims/workflow/review/reinspection_refusal.hpp"

#include "lims/domain/state_machine/machines.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/test_repository.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/review/create_tests.hpp"
#include "lims/workflow/review/reinspection_handover.hpp"
#include "lims/workflow/review/visibility.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

namespace {

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string json_text(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::optional<ReinspectionRefusal> reinspection_refusal(store::Transaction& tx, std::int64_t reinspection_id) {
    const auto rows = documents::select_rows(
        tx, "SELECT id, reason, refused_by_name, refused_at FROM reinspection_refusals WHERE reinspection_id = $1",
        static_cast<Poco::Int64>(reinspection_id));
    if (rows.empty()) return std::nullopt;
    using documents::text_or_empty;
    return ReinspectionRefusal{std::stoll(text_or_empty(rows[0][0])), text_or_empty(rows[0][1]),
                               text_or_empty(rows[0][2]), text_or_empty(rows[0][3])};
}

domain::Result<Reinspection> refuse_reinspection(store::Database& db, const std::string& sample_number,
                                                 std::int64_t expected_version, const std::string& reason_given,
                                                 const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<Reinspection> {
        if (auto h = check_held(tx, actor, RecordKind::sample, sample_number); !h) return h.error();
        auto sample_id = sample_id_by_number(tx, sample_number);
        if (!sample_id) return sample_id.error();
        auto sample = store::SampleRepository(tx).get_by_id(*sample_id);
        if (!sample)
            return domain::errors::not_found("review.sample_not_found", "sample " + sample_number + " does not exist");
        auto re = find_reinspection(tx, *sample_id);
        if (!re)
            return domain::errors::conflict("review.reinspection_not_found",
                                            "sample " + sample_number +
                                                " has no re-inspection application: there is nothing to refuse");
        if (auto done = reinspection_refusal(tx, re->id))
            return domain::errors::conflict(
                "review.reinspection_refused_already",
                "the re-inspection application for sample " + sample_number + " was not accepted (不予受理) already on " +
                    done->refused_at + " by " + done->refused_by + " (" + done->reason + "): it is decided once");
        const std::string reason = trimmed(reason_given);
        if (reason.empty())
            return domain::errors::invalid("reason", "review.reinspection_refusal_reason",
                                           "the reason for not accepting the re-inspection application is required");
        if (re->handover)
            return domain::errors::conflict(
                "review.reinspection_refusal_handed_over",
                "the retained portion (留样) of sample " + sample_number + " was handed over to " +
                    re->handover->holder_org_code + " on " + re->handover->at_utc + " by " + re->handover->actor +
                    ": the re-inspection has begun and the application can no longer be refused");
        store::TestRepository tests(tx);
        const auto round2 = tests.for_sample(*sample_id, kReinspection);
        for (const auto& t : round2)
            if (t.state != "pending" && t.state != "cancelled")
                return domain::errors::conflict("review.reinspection_refusal_result",
                                                "round 2 of sample " + sample_number + " has a result (test " +
                                                    t.test_code + ", " + t.state +
                                                    "): the re-inspection application can no longer be refused");
        if (sample->version != expected_version)
            return domain::errors::stale("review.stale_version",
                                         "sample " + sample_number + " is at version " + std::to_string(sample->version) +
                                             ", not " + std::to_string(expected_version) + ": read it again and decide again");
        auto to = domain::apply(domain::machines::sample(), sample->state,
                                {.action = "refuse_reinspection", .actor_roles = actor.roles,
                                 .supplied = {domain::Recorded::reason},
                                 .guard_holds = [](std::string_view g) {
                                     // Both were checked above with their own messages.
                                     return g == "retained_portion_not_handed_over" || g == "no_reinspection_result";
                                 }});
        if (!to) return to.error();
        if (!actor.user_id)
            return domain::errors::invalid("actor", "review.reinspection_refusal_actor",
                                           "a re-inspection application is refused by a person, not " + actor.name);
        store::SampleRepository samples(tx);
        const auto before = store::to_json(*sample);
        auto moved = samples.move_state(*sample, expected_version, std::string(*to));
        if (!moved) return moved.error();
        tx.record({actor.name, "sample.refuse_reinspection", "sample", moved->number, before, store::to_json(*moved),
                   reason});
        // Round 2 is not tested: its tests without a result are withdrawn with the reason.
        for (const auto& t : round2) {
            if (t.state != "pending") continue;
            auto cancelled = tests.set_state(t, "cancelled", "test.cancel",
                                             "re-inspection application not accepted (不予受理): " + reason, actor.name);
            if (!cancelled) return cancelled.error();
        }
        const std::string at = tx.now_utc();
        Poco::Int64 id = 0;
        tx.session() << "INSERT INTO reinspection_refusals (reinspection_id, sample_id, reason, refused_by, "
                        "refused_by_name, refused_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            bind(static_cast<Poco::Int64>(re->id)), bind(static_cast<Poco::Int64>(*sample_id)), bind(reason),
            bind(static_cast<Poco::Int64>(*actor.user_id)), bind(actor.name), bind(at), into(id), now;
        tx.record({actor.name, "reinspection.refuse", "reinspection", std::to_string(re->id), "{\"state\":\"in_testing\"}",
                   "{\"state\":\"refused\",\"sample\":" + json_text(sample_number) + ",\"refusal\":" + std::to_string(id) +
                       ",\"reason\":" + json_text(reason) + "}",
                   reason});
        return find_reinspection(tx, *sample_id);
    });
}

}  // namespace lims::workflow::review
