#include "lims/api/http_request_parser.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace lims::api::http {

namespace {

// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line;
// a client sending more than a few is not speaking HTTP.
constexpr std::size_t kMaxLeadingEmptyLines = 8;
// A chunk-size line with its extensions (RFC 9112 §7.1.1), which are ignored.
constexpr std::size_t kMaxChunkLine = 4096;
// Poco's HTTPRequest::MAX_METHOD_LENGTH.
constexpr std::size_t kMaxMethod = 32;

// RFC 9110 §5.6.2 tchar.
bool isTokenChar(unsigned char c) {
    if (c >= '0' && c <= '9') return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

bool isToken(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return isTokenChar(static_cast<unsigned char>(c)); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Splits a comma-separated list (RFC 9110 §5.6.1), trimmed, empty elements dropped.
std::vector<std::string_view> listElements(std::string_view value) {
    std::vector<std::string_view> out;
    while (!value.empty()) {
        const auto comma = value.find(',');
        const auto element = trim(value.substr(0, comma));
        if (!element.empty()) out.push_back(element);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return out;
}

std::string printable(std::string_view s, std::size_t max = 40) {
    std::string out;
    for (char c : s.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7F) {
            out += c;
        } else {
            static const char* hex = "0123456789ABCDEF";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    if (s.size() > max) out += "...";
    return out;
}

}  // namespace

const std::string* ParsedRequest::header(std::string_view lowerCaseName) const {
    const std::string* found = nullptr;
    for (const auto& [name, value] : headers)
        if (name == lowerCaseName) found = &value;
    return found;
}

RequestParser::RequestParser(RequestLimits limits) : limits_(limits) {}

ParsedRequest RequestParser::take() {
    ParsedRequest out = std::move(request_);
    request_ = ParsedRequest{};
    state_ = State::RequestLine;
    refusal_.reset();
    line_.clear();
    headerBytes_ = 0;
    leadingEmptyLines_ = 0;
    remaining_ = 0;
    started_ = false;
    expectContinue_ = false;
    return out;
}

void RequestParser::fail(int status, std::string detail) {
    state_ = State::Failed;
    refusal_ = Refusal{status, std::move(detail)};
}

bool RequestParser::takeLine(std::string_view bytes, std::size_t& at, std::size_t limit, int statusPastLimit,
                             const char* what) {
    const char* begin = bytes.data() + at;
    const std::size_t available = bytes.size() - at;
    const void* lf = std::memchr(begin, '\n', available);
    const std::size_t take = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - begin) : available;
    // The limit counts the line without its CR LF.
    if (line_.size() + take > limit + 1) {
        fail(statusPastLimit, std::string(what) + " is longer than the limit of " + std::to_string(limit) + " bytes");
        return false;
    }
    line_.append(begin, take);
    at += take;
    if (!lf) return false;
    ++at;  // the LF
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.size() > limit) {
        fail(statusPastLimit, std::string(what) + " is longer than the limit of " + std::to_string(limit) + " bytes");
        return false;
    }
    return true;
}

std::size_t RequestParser::feed(std::string_view bytes) {
    std::size_t at = 0;
    while (at < bytes.size() && state_ != State::Complete && state_ != State::Failed) {
        switch (state_) {
            case State::RequestLine: {
                started_ = true;
                if (!takeLine(bytes, at, limits_.maxRequestLine, 414, "the request line")) break;
                if (line_.empty()) {
                    if (++leadingEmptyLines_ > kMaxLeadingEmptyLines)
                        fail(400, "more than " + std::to_string(kMaxLeadingEmptyLines) +
                                      " empty lines came before the request line");
                    break;
                }
                parseRequestLine();
                line_.clear();
                break;
            }
            case State::Headers:
            case State::Trailers: {
                const bool trailer = state_ == State::Trailers;
                const std::size_t left = limits_.maxHeaderBytes > headerBytes_ ? limits_.maxHeaderBytes - headerBytes_ : 0;
                if (!takeLine(bytes, at, left, 431, trailer ? "the trailer section" : "the header section")) {
                    if (refusal_ && refusal_->status == 431)
                        refusal_->detail = std::string(trailer ? "the trailer section" : "the header section") +
                                           " is larger than the limit of " + std::to_string(limits_.maxHeaderBytes) +
                                           " bytes";
                    break;
                }
                headerBytes_ += line_.size() + 2;
                if (line_.empty()) {
                    if (trailer)
                        state_ = State::Complete;
                    else
                        endOfHead();
                } else {
                    parseHeaderLine(trailer);
                }
                line_.clear();
                break;
            }
            case State::Body:
            case State::ChunkData: {
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size() - at));
                request_.body.append(bytes.data() + at, n);
                at += n;
                remaining_ -= n;
                if (remaining_ == 0) state_ = state_ == State::Body ? State::Complete : State::ChunkDataEnd;
                break;
            }
            case State::ChunkSize: {
                if (!takeLine(bytes, at, kMaxChunkLine, 400, "a chunk-size line")) break;
                parseChunkSize();
                line_.clear();
                break;
            }
            case State::ChunkDataEnd: {
                if (!takeLine(bytes, at, 0, 400, "the end of a chunk (CR LF after its data)")) {
                    if (refusal_) refusal_->detail = "a chunk's data is longer than its chunk-size says";
                    break;
                }
                state_ = State::ChunkSize;
                break;
            }
            case State::Complete:
            case State::Failed:
                break;
        }
    }
    return at;
}

