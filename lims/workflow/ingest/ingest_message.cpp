#include "lims/workflow/ingest/ingest_message.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/quarantine_repository.hpp"
#include "lims/store/raw_message_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/ingest/observation_json.hpp"
#include "lims/workflow/ingest/result_step.hpp"
#include "lims/workflow/ingest/specimen.hpp"
#include "lims/workflow/ingest/test_lookup.hpp"
#include "lims/workflow/ingest/unit_conversion.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::ingest {

namespace {

// Result statuses that carry a result to review: ASTM R.9 / HL7 OBX-11 F (final), C
// (correction), R (entered, not verified) and an empty status (many analyzers send none).
// P (preliminary), X (cannot be done), I (pending), D (deleted), W (wrong) do not.
bool reportable_status(const std::string& status) {
    return status.empty() || status == "F" || status == "C" || status == "R";
}

std::string joined_flags(const std::vector<std::string>& flags) {
    std::string out;
    for (const auto& f : flags) {
        if (f.empty()) continue;
        if (!out.empty()) out += '~';
        out += f;
    }
    return out;
}

std::string stringify(const Poco::JSON::Object& j) {
    std::ostringstream s;
    j.stringify(s);
    return s.str();
}

// Where an observation goes: a test of a sample, or quarantine with a reason.
struct Match {
    std::int64_t test_id = 0;
    RecordedValue value;
};

domain::Result<Match> match(store::Transaction& tx, const store::Instrument& instrument,
                            const protocols::Observation& o) {
    if (!reportable_status(o.status))
        return domain::make_error("ingest.status_not_reportable",
                                  "code " + o.test_code + ": result status \"" + o.status +
                                      "\" is not a result to review (F, C, R or none)");
    auto specimen = parse_specimen_id(o.specimen_id);
    if (!specimen)
        return domain::make_error("ingest.unknown_specimen", specimen.error().message + " (" + specimen.error().code + ")");
    auto sample = find_sample_id(tx, specimen->sample_number);
    if (!sample)
        return domain::make_error("ingest.unknown_specimen", "specimen \"" + o.specimen_id + "\": " + sample.error().message);
    const Poco::Int64 sample_id = *sample;
    if (specimen->test_portion) {
        const auto portions =
            store::sql(tx, "SELECT count(*) FROM sample_portions WHERE sample_id = $1 AND kind = 'test'",
                       {std::int64_t{sample_id}})
                .rows.at(0)
                .integer(0);
        if (*specimen->test_portion > portions)
            return domain::make_error("ingest.unknown_specimen",
                                      "specimen \"" + o.specimen_id + "\": sample " + specimen->sample_number +
                                          " has " + std::to_string(portions) + " test portion(s)");
    }
    store::InstrumentRepository instruments(tx);
    auto mapping = instruments.find_mapping(instrument.id, o.test_code);
    if (!mapping) {
        if (store::kind_of(mapping.error()) != store::StoreErrorKind::not_found) return mapping.error();
        return domain::make_error("ingest.unmapped_code", "instrument " + instrument.code + " code \"" + o.test_code +
                                                              "\" is not mapped to a test");
    }
    auto value = convert(o, *mapping);
    if (!value) return value.error();

    auto test = find_test(tx, sample_id, specimen->sample_number, mapping->test_code);
    if (!test)
        return domain::make_error(test.error().code, test.error().message + " (instrument code " + o.test_code + ")");
    // A test assigned to another instrument must not take this one's results (LESSONS.md:
    // analyzers' messages mis-routed to another analyzer's tests).
    if (test->instrument_id && *test->instrument_id != instrument.id)
        return domain::make_error("ingest.test_other_instrument", "test " + mapping->test_code + " of sample " +
                                                                      specimen->sample_number +
                                                                      " is assigned to another instrument");
    return Match{test->test_id, *value};
}

void record_observation(store::Transaction& tx, std::int64_t raw_message_id, int position,
                        const protocols::Observation& o, const std::string& json, bool result, std::int64_t target_id) {
    std::optional<std::int64_t> result_id, quarantine_id;
    if (result) result_id = target_id;
    else quarantine_id = target_id;
    store::sql(tx,
               "INSERT INTO instrument_observations (raw_message_id, position, specimen_id, instrument_test_code, "
               "value_text, units, status, observation_json, outcome, result_id, quarantine_id) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
               {raw_message_id, position, o.specimen_id, o.test_code, o.value, o.units, o.status, json,
                result ? "result" : "quarantined", result_id, quarantine_id});
}

}  // namespace

domain::Error ingest_store_error(const domain::Error& e) {
    const auto kind = store::kind_of(e);
    if (kind == store::StoreErrorKind::busy || kind == store::StoreErrorKind::unavailable)
        return domain::make_error(kUnavailable, "the database cannot take the message now: " + e.message);
    return domain::make_error(kStoreFailed, e.code + ": " + e.message);
}

