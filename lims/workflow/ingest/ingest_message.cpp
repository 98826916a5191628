#include "lims/workflow/ingest/ingest_message.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/json_text.hpp"
#include "lims/store/quarantine_repository.hpp"
#include "lims/store/raw_message_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/utc_time.hpp"
#include "lims/workflow/ingest/observation_json.hpp"
#include "lims/workflow/ingest/result_step.hpp"
#include "lims/workflow/ingest/specimen.hpp"
#include "lims/workflow/ingest/test_lookup.hpp"
#include "lims/workflow/ingest/unit_conversion.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <utility>
#include <vector>

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

// What a message's own bytes give, worked out before its transaction: the committing
// thread runs every queued message's body in turn (store/database.hpp, group commit), so
// the less each body does besides database work, the more messages a commit takes.
struct PreparedMessage {
    std::string sha256;                         // of the raw bytes
    std::vector<std::string> observation_json;  // one per observation, in order
    std::string audit_json;                     // the raw_message.store entry's "after"
};

PreparedMessage prepare(const IncomingMessage& m) {
    PreparedMessage p;
    p.sha256 = store::sha256_hex(m.raw);
    p.audit_json = store::JsonObjectText()
                       .text("instrument", m.instrument_code)
                       .text("protocol", m.protocol)
                       .integer("bytes", static_cast<std::int64_t>(m.raw.size()))
                       .text("sha256", p.sha256)
                       .integer("observations", static_cast<std::int64_t>(m.observations.size()))
                       .str();
    p.observation_json.reserve(m.observations.size());
    for (const auto& o : m.observations) p.observation_json.push_back(observation_json(o));
    return p;
}

// The sample a specimen id names, checked once per message: an instrument message usually
// carries one specimen for all its results.
struct SpecimenSample {
    std::int64_t sample_id = 0;
    std::string sample_number;
};

using SpecimensFound = std::vector<std::pair<std::string, domain::Result<SpecimenSample>>>;

class SpecimenLookup {
public:
    explicit SpecimenLookup(store::Transaction& tx, SpecimensFound seen = {}) : tx_(tx), seen_(std::move(seen)) {}

    SpecimensFound take() { return std::move(seen_); }

    const domain::Result<SpecimenSample>& find(const std::string& specimen_id) {
        for (const auto& [id, found] : seen_)
            if (id == specimen_id) return found;
        seen_.emplace_back(specimen_id, resolve(specimen_id));
        return seen_.back().second;
    }

private:
    domain::Result<SpecimenSample> resolve(const std::string& specimen_id) {
        auto specimen = parse_specimen_id(specimen_id);
        if (!specimen)
            return domain::make_error("ingest.unknown_specimen",
                                      specimen.error().message + " (" + specimen.error().code + ")");
        auto sample = find_sample_id(tx_, specimen->sample_number);
        if (!sample)
            return domain::make_error("ingest.unknown_specimen",
                                      "specimen \"" + specimen_id + "\": " + sample.error().message);
        if (specimen->test_portion) {
            const auto portions = test_portion_count(tx_, *sample);
            if (*specimen->test_portion > portions)
                return domain::make_error("ingest.unknown_specimen",
                                          "specimen \"" + specimen_id + "\": sample " + specimen->sample_number +
                                              " has " + std::to_string(portions) + " test portion(s)");
        }
        return SpecimenSample{*sample, specimen->sample_number};
    }

    store::Transaction& tx_;
    SpecimensFound seen_;
};

// What a message needs from the registry, read before the write (SQLite): the instrument,
// its mappings of the message's codes, and the samples its specimen ids name. On SQLite
// one thread runs every queued message's body in turn under the write lock
// (store/database.hpp, group commit), so these reads are made beforehand on the caller's
// own thread, in a read transaction, and the body only writes and reads what can change
// under it (the tests and their results). The message is taken against the registry as it
// stood when the message arrived: an instrument retired or a mapping changed a moment
// later does not change what this message was. A sample number never changes its sample.
struct LookedUp {
    store::StoreResult<store::Instrument> instrument;
    std::vector<std::pair<std::string, store::StoreResult<store::TestMapping>>> mappings;  // by instrument code
    SpecimensFound specimens;
};

bool is_store_failure(const domain::Error& e) { return store::kind_of(e) != store::StoreErrorKind::not_found; }

