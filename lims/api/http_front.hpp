// The asynchronous HTTP(S) front of `lims serve` (lims.http.engine=asio): a few Boost.Asio
// I/O threads read every connection (request line, headers, body, with the limits and the
// whole-request deadline of ServerConfig) through the sans-I/O RequestParser, and only
// complete requests go to a pool of workers that call Dispatcher::dispatch. A slow or idle
// client holds a socket and a timer, never a thread. Server (server.hpp) owns one.
#pragma once

#include "lims/api/http_request_parser.hpp"
#include "lims/api/server.hpp"

#include <map>
#include <memory>
#include <string>

namespace lims::api::http {

class AsioFront {
public:
    // Binds the listening socket (throws Poco::Net::NetException when it cannot, and
    // Poco::IOException when the TLS certificate or key cannot be loaded).
    AsioFront(const ServerConfig& config, Dispatcher& dispatcher);
    ~AsioFront();
    AsioFront(const AsioFront&) = delete;
    AsioFront& operator=(const AsioFront&) = delete;

    void start();
    // Stops accepting, closes idle connections and those still sending a request (nothing
    // of theirs was dispatched), lets requests being handled finish and their answers be
    // written (with Connection: close), then returns.
    void stop();
    std::uint16_t port() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// "a=1&b=%20" → {a: 1, b: " "}; the first value of a name wins; a pair that does not
// decode is dropped. Both engines build Request::query with it.
std::map<std::string, std::string> parseQuery(const std::string& raw);

// The problem for a request the parser refused, typed by its status.
Problem refusalProblem(const Refusal& refusal);

}  // namespace lims::api::http
