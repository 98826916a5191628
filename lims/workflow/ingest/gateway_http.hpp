// The forwarder's HTTP(S) transport: POSTs JSON to the service at a base URL with the
// gateway's ingest-scope bearer token and an Idempotency-Key, with connect and read
// deadlines. `lims gateway` makes one from --service and --token-file.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/workflow/ingest/gateway_forwarder.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace lims::workflow::ingest {

class HttpIngestTransport : public IngestTransport {
public:
    // base_url: "http://host:port" or "https://host:port" (a path prefix is kept).
    // Errors: gateway.service_url naming what is wrong with it.
    static domain::Result<std::unique_ptr<HttpIngestTransport>> create(const std::string& base_url, std::string token,
                                                                       std::chrono::seconds timeout = std::chrono::seconds(30));
    PostReply post(const std::string& path, const std::string& idempotency_key, const std::string& json) override;
    // GET of `path_and_query` (already percent-encoded), same token and deadlines: the
    // gateway's host-query look-ups (GET /api/v1/ingest/orders).
    PostReply get(const std::string& path_and_query);

private:
    template <class Send>
    PostReply exchange(Send&& send);

    HttpIngestTransport(std::string scheme, std::string host, unsigned short port, std::string prefix, std::string token,
                        std::chrono::seconds timeout);
    std::string scheme_, host_;
    unsigned short port_;
    std::string prefix_, token_;
    std::chrono::seconds timeout_;
};

}  // namespace lims::workflow::ingest
