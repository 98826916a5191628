// A sans-I/O HTTP/1.1 request parser (RFC 9112) for the asynchronous HTTP front
// (http_front.hpp): bytes in, one request out, in any split of the input. It owns no
// socket, no thread and no clock; the front reads, feeds, and acts on what it says.
// Malformed or oversized input ends in a refusal naming the problem and its status
// (400, 413, 414, 431, 501, 505), after which the connection is closed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lims::api::http {

struct RequestLimits {
    // The request line (method, target, version): longer is 414. Poco's server took
    // targets up to 16 KiB (HTTPRequest::MAX_URI_LENGTH); the same here.
    std::size_t maxRequestLine = 16 * 1024;
    // The header section, trailers of a chunked body included: more is 431 (RFC 6585 §5).
    std::size_t maxHeaderBytes = 64 * 1024;
    std::size_t maxHeaderFields = 100;  // Poco's default field limit
    std::size_t maxBodyBytes = 1024 * 1024;  // lims.http.body.limit: more is 413
};

// A complete request as received: header names lower-cased, in order, values trimmed.
struct ParsedRequest {
    std::string method;
    std::string target;  // raw, as on the request line
    int minorVersion = 1;  // HTTP/1.<minor>
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // a chunked body is decoded
    bool keepAlive = true;  // what the client asked for (Connection, version)

    // The last value of a header (lower-case name), or nullptr.
    const std::string* header(std::string_view lowerCaseName) const;
};

// Why a request is refused before it is complete: the connection is closed after the answer.
struct Refusal {
    int status = 400;
    std::string detail;  // what was wrong, for the problem's detail
};

class RequestParser {
public:
    explicit RequestParser(RequestLimits limits = {});

    // Consumes bytes of the current request and returns how many it took: it stops at the
    // end of a complete request (the rest, a pipelined next request, stays with the caller)
    // and at a refusal. Feeding after complete() or refused() takes nothing.
    std::size_t feed(std::string_view bytes);

    // The request line and headers are in; the body (if any) is next.
    bool headComplete() const { return state_ > State::Headers; }
    bool complete() const { return state_ == State::Complete; }
    const std::optional<Refusal>& refusal() const { return refusal_; }
    // Any byte of this request has arrived (empty lines before a request line count).
    bool started() const { return started_; }
    // After headComplete(): the client waits for "100 Continue" before sending its body
    // (Expect: 100-continue on HTTP/1.1 with a body to come).
    bool expectsContinue() const { return expectContinue_; }
    // The request so far (method, target, headers after headComplete()).
    const ParsedRequest& request() const { return request_; }

    // Takes the complete request and makes ready for the next one.
    ParsedRequest take();

private:
    enum class State { RequestLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Complete, Failed };

    // Gathers one line ending in LF (a CR before it dropped) into line_; false: more bytes needed.
    bool takeLine(std::string_view bytes, std::size_t& at, std::size_t limit, int statusPastLimit,
                  const char* what);
    void parseRequestLine();
    void parseHeaderLine(bool trailer);
    void endOfHead();
    void parseChunkSize();
    void fail(int status, std::string detail);

    RequestLimits limits_;
    State state_ = State::RequestLine;
    ParsedRequest request_;
    std::optional<Refusal> refusal_;
    std::string line_;
    std::size_t headerBytes_ = 0;  // of the header section so far, trailers included
    std::size_t leadingEmptyLines_ = 0;
    std::uint64_t remaining_ = 0;  // of the Content-Length body or the current chunk
    bool started_ = false;
    bool expectContinue_ = false;
};

}  // namespace lims::api::http