std::optional<LookedUp> look_up(store::Database& db, const IncomingMessage& m) {
    if (db.dialect() != store::Dialect::sqlite || m.instrument_code.empty() || m.protocol.empty()) return std::nullopt;
    std::optional<LookedUp> out;
    auto read = db.read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        out.reset();
        store::InstrumentRepository instruments(tx);
        LookedUp l{instruments.get_by_code(m.instrument_code), {}, {}};
        if (!l.instrument) {
            if (is_store_failure(l.instrument.error())) return l.instrument.error();
        } else if (m.terminated_normally) {
            SpecimenLookup specimens(tx);
            for (const auto& o : m.observations) {
                if (!reportable_status(o.status)) continue;
                const bool known = std::any_of(l.mappings.begin(), l.mappings.end(),
                                               [&](const auto& found) { return found.first == o.test_code; });
                if (!known) {
                    auto mapping = instruments.find_mapping(l.instrument->id, o.test_code);
                    if (!mapping && is_store_failure(mapping.error())) return mapping.error();
                    l.mappings.emplace_back(o.test_code, std::move(mapping));
                }
                specimens.find(o.specimen_id);
            }
            l.specimens = specimens.take();
        }
        out.emplace(std::move(l));
        return store::Done{};
    });
    if (!read) return std::nullopt;  // looked up again inside the write, as before
    return out;
}

store::StoreResult<store::TestMapping> mapping_of(store::Transaction& tx, const store::Instrument& instrument,
                                                  const std::string& code, const LookedUp* looked_up) {
    if (looked_up)
        for (const auto& [known, mapping] : looked_up->mappings)
            if (known == code) return mapping;
    return store::InstrumentRepository(tx).find_mapping(instrument.id, code);
}

// Where an observation goes: a test of a sample, or quarantine with a reason.
struct Match {
    store::TestRecord test;  // as read in this transaction
    RecordedValue value;
};

domain::Result<Match> match(store::Transaction& tx, const store::Instrument& instrument,
                            const protocols::Observation& o, SpecimenLookup& specimens, const LookedUp* looked_up) {
    if (!reportable_status(o.status))
        return domain::make_error("ingest.status_not_reportable",
                                  "code " + o.test_code + ": result status \"" + o.status +
                                      "\" is not a result to review (F, C, R or none)");
    const auto& specimen = specimens.find(o.specimen_id);
    if (!specimen) return specimen.error();
    const std::int64_t sample_id = specimen->sample_id;
    auto mapping = mapping_of(tx, instrument, o.test_code, looked_up);
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
    return Match{std::move(test->record), *value};
}

// A message's observation rows, written in one multi-row INSERT once every observation has
// its outcome (one statement per message instead of one per observation; the rows keep
// their position order, so their ids do too). Nothing reads them back meanwhile.
class ObservationRows {
public:
    explicit ObservationRows(std::int64_t raw_message_id) : raw_message_id_(raw_message_id) {}

    void add(int position, const protocols::Observation& o, const std::string& json, bool result,
             std::int64_t target_id) {
        std::optional<std::int64_t> result_id, quarantine_id;
        if (result) result_id = target_id;
        else quarantine_id = target_id;
        params_.insert(params_.end(), {store::SqlParam(raw_message_id_), position, o.specimen_id, o.test_code, o.value,
                                       o.units, o.status, json, result ? "result" : "quarantined", result_id,
                                       quarantine_id});
        ++rows_;
    }
    void write(store::Transaction& tx) {
        // At most kMaxRows a statement: statements are compiled once per text (per row
        // count), so a few dozen cover every message, and no message nears a bound on
        // parameters.
        for (std::size_t from = 0; from < rows_; from += kMaxRows) {
            const std::size_t rows = std::min(kMaxRows, rows_ - from);
            store::sql(tx,
                       "INSERT INTO instrument_observations (raw_message_id, position, specimen_id, "
                       "instrument_test_code, value_text, units, status, observation_json, outcome, result_id, "
                       "quarantine_id) VALUES " +
                           store::sql_value_rows(rows, kColumns),
                       std::span<const store::SqlParam>(params_).subspan(from * kColumns, rows * kColumns));
        }
    }

private:
    static constexpr std::size_t kColumns = 11;
    static constexpr std::size_t kMaxRows = 32;
    std::int64_t raw_message_id_;
    std::size_t rows_ = 0;
    std::vector<store::SqlParam> params_;
};

}  // namespace

domain::Error ingest_store_error(const domain::Error& e) {
    const auto kind = store::kind_of(e);
    if (kind == store::StoreErrorKind::busy || kind == store::StoreErrorKind::unavailable)
        return domain::make_error(kUnavailable, "the database cannot take the message now: " + e.message);
    return domain::make_error(kStoreFailed, e.code + ": " + e.message);
}

bool is_retryable(const domain::Error& e) { return e.code == kUnavailable; }

