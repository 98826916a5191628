// The gateway's forwarder: takes pending rows from the outbox oldest first, posts them in
// batches to the service's ingest API with an idempotency key made from the rows (so a
// re-sent batch is the same request), and marks them delivered on a 2xx. When the service
// is down it keeps everything and retries with capped exponential backoff; the service's
// duplicate rules (message hash, logger and second) make delivery exactly once even when
// an answer is lost. `lims gateway` runs one; tests drive forward_once() directly.
#pragma once

#include "lims/workflow/ingest/gateway_outbox.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lims::workflow::ingest {

struct PostReply {
    int status = 0;       // 0: no answer (connection refused, timeout)
    std::string body;
    std::string failure;  // why there was no answer
};

// Posts one JSON body to the service. Implemented over HTTP(S) by HttpIngestTransport.
class IngestTransport {
public:
    virtual ~IngestTransport() = default;
    virtual PostReply post(const std::string& path, const std::string& idempotency_key, const std::string& json) = 0;
};

struct ForwarderOptions {
    std::size_t max_messages_per_batch = 200;
    std::size_t max_readings_per_batch = 5'000;  // under the API's 10,000
    std::chrono::milliseconds idle_poll{200};      // how often an empty outbox is looked at
    std::chrono::milliseconds first_retry{500};
    std::chrono::milliseconds max_retry{30'000};   // an overnight outage is retried every 30 s
    std::function<void(const std::string&)> log;   // one line per delivery problem
};

struct ForwardPass {
    std::size_t batches_delivered = 0;
    std::size_t rows_delivered = 0;
    std::size_t rows_rejected = 0;
    std::size_t rows_refused = 0;  // messages or readings batches the service refused (kept, replayable)
    bool service_unavailable = false;  // stopped at a batch the service did not take
    std::string problem;
};

class OutboxForwarder {
public:
    OutboxForwarder(GatewayOutbox& outbox, IngestTransport& transport, ForwarderOptions options = {});
    ~OutboxForwarder();
    OutboxForwarder(const OutboxForwarder&) = delete;
    OutboxForwarder& operator=(const OutboxForwarder&) = delete;

    // Sends everything pending, batch by batch, until the outbox is empty or a batch is
    // not taken (service down, 5xx, 401/403).
    ForwardPass forward_once();

    // A thread that calls forward_once, backing off while the service is away.
    void start();
    void stop();
    // Wakes the thread now (a new row was committed).
    void nudge();

private:
    void run();
    ForwardPass send(OutboxKind kind);

    GatewayOutbox& outbox_;
    IngestTransport& transport_;
    ForwarderOptions options_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool nudged_ = false;
};

// The idempotency key of a batch: the gateway's id, the first and last row ids, and the
// replays of its rows, so the same rows make the same key, different rows never share one,
// and rows sent again after a refusal are a new request (not the refused answer replayed).
std::string batch_key(const std::string& gateway_id, OutboxKind kind, std::int64_t first_row, std::int64_t last_row,
                      std::int64_t replays = 0);

// Which rows of a batch the service's 2xx answer refused, by position in `ids`, with the
// reason: messages whose status is "refused", readings refused as from an unknown logger.
// `row_of_item` maps each posted item to its row. An answer that is not the ingest API's
// refuses nothing.
std::map<std::size_t, std::string> refused_rows(const std::string& answer, bool messages,
                                                const std::vector<std::size_t>& row_of_item,
                                                const std::vector<std::int64_t>& ids);

}  // namespace lims::workflow::ingest
