// The ingest endpoints gateways post batches to with an ingest token
// (/api/v1/ingest/observations, /ingest/readings), and add_ingest_routes, which registers
// them with the instrument, quarantine and logger-registration tables (ingest_common.hpp).
#include "lims/api/routes/ingest_common.hpp"

#include "lims/api/route_modules.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/observation_json.hpp"

#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <chrono>
#include <map>
#include <mutex>

namespace lims::api {

using namespace ingest_tables;

namespace {

using domain::Role;

// A gateway batches what arrived while the service was away; 500 messages of up to 1 MiB
// each stays under the server's body limit in practice, and 10,000 readings is a minute of
// 166 loggers polled every second (the gateway forwards far more often than that).
constexpr std::size_t kMaxMessagesPerBatch = 500;
constexpr std::size_t kMaxReadingsPerBatch = 10'000;
// Plausible temperatures in 0.01 °C for the JSON schema's bounds: liquid nitrogen to an oven.
constexpr std::int64_t kMinCentiCelsius = -20'000;
constexpr std::int64_t kMaxCentiCelsius = 20'000;

// ---- ingest ------------------------------------------------------------------------------------

FieldSchema observationSchema() {
    std::vector<FieldSchema> fields;
    for (const char* name : {"instrument_id", "specimen_id", "test_name", "universal_test_id", "value_type", "value",
                             "comparator", "number", "units", "reference_range", "status", "operator_id",
                             "observed_at"})
        fields.push_back(field::string(name).length(0, 4096).optional());
    fields.push_back(field::string("test_code").length(1, 256));
    fields.push_back(field::array("abnormal_flags", field::string("").length(0, 64)).count(0, 32).optional());
    fields.push_back(field::array("comments", field::string("").length(0, 65536).multiLineText()).count(0, 256).optional());
    return field::object("", ObjectSchema{std::move(fields)});
}

ObjectSchema observationsBatchSchema() {
    return ObjectSchema{{field::array(
        "messages",
        field::object("", ObjectSchema{{
                              field::string("instrument").length(1, 64),
                              field::string("protocol").oneOf({"astm", "hl7", "sics", "csv"}),
                              field::string("raw_base64").describedAs("the message's bytes exactly as received"),
                              field::string("received_at").withFormat("date-time"),
                              field::boolean("terminated_normally").optional(),
                              field::array("observations", observationSchema()).count(0, 10'000),
                          }}))
                            .count(1, kMaxMessagesPerBatch)}};
}

ObjectSchema readingsBatchSchema() {
    return ObjectSchema{{field::array("readings",
                                      field::object("", ObjectSchema{{
                                                            field::string("logger").length(1, 64),
                                                            field::integer("at_utc").range(0, INT64_MAX),
                                                            field::integer("centi_celsius")
                                                                .range(kMinCentiCelsius, kMaxCentiCelsius)
                                                                .orNull()
                                                                .describedAs("null: the sensor-fault value was read"),
                                                        }}))
                            .count(1, kMaxReadingsPerBatch)}};
}

std::optional<Problem> requireIdempotencyKey(const Request& r) {
    if (!r.header("idempotency-key").empty()) return std::nullopt;
    return problems::preconditionRequired(
        "Ingest batches need an Idempotency-Key header, so that a batch re-sent after a lost answer is taken once.");
}

std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& text) {
    Poco::DateTime parsed;
    int tz = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, parsed, tz) &&
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text, parsed, tz))
        return std::nullopt;
    parsed.makeUTC(tz);
    return std::chrono::system_clock::time_point(
        std::chrono::microseconds(parsed.timestamp().epochMicroseconds()));
}

// Refusals by code since the process started (a Prometheus counter).
struct RefusalCounts {
    std::mutex mutex;
    std::map<std::string, std::uint64_t> by_code;
};
RefusalCounts& refusal_counts() {
    static RefusalCounts counts;
    return counts;
}

