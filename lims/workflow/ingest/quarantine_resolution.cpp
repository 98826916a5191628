#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/observation_json.hpp"
#include "lims/workflow/ingest/result_step.hpp"
#include "lims/workflow/ingest/specimen.hpp"
#include "lims/workflow/ingest/test_lookup.hpp"
#include "lims/workflow/ingest/unit_conversion.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>


namespace lims::workflow::ingest {

namespace {

domain::Result<store::QuarantineEntry> open_entry(store::Transaction& tx, const Actor& actor, std::int64_t id,
                                                  std::optional<std::int64_t> expected_version) {
    auto entry = visible_quarantine_entry(tx, actor, id);
    if (!entry) return entry;
    if (entry->state != "open")
        return domain::errors::conflict("ingest.quarantine_resolved",
                                  "quarantine entry " + std::to_string(id) + " was already " + entry->state + " by " +
                                      entry->resolved_by.value_or("?") + " at " + entry->resolved_at.value_or("?"));
    if (expected_version && *expected_version != entry->version)
        return store::store_error(store::StoreErrorKind::conflict,
                                  "quarantine entry " + std::to_string(id) + " is at version " +
                                      std::to_string(entry->version) + ", not " + std::to_string(*expected_version));
    return entry;
}

std::string resolution_json(const store::QuarantineEntry& e) {
    Poco::JSON::Object j;
    j.set("state", e.state);
    if (e.result_id) j.set("result_id", *e.result_id);
    if (e.resolution_reason) j.set("reason", *e.resolution_reason);
    j.set("version", e.version);
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

domain::Result<Resolution> finish(store::Transaction& tx, const store::QuarantineEntry& before, const std::string& state,
                                  const std::string& reason, std::optional<std::int64_t> result_id,
                                  const Actor& resolver, const std::string& action) {
    store::QuarantineRepository repository(tx);
    auto after = repository.resolve(before.id, state, resolver.name, reason, result_id);
    if (!after) return after.error();
    tx.record({resolver.name, action, "quarantine", std::to_string(before.id), resolution_json(before),
               resolution_json(*after), reason});
    return Resolution{*after, result_id};
}

domain::Result<Resolution> translate(domain::Result<Resolution> outcome) {
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0 && outcome.error().code != "store.conflict")
        return ingest_store_error(outcome.error());
    return outcome;
}

}  // namespace

domain::Result<store::QuarantineEntry> visible_quarantine_entry(store::Transaction& tx, const Actor& actor,
                                                                std::int64_t id) {
    store::QuarantineRepository repository(tx);
    auto entry = repository.get(id);
    const auto not_found = domain::errors::not_found("ingest.quarantine_not_found",
                                                     "quarantine entry " + std::to_string(id) + " does not exist");
    if (!entry) return store::kind_of(entry.error()) == store::StoreErrorKind::not_found ? not_found : entry.error();
    auto held = jurisdiction::holds_organisation(tx, actor, entry->org_id);
    if (!held) return held.error();
    if (!*held) return not_found;
    return entry;
}

domain::Result<IdPage<store::QuarantineEntry>> list_quarantine(store::Database& db, const Actor& actor,
                                                               const std::optional<std::string>& state,
                                                               std::int64_t after_id, std::size_t limit) {
    if (state && std::find(std::begin(kQuarantineStates), std::end(kQuarantineStates), *state) ==
                     std::end(kQuarantineStates))
        return domain::errors::invalid("state", "quarantine.state", "must be open, assigned or discarded");
    return db.read([&](store::Transaction& tx) -> domain::Result<IdPage<store::QuarantineEntry>> {
        // The repository lists by the subtree's path prefix ("" would be everyone's).
        if (!jurisdiction::covers(actor, actor.org_path)) return IdPage<store::QuarantineEntry>{};
        store::QuarantineQuery q;
        q.org_path_prefix = actor.org_path;
        q.state = state;
        q.after_id = after_id;
        q.limit = static_cast<int>(limit) + 1;
        auto rows = store::QuarantineRepository(tx).list(q);
        if (!rows) return rows.error();
        return id_page(std::move(*rows), limit, [](const store::QuarantineEntry& e) { return e.id; });
    });
}

domain::Result<store::QuarantineEntry> find_quarantine_entry(store::Database& db, const Actor& actor,
                                                             std::int64_t entry_id) {
    return db.read([&](store::Transaction& tx) { return visible_quarantine_entry(tx, actor, entry_id); });
}

domain::Result<RawMessageView> find_raw_message(store::Database& db, const Actor& actor, std::int64_t message_id) {
    const auto none =
        domain::errors::not_found("ingest.raw_message_not_found", "There is no raw message " + std::to_string(message_id) + ".");
    return db.read([&](store::Transaction& tx) -> domain::Result<RawMessageView> {
        auto m = store::RawMessageRepository(tx).get(message_id);
        if (!m) return m.error().kind == domain::ErrorKind::not_found ? none : m.error();
        if (!m->instrument_id) return none;
        auto i = store::InstrumentRepository(tx).get(*m->instrument_id);
        if (!i) return i.error().kind == domain::ErrorKind::not_found ? none : i.error();
        auto held = jurisdiction::holds_organisation(tx, actor, i->org_id);
        if (!held) return held.error();
        if (!*held) return none;
        return RawMessageView{std::move(*m), i->code};
    });
}

domain::Result<Resolution> assign_quarantined(store::Database& db, std::int64_t id, const Assignment& a,
                                              const Actor& resolver) {
    return translate(db.write([&](store::Transaction& tx) -> domain::Result<Resolution> {
        auto entry = open_entry(tx, resolver, id, a.expected_version);
        if (!entry) return entry.error();
        if (entry->position < 0)
            return domain::make_error("ingest.quarantine_no_observation",
                                      "quarantine entry " + std::to_string(id) +
                                          " is a whole message with no observation to assign; discard it");
        auto observation = observation_from_json(entry->observation_json);
        if (!observation) return observation.error();
        auto specimen = parse_specimen_id(a.sample_number);
        if (!specimen) return domain::make_error("ingest.unknown_specimen", specimen.error().message);
        auto sample = find_sample_id(tx, specimen->sample_number);
        if (!sample) return sample.error();
        auto test = find_test(tx, *sample, specimen->sample_number, a.test_code);
        if (!test) return test.error();
        // Converted through the instrument's mapping of its code when there is one; an
        // unmapped code's value is taken in the unit it was sent in.
        store::InstrumentRepository instruments(tx);
        auto mapping = instruments.find_mapping(entry->instrument_id, observation->test_code);
        store::TestMapping as_sent;
        as_sent.instrument_test_code = observation->test_code;
        as_sent.test_code = a.test_code;
        as_sent.result_unit = observation->units;
        auto value = convert(*observation, mapping ? *mapping : as_sent);
        if (!value) return value.error();
        InstrumentResultEntry result;
        result.test_id = test->test_id;
        result.value_text = value->value_text.value_or(value->qualitative.value_or(""));
        result.unit = value->unit;
        result.raw_message_id = entry->raw_message_id;
        for (const auto& f : observation->abnormal_flags) result.flags += (result.flags.empty() ? "" : "~") + f;
        auto recorded = put_result_on_test(tx, result, resolver.name);
        if (!recorded) return recorded.error();
        return finish(tx, *entry, "assigned",
                      "assigned to " + specimen->sample_number + " test " + a.test_code, *recorded, resolver,
                      "quarantine.assign");
    }));
}

domain::Result<Resolution> discard_quarantined(store::Database& db, std::int64_t id, const std::string& reason,
                                               std::optional<std::int64_t> expected_version, const Actor& resolver) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
        return domain::make_error("ingest.reason_required", "discarding quarantine entry " + std::to_string(id) +
                                                                " needs a reason");
    return translate(db.write([&](store::Transaction& tx) -> domain::Result<Resolution> {
        auto entry = open_entry(tx, resolver, id, expected_version);
        if (!entry) return entry.error();
        return finish(tx, *entry, "discarded", reason, std::nullopt, resolver, "quarantine.discard");
    }));
}

}  // namespace lims::workflow::ingest
