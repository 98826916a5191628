#include "lims/workflow/sampling/receipt.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include "lims/store/shipment_repository.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"
#include "lims/workflow/sampling/registration.hpp"
#include "lims/workflow/sampling/state_tables.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace lims::workflow::sampling {

namespace {

using domain::Error;
template <typename T>
using Result = domain::Result<T>;

// The first checklist item that forbids acceptance, named by its field.
std::optional<Error> acceptance_blocker(const ReceiptChecklist& c, bool cold_chain, const ColdChainVerdict& verdict) {
    if (!c.seals_intact) return invalid_field("checklist.seals_intact", "a sample with a broken seal cannot be accepted: reject it with a reason");
    if (!c.seal_numbers_match)
        return invalid_field("checklist.seal_numbers_match", "seal numbers that differ from the record cannot be accepted: reject it with a reason");
    if (!c.labels_match) return invalid_field("checklist.labels_match", "labels that differ from the record cannot be accepted: reject it with a reason");
    if (!c.quantity_matches)
        return invalid_field("checklist.quantity_matches", "a quantity that differs from the record cannot be accepted: reject it with a reason");
    if (c.package_condition != "good")
        return invalid_field("checklist.package_condition", "a " + c.package_condition + " package cannot be accepted: reject it with a reason");
    if (cold_chain && !*c.temperature_record_ok)
        return invalid_field("checklist.temperature_record_ok", "a cold-chain sample without an acceptable temperature record cannot be accepted");
    if (cold_chain && verdict.verdict == kVerdictExcursion)
        return invalid_field("checklist.temperature_record_ok", "the trip's temperature record shows an excursion: " + verdict.detail);
    return std::nullopt;
}

}  // namespace

Result<ReceiptOutcome> receive_sample(store::Database& db, const Actor& actor, const std::string& number,
                                      std::int64_t expected_version, const ReceiptRequest& r) {
    if (r.decision != "accept" && r.decision != "reject")
        return invalid_field("decision", "decision is accept or reject, not \"" + r.decision + "\"");
    static const char* const conditions[] = {"good", "damaged", "leaked", "missing"};
    if (std::find(std::begin(conditions), std::end(conditions), r.checklist.package_condition) == std::end(conditions))
        return invalid_field("checklist.package_condition", "unknown condition \"" + r.checklist.package_condition + "\"");

    return db.write([&](store::Transaction& tx) -> Result<ReceiptOutcome> {
        store::SampleRepository samples(tx);
        store::ShipmentRepository shipments(tx);
        auto sample = samples.get_by_number(number);
        if (!sample || !sample_visible(tx, actor, *sample)) return not_found("There is no sample " + number + ".");
        std::optional<store::Shipment> shipment;
        if (auto id = shipments.latest_shipment_of(sample->id))
            if (auto s = shipments.get(*id)) shipment = *s;
        // Only the laboratory the sample was shipped to receives it.
        const bool at_destination = shipment && jurisdiction::covers(actor, shipment->to_path);

        const std::string action = r.decision == "accept" ? "receive" : "reject";
        // Roles, then the version: a second receiver who read the sample before the first
        // one's decision learns that it changed (409), whatever state it is in now.
        // The roles are those of the receipt's row in the sample table (from "shipped").
        if (!actor.roles.intersects(domain::machines::sample().find("shipped", action)->roles))
            return take(domain::machines::sample(), "shipped", action, actor).error();
        if (sample->version != expected_version) return stale_version("sample " + number, sample->version, expected_version);

        const bool cold_chain = needs_cold_chain(sample->storage_condition);
        if (cold_chain && !r.checklist.temperature_record_ok)
            return invalid_field("checklist.temperature_record_ok",
                                 "sample " + sample->number + " travels in the cold chain: say whether its temperature record is acceptable");
        const ColdChainVerdict verdict =
            cold_chain ? assess_cold_chain({tx, *sample, shipment}) : ColdChainVerdict{"", ""};
        const auto blocker = acceptance_blocker(r.checklist, cold_chain, verdict);

        domain::RecordSet supplied;
        if (!r.reason.empty()) supplied.add(domain::Recorded::reason);
        auto to = take(domain::machines::sample(), sample->state, action, actor,
                       [&](std::string_view g) { return g == "receipt_checks_passed" && !blocker; }, supplied);
        if (!to) {
            const auto& code = to.error().code;
            if (code == "transition.role_not_allowed") return to.error();
            if (code == "transition.missing_record") return invalid_field("reason", "a rejection needs a reason for the office");
            if (code == "transition.guard_failed" && blocker) return *blocker;
            return conflict(to.error().message);
        }
        if (!at_destination) return forbidden("Sample " + number + " was not shipped to your laboratory.");
        if (shipment->state != "arrived")
            return conflict("Shipment " + shipment->number + " is " + shipment->state + ": record its arrival first.");

        auto moved = samples.move_state(*sample, expected_version, *to);
        if (!moved) {
            if (store::kind_of(moved.error()) == store::StoreErrorKind::conflict)
                return stale_version("sample " + number, sample->version, expected_version);
            return moved.error();
        }
        store::SampleReceipt receipt;
        receipt.sample_id = sample->id;
        receipt.shipment_id = shipment->id;
        receipt.lab_org_id = shipment->to_org_id;
        receipt.receiver_user_id = actor.user_id.value_or(0);
        receipt.seals_intact = r.checklist.seals_intact;
        receipt.seal_numbers_match = r.checklist.seal_numbers_match;
        receipt.labels_match = r.checklist.labels_match;
        receipt.quantity_matches = r.checklist.quantity_matches;
        receipt.package_condition = r.checklist.package_condition;
        if (cold_chain) {
            receipt.temperature_record_ok = r.checklist.temperature_record_ok;
            receipt.cold_chain_verdict = verdict.verdict;
        }
        receipt.decision = r.decision;
        receipt.reason = r.reason;
        receipt.received_at = tx.now_utc();
        receipt.id = samples.record_receipt(receipt);
        shipments.set_item_condition(shipment->id, sample->id,
                                     r.decision == "accept" ? "good" : (r.checklist.package_condition == "good" ? "rejected" : r.checklist.package_condition),
                                     r.reason);
        samples.add_custody_event({0, sample->id, action, sample->state, *to, actor.user_id.value_or(0), actor.name,
                                   shipment->to_org_id, "", "", shipment->id, "",
                                   r.decision == "accept" ? "accepted at receipt" : "rejected at receipt: " + r.reason,
                                   receipt.received_at});
        tx.record({actor.name, "sample." + action, "sample", sample->number, store::to_json(*sample),
                   store::to_json(*moved), r.reason});

        if (r.decision == "reject") {
            // Sent back to the registering office: it sees why, and can resample.
            const std::string message = "Sample " + sample->number + " was rejected at receipt by " + actor.name +
                                        ": " + r.reason;
            tx.session() << "INSERT INTO office_notifications (to_org_id, kind, sample_id, message, created_at) VALUES "
                            "($1, 'sample_rejected', $2, $3, $4)",
                bind(static_cast<Poco::Int64>(sample->org_id)), bind(static_cast<Poco::Int64>(sample->id)), bind(message),
                bind(receipt.received_at), now;
        } else if (auto hooked = on_sample_accepted({tx, actor, *moved, receipt, shipment->id}); !hooked) {
            return hooked.error();
        }

        // The shipment is complete when every item has its decision.
        auto current = shipments.get(shipment->id);
        if (!current) return current.error();
        const bool all_decided = std::all_of(current->items.begin(), current->items.end(),
                                             [](const store::ShipmentItem& i) { return i.receipt_condition.has_value(); });
        if (all_decided) {
            auto done = take(shipment_machine(), current->state, "complete", actor,
                             [&](std::string_view g) { return g == "every_item_decided"; });
            if (!done) return done.error();
            auto completed = shipments.move_state(*current, current->version, *done, std::nullopt, std::nullopt);
            if (!completed) return completed.error();
            tx.record({actor.name, "shipment.complete", "shipment", current->number, store::to_json(*current),
                       store::to_json(*completed), ""});
        }
        return ReceiptOutcome{*moved, receipt};
    });
}