void RequestParser::parseRequestLine() {
    const std::string_view line = line_;
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        return fail(400, "the request line is not \"METHOD target HTTP/1.1\" with single spaces: \"" + printable(line) + "\"");
    }
    const auto method = line.substr(0, sp1);
    const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto version = line.substr(sp2 + 1);
    if (!isToken(method) || method.size() > kMaxMethod)
        return fail(400, "the method \"" + printable(method) + "\" is not a token of at most " + std::to_string(kMaxMethod) +
                             " characters");
    if (target.empty()) return fail(400, "the request target is empty");
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F)
            return fail(400, "the request target holds a control character (percent-encode it): \"" + printable(target) + "\"");
    }
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
        version[5] > '9' || version[7] < '0' || version[7] > '9')
        return fail(400, "the request line does not end in an HTTP version: \"" + printable(version) + "\"");
    if (version[5] != '1') return fail(505, "HTTP version " + std::string(version.substr(5)) + " is not supported; use HTTP/1.1");
    request_.method = std::string(method);
    request_.target = std::string(target);
    request_.minorVersion = version[7] - '0';
    state_ = State::Headers;
}

void RequestParser::parseHeaderLine(bool trailer) {
    const std::string_view line = line_;
    if (line.front() == ' ' || line.front() == '\t')
        return fail(400, "a header line begins with white space (obsolete line folding is refused, RFC 9112 §5.2)");
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return fail(400, "a header line has no colon: \"" + printable(line) + "\"");
    const auto name = line.substr(0, colon);
    if (!isToken(name))
        return fail(400, "the header name \"" + printable(name) + "\" is not a token (no spaces before the colon)");
    const auto value = trim(line.substr(colon + 1));
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F)
            return fail(400, "the value of the header " + std::string(name) + " holds a control character");
    }
    if (trailer) return;  // trailers are checked, then dropped: nothing here reads them
    if (request_.headers.size() >= limits_.maxHeaderFields)
        return fail(431, "the request has more than " + std::to_string(limits_.maxHeaderFields) + " header fields");
    request_.headers.emplace_back(lower(name), std::string(value));
}

