// The gateway's side of host queries: an IngestSink that commits through another sink (the
// gateway's outbox) and answers an analyzer's query by asking the service
// (GET /api/v1/ingest/orders with the gateway's ingest token). `lims gateway` wraps its
// OutboxSink in it; a service that cannot be reached is a failure, which the ASTM driver
// answers "no information" (and the driver's deadline bounds a service that is slow).
#pragma once

#include "drivers/ingest_sink.hpp"
#include "lims/workflow/ingest/gateway_forwarder.hpp"

#include <functional>
#include <string>

namespace lims::workflow::ingest {

// The service's orders route, relative to the service URL.
inline constexpr const char* kOrdersPath = "/api/v1/ingest/orders";

// GET of a path with its query string; HttpIngestTransport::get in the gateway.
using OrdersFetch = std::function<PostReply(const std::string& path_and_query)>;

// "/api/v1/ingest/orders?instrument=..&specimen=a,b": percent-encoded. Specimen ids
// holding the list's comma cannot be asked (they get no information) and are left out.
std::string orders_path(const drivers::OrderQuery& query);

// The route's 200 body as an answer; a body of the wrong shape is a failure
// ("gateway.orders_body") naming what is wrong.
drivers::QueryOutcome parse_orders_body(const std::string& body);

class RemoteOrdersSink : public drivers::IngestSink {
public:
    RemoteOrdersSink(drivers::IngestSink& commits, OrdersFetch fetch) : commits_(commits), fetch_(std::move(fetch)) {}
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& message) override {
        return commits_.commit_message(message);
    }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override {
        return commits_.commit_readings(readings);
    }
    // Failures: gateway.orders_unreachable (no answer), ingest.unknown_instrument (404),
    // gateway.orders_refused (any other status, with the service's words), gateway.orders_body.
    drivers::QueryOutcome query_orders(const drivers::OrderQuery& query) override;

private:
    drivers::IngestSink& commits_;
    OrdersFetch fetch_;
};

}  // namespace lims::workflow::ingest
