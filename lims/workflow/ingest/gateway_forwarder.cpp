#include "lims/workflow/ingest/gateway_forwarder.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

namespace lims::workflow::ingest {

namespace {

constexpr const char* kObservationsPath = "/api/v1/ingest/observations";
constexpr const char* kReadingsPath = "/api/v1/ingest/readings";

bool delivered(int status) { return status >= 200 && status < 300; }

// A 4xx that re-sending the same batch cannot fix: the batch itself is refused. 401/403
// (a token expired or revoked), 408, 409 (the same key still in progress), 425 and 429
// are about the moment or the credentials and are retried.
bool refused_for_good(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 409 &&
           status != 425 && status != 429;
}

}  // namespace

std::string batch_key(const std::string& gateway_id, OutboxKind kind, std::int64_t first_row, std::int64_t last_row,
                      std::int64_t replays) {
    return "gw-" + gateway_id + "-" + (kind == OutboxKind::message ? "m" : "r") + "-" + std::to_string(first_row) +
           "-" + std::to_string(last_row) + (replays > 0 ? "-r" + std::to_string(replays) : "");
}

std::map<std::size_t, std::string> refused_rows(const std::string& answer, bool messages,
                                                const std::vector<std::size_t>& row_of_item,
                                                const std::vector<std::int64_t>& ids) {
    std::map<std::size_t, std::string> refused;
    Poco::JSON::Object::Ptr body;
    try {
        body = Poco::JSON::Parser().parse(answer).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return refused;  // not the ingest API's answer: nothing to tell apart
    } catch (const std::exception&) {
        return refused;
    }
    if (!body) return refused;
    auto item_row = [&](const Poco::JSON::Object::Ptr& o) -> std::optional<std::size_t> {
        if (!o || !o->has("index")) return std::nullopt;
        Poco::Int64 index = -1;
        try {
            index = o->getValue<Poco::Int64>("index");
        } catch (const Poco::Exception&) {
            return std::nullopt;
        }
        if (index < 0 || static_cast<std::size_t>(index) >= row_of_item.size()) return std::nullopt;
        const std::size_t position = row_of_item[static_cast<std::size_t>(index)];
        if (position >= ids.size()) return std::nullopt;
        return position;
    };
    auto text = [](const Poco::JSON::Object::Ptr& o, const char* name) {
        return o->has(name) && !o->isNull(name) ? o->getValue<std::string>(name) : std::string();
    };
    if (messages) {
        auto list = body->getArray("messages");
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            auto o = list->getObject(static_cast<unsigned>(i));
            if (!o || text(o, "status") != "refused") continue;
            if (auto position = item_row(o)) refused[*position] = text(o, "code") + ": " + text(o, "reason");
        }
    } else {
        // Readings the service cannot take until someone registers the logger; the others it
        // refuses (implausible, too old, conflicting) it keeps as rejections of its own.
        auto list = body->getArray("problems");
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            auto o = list->getObject(static_cast<unsigned>(i));
            if (!o || text(o, "code") != "reading.unknown_logger") continue;
            if (auto position = item_row(o)) {
                auto& reason = refused[*position];
                if (reason.empty()) reason = text(o, "code") + ": " + text(o, "detail");
            }
        }
    }
    return refused;
}

OutboxForwarder::OutboxForwarder(GatewayOutbox& outbox, IngestTransport& transport, ForwarderOptions options)
    : outbox_(outbox), transport_(transport), options_(std::move(options)) {}

OutboxForwarder::~OutboxForwarder() { stop(); }