void RequestParser::endOfHead() {
    bool chunked = false;
    bool hasTransferEncoding = false;
    std::optional<std::string_view> contentLength;
    bool closeAsked = false, keepAliveAsked = false;
    std::string expectation;
    std::size_t hosts = 0;
    for (const auto& [name, value] : request_.headers) {
        if (name == "host") {
            ++hosts;
        } else if (name == "connection") {
            for (auto token : listElements(value)) {
                const auto t = lower(token);
                if (t == "close") closeAsked = true;
                if (t == "keep-alive") keepAliveAsked = true;
            }
        } else if (name == "transfer-encoding") {
            hasTransferEncoding = true;
            for (auto coding : listElements(value)) {
                if (chunked)
                    return fail(400, "the transfer coding \"chunked\" is not the last one in Transfer-Encoding (RFC 9112 §6.1)");
                if (lower(coding) != "chunked")
                    return fail(501, "the transfer coding \"" + printable(coding) +
                                         "\" is not supported; send the body with Content-Length or chunked");
                chunked = true;
            }
        } else if (name == "content-length") {
            for (auto element : listElements(value)) {
                if (contentLength && *contentLength != element)
                    return fail(400, "Content-Length is given twice with different values");
                contentLength = element;
            }
            if (!contentLength) return fail(400, "Content-Length is empty");
        } else if (name == "expect") {
            expectation = lower(value);
        }
    }
    if (hasTransferEncoding) {
        if (request_.minorVersion == 0) return fail(400, "Transfer-Encoding is not defined for HTTP/1.0 requests");
        if (!chunked) return fail(400, "Transfer-Encoding names no transfer coding");
        if (contentLength)
            return fail(400, "the request has both Content-Length and Transfer-Encoding (RFC 9112 §6.3); send one");
    }
    std::uint64_t length = 0;
    if (contentLength) {
        const auto digits = *contentLength;
        if (digits.size() > 19 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return fail(400, "Content-Length \"" + printable(digits) + "\" is not a number of bytes");
        for (char c : digits) length = length * 10 + static_cast<std::uint64_t>(c - '0');
        if (length > limits_.maxBodyBytes)
            return fail(413, "the request body of " + std::string(digits) + " bytes is larger than the limit of " +
                                 std::to_string(limits_.maxBodyBytes) + " bytes");
    }
    // RFC 9112 §3.2: an HTTP/1.1 request without Host, or any request with more than one, is 400.
    if (hosts == 0 && request_.minorVersion >= 1)
        return fail(400, "the request has no Host header, which HTTP/1.1 requires (RFC 9112 §3.2)");
    if (hosts > 1) return fail(400, "the request has more than one Host header (RFC 9112 §3.2)");
    request_.keepAlive = request_.minorVersion >= 1 ? !closeAsked : (keepAliveAsked && !closeAsked);
    const bool bodyComes = chunked || length > 0;
    if (!expectation.empty()) {
        if (expectation != "100-continue")
            return fail(417, "the expectation \"" + printable(expectation) + "\" is not supported (only 100-continue)");
        expectContinue_ = bodyComes && request_.minorVersion >= 1;
    }
    if (chunked) {
        state_ = State::ChunkSize;
    } else if (length > 0) {
        request_.body.reserve(static_cast<std::size_t>(length));
        remaining_ = length;
        state_ = State::Body;
    } else {
        state_ = State::Complete;
    }
}

void RequestParser::parseChunkSize() {
    const std::string_view line = line_;
    std::size_t i = 0;
    std::uint64_t size = 0;
    while (i < line.size() && std::isxdigit(static_cast<unsigned char>(line[i]))) {
        if (i >= 15) {  // past 2^60: far beyond any body limit
            return fail(413, "a chunk is larger than the body limit of " + std::to_string(limits_.maxBodyBytes) + " bytes");
        }
        const char c = line[i];
        const unsigned digit = c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
        size = size * 16 + digit;
        ++i;
    }
    if (i == 0) return fail(400, "a chunk-size line does not begin with a hexadecimal size: \"" + printable(line) + "\"");
    const auto rest = trim(line.substr(i));
    if (!rest.empty() && rest.front() != ';')
        return fail(400, "a chunk-size line has more than a size and extensions: \"" + printable(line) + "\"");
    if (size == 0) {
        state_ = State::Trailers;
        return;
    }
    if (request_.body.size() + size > limits_.maxBodyBytes)
        return fail(413, "the chunked request body is larger than the limit of " + std::to_string(limits_.maxBodyBytes) +
                             " bytes");
    remaining_ = size;
    state_ = State::ChunkData;
}

}  // namespace lims::api::http