Result<NotificationPage> list_notifications(store::Database& db, const Actor& actor, std::int64_t after_id, int limit) {
    limit = std::clamp(limit, 1, 500);
    return db.read([&](store::Transaction& tx) -> Result<NotificationPage> {
        Poco::Data::Statement st(tx.session());
        st << "SELECT n.id, n.kind, s.number, n.message, n.created_at FROM office_notifications n LEFT JOIN samples s "
              "ON s.id = n.sample_id WHERE n.to_org_id = $1 AND n.id > $2 ORDER BY n.id LIMIT $3",
            bind(static_cast<Poco::Int64>(actor.org_id.value_or(0))), bind(static_cast<Poco::Int64>(after_id)),
            bind(static_cast<Poco::Int64>(limit + 1));
        st.execute();
        Poco::Data::RecordSet rs(st);
        NotificationPage page;
        for (bool more = rs.moveFirst(); more; more = rs.moveNext())
            page.items.push_back({rs[0].convert<Poco::Int64>(), rs[1].convert<std::string>(),
                                  rs[2].isEmpty() ? "" : rs[2].convert<std::string>(), rs[3].convert<std::string>(),
                                  rs[4].convert<std::string>()});
        if (static_cast<int>(page.items.size()) > limit) {
            page.items.pop_back();
            page.next_after_id = page.items.back().id;
        }
        return page;
    });
}

Result<Custody> custody_of(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> Result<Custody> {
        store::SampleRepository samples(tx);
        auto sample = samples.get_by_number(number);
        if (!sample || !sample_visible(tx, actor, *sample)) return not_found("There is no sample " + number + ".");
        return Custody{*sample, samples.custody(sample->id)};
    });
}

}  // namespace lims::workflow::sampling