ForwardPass OutboxForwarder::send(OutboxKind kind) {
    ForwardPass pass;
    const bool messages = kind == OutboxKind::message;
    for (;;) {
        auto rows = messages ? outbox_.pending(kind, options_.max_messages_per_batch, SIZE_MAX)
                             : outbox_.pending(kind, options_.max_readings_per_batch, options_.max_readings_per_batch);
        if (!rows) {
            pass.service_unavailable = true;
            pass.problem = rows.error().message;
            return pass;
        }
        if (rows->empty()) return pass;
        // The rows' JSON goes into the batch as stored: parse each once to nest it.
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        std::vector<std::int64_t> ids;
        std::vector<std::size_t> row_of_item;  // the position in `ids` of each item posted
        std::vector<std::int64_t> unreadable;
        std::int64_t replays = 0;
        for (const auto& row : *rows) {
            try {
                Poco::JSON::Parser parser;
                auto parsed = parser.parse(row.body);
                if (messages) {
                    items->add(parsed);
                    row_of_item.push_back(ids.size());
                } else {
                    auto list = parsed.extract<Poco::JSON::Array::Ptr>();
                    for (std::size_t i = 0; i < list->size(); ++i) {
                        items->add(list->get(static_cast<unsigned>(i)));
                        row_of_item.push_back(ids.size());
                    }
                }
                ids.push_back(row.id);
                replays += row.replays;
            } catch (const Poco::Exception&) {
                unreadable.push_back(row.id);  // written by this program, so only a damaged file
            }
        }
        if (!unreadable.empty()) {
            if (options_.log) options_.log(std::to_string(unreadable.size()) + " outbox row(s) unreadable, kept as rejected");
            (void)outbox_.mark_rejected(unreadable, "unreadable JSON in the outbox");
            pass.rows_rejected += unreadable.size();
        }
        if (ids.empty()) continue;
        Poco::JSON::Object body;
        body.set(messages ? "messages" : "readings", items);
        std::ostringstream text;
        body.stringify(text);
        const auto key = batch_key(outbox_.gateway_id(), kind, ids.front(), ids.back(), replays);
        const auto reply = transport_.post(messages ? kObservationsPath : kReadingsPath, key, text.str());
        if (delivered(reply.status)) {
            // A 2xx takes the batch, but the service may refuse single messages or readings
            // in it (an instrument or logger it does not know): those rows are kept as
            // refused, never marked delivered.
            const auto refusals = refused_rows(reply.body, messages, row_of_item, ids);
            std::vector<std::int64_t> taken;
            for (std::size_t i = 0; i < ids.size(); ++i)
                if (!refusals.count(i)) taken.push_back(ids[i]);
            for (const auto& [position, reason] : refusals) {
                if (options_.log)
                    options_.log("outbox row " + std::to_string(ids[position]) +
                                 " refused by the service, kept for replay: " + reason);
                if (auto ok = outbox_.mark_refused({ids[position]}, reason); !ok) {
                    pass.service_unavailable = true;
                    pass.problem = ok.error().message;
                    return pass;
                }
            }
            pass.rows_refused += refusals.size();
            if (auto ok = outbox_.mark_delivered(taken, "HTTP " + std::to_string(reply.status)); !ok) {
                // Delivered but not marked: the next pass re-sends it, the service counts
                // it as a duplicate (same key, or same message hash).
                pass.service_unavailable = true;
                pass.problem = ok.error().message;
                return pass;
            }
            ++pass.batches_delivered;
            pass.rows_delivered += taken.size();
            continue;
        }
        if (refused_for_good(reply.status)) {
            const std::string reason = "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 2000);
            if (options_.log) options_.log("ingest batch " + key + " refused by the service, kept as rejected: " + reason);
            if (auto ok = outbox_.mark_rejected(ids, reason); !ok) {
                pass.service_unavailable = true;
                pass.problem = ok.error().message;
                return pass;
            }
            pass.rows_rejected += ids.size();
            continue;
        }
        pass.service_unavailable = true;
        pass.problem = reply.status == 0 ? reply.failure
                                         : "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 500);
        return pass;
    }
}

ForwardPass OutboxForwarder::forward_once() {
    ForwardPass total = send(OutboxKind::message);
    if (total.service_unavailable) return total;
    ForwardPass readings = send(OutboxKind::readings);
    total.batches_delivered += readings.batches_delivered;
    total.rows_delivered += readings.rows_delivered;
    total.rows_rejected += readings.rows_rejected;
    total.rows_refused += readings.rows_refused;
    total.service_unavailable = readings.service_unavailable;
    total.problem = readings.problem;
    return total;
}

void OutboxForwarder::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void OutboxForwarder::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxForwarder::nudge() {
    {
        std::lock_guard lock(mutex_);
        nudged_ = true;
    }
    wake_.notify_all();
}

void OutboxForwarder::run() {
    auto delay = options_.first_retry;
    for (;;) {
        const ForwardPass pass = forward_once();
        std::chrono::milliseconds wait = options_.idle_poll;
        if (pass.service_unavailable) {
            if (options_.log) options_.log("service not taking ingest batches (" + pass.problem + "); retry in " +
                                           std::to_string(delay.count()) + " ms");
            wait = delay;
            delay = std::min(delay * 2, options_.max_retry);
        } else {
            delay = options_.first_retry;
        }
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, wait, [this, &pass] { return stopping_ || (nudged_ && !pass.service_unavailable); });
        nudged_ = false;
        if (stopping_) return;
    }
}

}  // namespace lims::workflow::ingest