Response ingestObservations(store::Database& db, const Request& r) {
    if (auto missing = requireIdempotencyKey(r)) return Response::problem(*missing);
    auto messages = r.json->getArray("messages");
    std::vector<workflow::ingest::IncomingMessage> batch;
    std::vector<FieldError> errors;
    for (std::size_t k = 0; k < messages->size(); ++k) {
        auto m = messages->getObject(static_cast<unsigned>(k));
        const std::string at = "messages[" + std::to_string(k) + "]";
        workflow::ingest::IncomingMessage in;
        in.instrument_code = m->getValue<std::string>("instrument");
        in.protocol = m->getValue<std::string>("protocol");
        in.terminated_normally = m->optValue<bool>("terminated_normally", true);
        auto raw = unbase64(m->getValue<std::string>("raw_base64"));
        if (!raw) errors.push_back({at + ".raw_base64", "is not base64"});
        else in.raw = std::move(*raw);
        auto when = parseTime(m->getValue<std::string>("received_at"));
        if (!when) errors.push_back({at + ".received_at", "is not an ISO 8601 date-time"});
        else in.received_at = *when;
        auto observations = m->getArray("observations");
        for (std::size_t j = 0; j < observations->size(); ++j) {
            auto o = workflow::ingest::observation_from_object(*observations->getObject(static_cast<unsigned>(j)));
            if (!o) errors.push_back({at + ".observations[" + std::to_string(j) + "]", o.error().message});
            else in.observations.push_back(std::move(*o));
        }
        batch.push_back(std::move(in));
    }
    if (!errors.empty()) return Response::problem(problems::validation(std::move(errors)));

    // One transaction per message, as in-process: a message refused (unknown instrument)
    // does not hold back the others. When the store fails, what committed stays committed
    // and the batch is answered 503: the gateway re-sends it and those count as duplicates.
    Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
    std::size_t accepted = 0, quarantined = 0, duplicates = 0, refused = 0;
    const workflow::Actor gateway = actor_of(r);
    for (std::size_t k = 0; k < batch.size(); ++k) {
        auto receipt = workflow::ingest::ingest_message(db, batch[k], gateway);
        auto o = newObject();
        o->set("index", static_cast<Poco::UInt64>(k));
        if (!receipt) {
            if (workflow::ingest::is_retryable(receipt.error()) || receipt.error().code == workflow::ingest::kStoreFailed)
                return Response::problem(problems::serviceUnavailable(
                    "message " + std::to_string(k) + ": " + receipt.error().message +
                    "; re-send the batch (messages already taken are counted as duplicates)"));
            o->set("status", "refused");
            o->set("code", receipt.error().code);
            o->set("reason", receipt.error().message);
            ++refused;
            {
                auto& counts = refusal_counts();
                std::lock_guard lock(counts.mutex);
                ++counts.by_code[receipt.error().code];
            }
        } else {
            o->set("status", receipt->duplicate ? "duplicate" : "committed");
            o->set("raw_message_id", receipt->raw_message_id);
            o->set("accepted", static_cast<Poco::UInt64>(receipt->accepted));
            o->set("quarantined", static_cast<Poco::UInt64>(receipt->quarantined));
            o->set("duplicates", static_cast<Poco::UInt64>(receipt->duplicates));
            accepted += receipt->accepted;
            quarantined += receipt->quarantined;
            duplicates += receipt->duplicates;
        }
        results->add(o);
    }
    auto body = newObject();
    body->set("accepted", static_cast<Poco::UInt64>(accepted));
    body->set("quarantined", static_cast<Poco::UInt64>(quarantined));
    body->set("duplicates", static_cast<Poco::UInt64>(duplicates));
    body->set("refused", static_cast<Poco::UInt64>(refused));
    body->set("messages", results);
    return Response::json(200, body);
}

Response ingestReadings(store::Database& db, const RouteContext& context, const Request& r) {
    if (auto missing = requireIdempotencyKey(r)) return Response::problem(*missing);
    auto readings = r.json->getArray("readings");
    std::vector<workflow::coldchain::IncomingReading> batch;
    batch.reserve(readings->size());
    for (std::size_t k = 0; k < readings->size(); ++k) {
        auto o = readings->getObject(static_cast<unsigned>(k));
        workflow::coldchain::IncomingReading in;
        in.logger = o->getValue<std::string>("logger");
        in.at_utc = o->getValue<Poco::Int64>("at_utc");
        if (!o->isNull("centi_celsius")) in.centi_celsius = static_cast<std::int32_t>(o->getValue<Poco::Int64>("centi_celsius"));
        batch.push_back(std::move(in));
    }
    const workflow::Actor gateway = actor_of(r);
    workflow::coldchain::ColdChainOptions options;
    options.actor = gateway.name;
    options.gateway = &gateway;
    options.calendar = context.calendar;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto report = workflow::coldchain::ingest_readings(db, batch, now, options);
    if (!report) return Response::error(workflow::ingest::ingest_store_error(report.error()));
    auto body = newObject();
    body->set("received", static_cast<Poco::UInt64>(report->received));
    body->set("stored", static_cast<Poco::UInt64>(report->stored));
    body->set("duplicates", static_cast<Poco::UInt64>(report->duplicates));
    body->set("rejected", static_cast<Poco::UInt64>(report->rejected));
    body->set("flagged", static_cast<Poco::UInt64>(report->flagged));
    Poco::JSON::Array::Ptr problems_list = new Poco::JSON::Array;
    for (const auto& p : report->problems) {
        auto o = newObject();
        o->set("index", static_cast<Poco::UInt64>(p.index));
        o->set("logger", p.logger);
        o->set("at_utc", p.at_utc);
        o->set("code", p.code);
        o->set("detail", p.detail);
        o->set("stored", p.stored);
        problems_list->add(o);
    }
    body->set("problems", problems_list);
    return Response::json(200, body);
}

}  // namespace

std::vector<Gauge> ingest_refusal_gauges() {
    static const std::string help =
        "Ingest messages answered refused inside a 200 (unknown or inactive instrument); the gateway keeps them for replay.";
    std::vector<Gauge> out;
    auto& counts = refusal_counts();
    std::lock_guard lock(counts.mutex);
    for (const auto& [code, n] : counts.by_code)
        out.push_back({"lims_ingest_messages_refused_total", help, "code=\"" + code + "\"", static_cast<double>(n), "counter"});
    if (out.empty()) out.push_back({"lims_ingest_messages_refused_total", help, "", 0.0, "counter"});
    return out;
}

void add_ingest_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    add_instrument_routes(router, db, context.instrumentStatus, context.devicePolicy);
    add_logger_registration_routes(router, db, context.instrumentStatus, context.devicePolicy);
    add_quarantine_routes(router, db);
    router.add({"POST", "/api/v1/ingest/observations", "ingestObservations",
                "A gateway's batch of instrument messages (raw bytes and decoded observations); Idempotency-Key "
                "required",
                AuthRequirement::Ingest, observationsBatchSchema(),
                [db](const Request& r) { return ingestObservations(*db, r); }, 200, kIngest, KeyReplay::rerun});
    router.add({"POST", "/api/v1/ingest/readings", "ingestReadings",
                "A gateway's batch of logger readings; Idempotency-Key required", AuthRequirement::Ingest,
                readingsBatchSchema(), [db, context](const Request& r) { return ingestReadings(*db, context, r); }, 200,
                kIngest, KeyReplay::rerun});
}

}  // namespace lims::api
