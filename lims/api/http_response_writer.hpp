// The bytes of an HTTP/1.1 response for the asynchronous HTTP front (http_front.hpp): the
// status line, the front's own headers (Date, Server, Content-Type, Content-Length,
// Connection) and the handler's, then the body. Sans-I/O like the request parser.
#pragma once

#include "lims/api/response.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace lims::api::http {

struct Framing {
    bool keepAlive = true;    // Connection: keep-alive, else close
    bool headRequest = false;  // HEAD: Content-Length of the body, no body
};

// RFC 9110 §15's reason phrase ("Not Found"); "Unknown" for a status it does not name.
std::string_view reasonPhrase(int status);

// An IMF-fixdate (RFC 9110 §5.6.7): "Mon, 07 Dec 2026 07:26:29 GMT".
std::string httpDate(std::chrono::system_clock::time_point t);

// The response's bytes. A header the handler set twice is sent once, its last value (as
// Poco's HTTPResponse::set did); the front's framing headers are never taken from the
// handler. 1xx, 204 and 304 carry neither Content-Length nor a body (RFC 9110 §8.6).
std::string responseBytes(const Response& response, const Framing& framing, std::string_view date);
// The same bytes appended to `out` (a connection reuses its buffer).
void appendResponseBytes(std::string& out, const Response& response, const Framing& framing, std::string_view date);

}  // namespace lims::api::http