// `gateway`: the ingest token's actor, whose organisation's subtree must hold the
// instrument; null for the service's own drivers.
domain::Result<IngestReceipt> ingest_prepared(store::Transaction& tx, const IncomingMessage& m,
                                              const PreparedMessage& prepared, const std::string& actor,
                                              const Actor* gateway = nullptr, const LookedUp* looked_up = nullptr) {
    if (m.instrument_code.empty()) return domain::make_error(kBadMessage, "the message names no instrument");
    if (m.protocol.empty())
        return domain::make_error(kBadMessage, "message from " + m.instrument_code + " names no protocol");
    const auto unknown = [&] {
        return domain::make_error(kUnknownInstrument, "instrument " + m.instrument_code + " is not registered; message refused");
    };
    if (gateway) {
        // Another organisation's instrument is refused exactly like an unregistered one.
        auto held = jurisdiction::holds_instrument(tx, *gateway, m.instrument_code);
        if (!held) return held.error();
        if (!*held) return unknown();
    }
    auto instrument = looked_up ? looked_up->instrument : store::InstrumentRepository(tx).get_by_code(m.instrument_code);
    if (!instrument) {
        if (store::kind_of(instrument.error()) == store::StoreErrorKind::not_found) return unknown();
        return instrument.error();
    }
    if (!instrument->active)
        return domain::make_error(kUnknownInstrument, "instrument " + m.instrument_code + " is retired; message refused");

    store::RawMessageRepository raw_messages(tx);
    auto stored = raw_messages.store(instrument->id, m.protocol, store::format_utc(m.received_at), m.raw, prepared.sha256);
    if (!stored) return stored.error();
    IngestReceipt receipt;
    receipt.raw_message_id = stored->id;
    if (stored->duplicate) {
        receipt.duplicate = true;
        receipt.duplicates = m.observations.size();
        return receipt;
    }
    tx.record({actor, "raw_message.store", "raw_message", std::to_string(stored->id), "", prepared.audit_json, ""});

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
    SpecimenLookup specimens(tx, looked_up ? looked_up->specimens : SpecimensFound{});
    ObservationRows observation_rows(stored->id);
    for (std::size_t i = 0; i < m.observations.size(); ++i) {
        const auto& o = m.observations[i];
        const int position = static_cast<int>(i);
        const std::string& json = prepared.observation_json.at(i);
        domain::Result<Match> matched =
            m.terminated_normally ? match(tx, *instrument, o, specimens, looked_up) : domain::Result<Match>(incomplete);
        if (!matched && matched.error().code.rfind("store.", 0) == 0) return matched.error();
        if (matched) {
            InstrumentResultEntry entry;
            entry.test_id = matched->test.id;
            entry.test_as_read = std::move(matched->test);
            entry.raw_message_stored_by_caller = true;
            entry.value_text = matched->value.value_text.value_or(matched->value.qualitative.value_or(""));
            entry.unit = matched->value.unit;
            entry.raw_message_id = stored->id;
            entry.flags = joined_flags(o.abnormal_flags);
            auto result = put_result_on_test(tx, entry, actor);
            if (result) {
                receipt.result_ids.push_back(*result);
                ++receipt.accepted;
                observation_rows.add(position, o, json, true, *result);
                continue;
            }
            if (!is_quarantine_reason(result.error())) return result.error();
            matched = result.error();
        }
        auto q = to_quarantine(position, &o, json, matched.error());
        if (!q) return q.error();
        observation_rows.add(position, o, json, false, *q);
    }
    observation_rows.write(tx);
    return receipt;
}

domain::Result<IngestReceipt> ingest_message_in(store::Transaction& tx, const IncomingMessage& m,
                                                const std::string& actor) {
    return ingest_prepared(tx, m, prepare(m), actor);
}

domain::Result<IngestReceipt> ingest_message(store::Database& db, const IncomingMessage& message,
                                             const std::string& actor) {
    const PreparedMessage prepared = prepare(message);  // outside the write lock
    const auto looked_up = look_up(db, message);         // likewise
    auto outcome = db.write([&](store::Transaction& tx) {
        return ingest_prepared(tx, message, prepared, actor, nullptr, looked_up ? &*looked_up : nullptr);
    });
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0) return ingest_store_error(outcome.error());
    return outcome;
}

domain::Result<IngestReceipt> ingest_message(store::Database& db, const IncomingMessage& message, const Actor& gateway) {
    const PreparedMessage prepared = prepare(message);  // outside the write lock
    const auto looked_up = look_up(db, message);         // likewise
    auto outcome = db.write([&](store::Transaction& tx) {
        return ingest_prepared(tx, message, prepared, gateway.name, &gateway, looked_up ? &*looked_up : nullptr);
    });
    if (!outcome && outcome.error().code.rfind("store.", 0) == 0) return ingest_store_error(outcome.error());
    return outcome;
}

}  // namespace lims::workflow::ingest