bool is_retryable(const domain::Error& e) { return e.code == kUnavailable; }

domain::Result<IngestReceipt> ingest_message_in(store::Transaction& tx, const IncomingMessage& m,
                                                const std::string& actor) {
    if (m.instrument_code.empty()) return domain::make_error(kBadMessage, "the message names no instrument");
    if (m.protocol.empty())
        return domain::make_error(kBadMessage, "message from " + m.instrument_code + " names no protocol");
    store::InstrumentRepository instruments(tx);
    auto instrument = instruments.get_by_code(m.instrument_code);
    if (!instrument) {
        if (store::kind_of(instrument.error()) == store::StoreErrorKind::not_found)
            return domain::make_error(kUnknownInstrument,
                                      "instrument " + m.instrument_code + " is not registered; message refused");
        return instrument.error();
    }
    if (!instrument->active)
        return domain::make_error(kUnknownInstrument, "instrument " + m.instrument_code + " is retired; message refused");

    store::RawMessageRepository raw_messages(tx);
    auto stored = raw_messages.store(instrument->id, m.protocol, store::format_utc(m.received_at), m.raw);
    if (!stored) return stored.error();
    IngestReceipt receipt;
    receipt.raw_message_id = stored->id;
    if (stored->duplicate) {
        receipt.duplicate = true;
        receipt.duplicates = m.observations.size();
        return receipt;
    }
    Poco::JSON::Object message_audit;
    message_audit.set("instrument", m.instrument_code);
    message_audit.set("protocol", m.protocol);
    message_audit.set("bytes", static_cast<Poco::UInt64>(m.raw.size()));
    message_audit.set("sha256", store::sha256_hex(m.raw));
    message_audit.set("observations", static_cast<Poco::UInt64>(m.observations.size()));
    tx.record({actor, "raw_message.store", "raw_message", std::to_string(stored->id), "", stringify(message_audit), ""});

    store::QuarantineRepository quarantine(tx);
    auto to_quarantine = [&](int position, const protocols::Observation* o, const std::string& json,
                             const domain::Error& why) -> domain::Result<std::int64_t> {
        store::NewQuarantineEntry entry;
        entry.org_id = instrument->org_id;
        entry.instrument_id = instrument->id;
        entry.raw_message_id = stored->id;
        entry.position = position;
        if (o) {
            entry.specimen_id = o->specimen_id;
            entry.instrument_test_code = o->test_code;
        }
        entry.observation_json = json;
        entry.reason_code = why.code;
        entry.reason = why.message;
        auto id = quarantine.add(entry, actor);
        if (!id) return id.error();
        receipt.quarantine_ids.push_back(*id);
        ++receipt.quarantined;
        return *id;
    };

    const domain::Error incomplete{"ingest.message_incomplete",
                                   "the " + m.protocol + " message from " + m.instrument_code +
                                       " did not end normally; its results need a person's judgement"};
    if (!m.terminated_normally && m.observations.empty()) {
        auto q = to_quarantine(-1, nullptr, "{}", incomplete);
        if (!q) return q.error();
    }
    for (std::size_t i = 0; i < m.observations.size(); ++i) {
        const auto& o = m.observations[i];
        const int position = static_cast<int>(i);
        const std::string json = observation_json(o);
        domain::Result<Match> matched = m.terminated_normally ? match(tx, *instrument, o) : domain::Result<Match>(incomplete);
        if (!matched && matched.error().code.rfind("store.", 0) == 0) return matched.error();
        if (matched) {
            InstrumentResultEntry entry;
            entry.test_id = matched->test_id;
            entry.value_text = matched->value.value_text.value_or(matched->value.qualitative.value_or(""));
            entry.unit = matched->value.unit;
            entry.raw_message_id = stored->id;
            entry.flags = joined_flags(o.abnormal_flags);
            auto result = put_result_on_test(tx, entry, actor);
            if (result) {
                receipt.result_ids.push_back(*result);
                ++receipt.accepted;
                record_observation(tx, stored->id, position, o, json, true, *result);
                continue;
            }
            if (!is_quarantine_reason(result.error())) return result.error();
            matched = result.error();
        }
        auto q = to_quarantine(position, &o, json, matched.error());
        if (!q) return q.error();
        record_observation(tx, stored->id, position, o, json, false, *q);
    }
    return receipt;
}

domain::Result<IngestReceipt> ingest_message(store::Database& db, const IncomingMessage& message,
                                             const std::string& actor) {
    auto outcome = db.write([&](store::Transaction& tx) { return ingest_message_in(tx, message, actor); });
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0) return ingest_store_error(outcome.error());
    return outcome;
}

}  // namespace lims::workflow::ingest
