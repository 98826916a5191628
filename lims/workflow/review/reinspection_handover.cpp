#include "lims/workflow/review/reinspection_handover.hpp"

#include "lims/store/sql.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/review/reinspection_refusal.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <algorithm>
#include <iterator>
#include <set>

namespace lims::workflow::review {

namespace {

constexpr const char* kHandoverAction = "hand_over_retained_portion";

std::string joined(const std::set<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
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

std::optional<store::CustodyEvent> retained_portion_handover(store::Transaction& tx, std::int64_t sample_id) {
    for (auto& e : store::SampleRepository(tx).custody(sample_id))
        if (e.action == kHandoverAction) return e;
    return std::nullopt;
}

domain::Result<store::CustodyEvent> hand_over_retained_portion(store::Database& db, const std::string& sample_number,
                                                              const RetainedPortionHandover& handover,
                                                              const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::CustodyEvent> {
        if (auto h = check_held(tx, actor, RecordKind::sample, sample_number); !h) return h.error();
        auto sample_id = sample_id_by_number(tx, sample_number);
        if (!sample_id) return sample_id.error();
        auto sample = store::SampleRepository(tx).get_by_id(*sample_id);
        if (!sample) return domain::errors::not_found("review.sample_not_found", "sample " + sample_number + " does not exist");
        using documents::text_or_empty;
        const auto re = documents::select_rows(
            tx,
            "SELECT ri.id, ri.laboratory_org_id, o.code, o.name FROM reinspections ri "
            "LEFT JOIN organisations o ON o.id = ri.laboratory_org_id WHERE ri.sample_id = $1",
            static_cast<Poco::Int64>(*sample_id));
        if (re.empty())
            return domain::errors::conflict("review.reinspection_not_found",
                                            "sample " + sample_number +
                                                " has no re-inspection: the retained portion (留样) stays where it is");
        if (auto refused = reinspection_refusal(tx, std::stoll(text_or_empty(re[0][0]))))
            return domain::errors::conflict(
                "review.reinspection_refused",
                "the re-inspection application for sample " + sample_number + " was not accepted (不予受理) on " +
                    refused->refused_at + " by " + refused->refused_by + " (" + refused->reason +
                    "): the retained portion (留样) is not handed over to a re-inspection laboratory");
        if (!re[0][1])
            return domain::errors::conflict("review.reinspection_no_laboratory",
                                            "the re-inspection of sample " + sample_number +
                                                " has no laboratory yet: there is no one to hand the retained portion to");
        const std::int64_t lab_id = std::stoll(*re[0][1]);
        const std::string lab_code = text_or_empty(re[0][2]), lab_name = text_or_empty(re[0][3]);

        const auto portion = documents::select_rows(
            tx, "SELECT id, state, version, quantity, unit FROM sample_portions WHERE sample_id = $1 AND kind = 'retained' "
                "ORDER BY id",
            static_cast<Poco::Int64>(*sample_id));
        if (portion.empty())
            return domain::errors::conflict("review.reinspection_no_retained_portion",
                                            "sample " + sample_number + " has no retained portion (留样) to hand over");
        if (text_or_empty(portion[0][1]) == "handed_over") {
            const auto done = retained_portion_handover(tx, *sample_id);
            return domain::errors::conflict(
                "review.retained_portion_handed_over",
                "the retained portion (留样) of sample " + sample_number + " was handed over already" +
                    (done ? " on " + done->at_utc + " by " + done->actor + " to " + done->holder_org_code : std::string()) +
                    ": it is handed over once");
        }
        if (!handover.seals_intact)
            return domain::errors::invalid("seals_intact", "custody.seal_broken",
                                           "the seals of the retained portion of sample " + sample_number +
                                               " are not intact: a portion whose seal is broken cannot be re-inspected "
                                               "as sampled; it is not handed over (record what was found with the bureau)");
        const std::set<std::string> recorded = [&] {
            std::set<std::string> s;
            for (const auto& r : documents::select_rows(tx, "SELECT seal_number FROM sample_seals WHERE sample_id = $1",
                                                        static_cast<Poco::Int64>(*sample_id)))
                s.insert(text_or_empty(r[0]));
            return s;
        }();
        const std::set<std::string> read(handover.seal_numbers.begin(), handover.seal_numbers.end());
        std::set<std::string> missing, unknown;
        std::set_difference(recorded.begin(), recorded.end(), read.begin(), read.end(), std::inserter(missing, missing.end()));
        std::set_difference(read.begin(), read.end(), recorded.begin(), recorded.end(), std::inserter(unknown, unknown.end()));
        if (!missing.empty() || !unknown.empty() || recorded.empty())
            return domain::errors::invalid(
                "seal_numbers", "custody.seal_mismatch",
                "the seals read do not match the sampling record of sample " + sample_number +
                    (recorded.empty() ? std::string(" (which records no seal)") : std::string()) +
                    (missing.empty() ? std::string() : "; not read: " + joined(missing)) +
                    (unknown.empty() ? std::string() : "; not in the record: " + joined(unknown)));
        if (handover.received_by.empty())
            return domain::errors::invalid("received_by", "custody.received_by",
                                           "who received the retained portion at " + lab_name + " is required");

        const std::int64_t portion_id = std::stoll(text_or_empty(portion[0][0]));
        const std::int64_t version = std::stoll(text_or_empty(portion[0][2]));
        const auto changed = store::sql(tx,
                                        "UPDATE sample_portions SET state = 'handed_over', version = version + 1 "
                                        "WHERE id = $1 AND version = $2",
                                        {portion_id, version});
        if (changed.changed != 1)
            return store::store_error(store::StoreErrorKind::conflict,
                                      "the retained portion of sample " + sample_number + " changed meanwhile");
        const std::string seals = joined(read);
        const std::string note = "留样移交复验机构 " + lab_name + "（" + lab_code + "）；封签 " + seals + " 完好，与抽样记录一致；接收人 " +
                                 handover.received_by + (handover.note.empty() ? "" : "；" + handover.note);
        store::CustodyEvent event{0,           *sample_id, kHandoverAction, sample->state, sample->state,
                                  actor.user_id, actor.name, lab_id,        "",            "",
                                  std::nullopt, "",        note,            tx.now_utc()};
        store::SampleRepository(tx).add_custody_event(event);
        tx.record({actor.name, "sample.hand_over_retained_portion", "sample", sample_number,
                   "{\"retained_portion\":{\"id\":" + std::to_string(portion_id) + ",\"state\":" +
                       json_text(text_or_empty(portion[0][1])) + "}}",
                   "{\"retained_portion\":{\"id\":" + std::to_string(portion_id) +
                       ",\"state\":\"handed_over\",\"quantity\":" + json_text(text_or_empty(portion[0][3])) +
                       ",\"unit\":" + json_text(text_or_empty(portion[0][4])) + "},\"to\":" + json_text(lab_code) +
                       ",\"seals\":" + json_text(seals) + ",\"received_by\":" + json_text(handover.received_by) + "}",
                   note});
        auto kept = retained_portion_handover(tx, *sample_id);
        if (!kept) return domain::errors::conflict("review.retained_portion_handed_over", "the hand-over was not kept");
        return *kept;
    });
}

}  // namespace lims::workflow::review
