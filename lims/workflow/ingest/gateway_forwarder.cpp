#include "lims/workflow/ingest/gateway_forwarder.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
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

std::string batch_key(const std::string& gateway_id, OutboxKind kind, std::int64_t first_row, std::int64_t last_row) {
    return "gw-" + gateway_id + "-" + (kind == OutboxKind::message ? "m" : "r") + "-" + std::to_string(first_row) +
           "-" + std::to_string(last_row);
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
        std::vector<std::int64_t> unreadable;
        for (const auto& row : *rows) {
            try {
                Poco::JSON::Parser parser;
                auto parsed = parser.parse(row.body);
                if (messages) {
                    items->add(parsed);
                } else {
                    auto list = parsed.extract<Poco::JSON::Array::Ptr>();
                    for (std::size_t i = 0; i < list->size(); ++i) items->add(list->get(static_cast<unsigned>(i)));
                }
                ids.push_back(row.id);
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
        const auto key = batch_key(outbox_.gateway_id(), kind, ids.front(), ids.back());
        const auto reply = transport_.post(messages ? kObservationsPath : kReadingsPath, key, text.str());
        if (delivered(reply.status)) {
            if (auto ok = outbox_.mark_delivered(ids, "HTTP " + std::to_string(reply.status)); !ok) {
                // Delivered but not marked: the next pass re-sends it, the service counts
                // it as a duplicate (same key, or same message hash).
                pass.service_unavailable = true;
                pass.problem = ok.error().message;
                return pass;
            }
            ++pass.batches_delivered;
            pass.rows_delivered += ids.size();
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
