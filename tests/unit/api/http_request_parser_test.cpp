// The asynchronous front's sans-I/O request parser (lims/api/http_request_parser.hpp):
// every split of the input gives the same request or the same refusal; limits and
// malformed input end in 400/413/414/417/431/501/505 naming the problem.
#include "lims/api/http_request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace lims::api::http;

namespace {

// What feeding `input` in the given pieces produced: the request (if complete), the
// refusal (if any), and how many bytes were left over after it.
struct Outcome {
    bool complete = false;
    std::optional<Refusal> refusal;
    ParsedRequest request;
    std::string rest;
};

Outcome feedPieces(const std::vector<std::string>& pieces, RequestLimits limits = {}) {
    RequestParser parser(limits);
    Outcome out;
    for (const auto& piece : pieces) {
        std::string_view left = piece;
        if (parser.complete() || parser.refusal()) {
            out.rest += piece;
            continue;
        }
        const std::size_t used = parser.feed(left);
        EXPECT_LE(used, left.size());
        out.rest += std::string(left.substr(used));
    }
    out.complete = parser.complete();
    out.refusal = parser.refusal();
    if (out.complete) out.request = parser.take();
    return out;
}

void expectSame(const Outcome& a, const Outcome& b, const std::string& how) {
    ASSERT_EQ(a.complete, b.complete) << how;
    ASSERT_EQ(a.refusal.has_value(), b.refusal.has_value()) << how;
    if (a.refusal) {
        EXPECT_EQ(a.refusal->status, b.refusal->status) << how;
        EXPECT_EQ(a.refusal->detail, b.refusal->detail) << how;
        return;  // what is left after a refusal does not matter: the connection closes
    }
    EXPECT_EQ(a.rest, b.rest) << how;
    EXPECT_EQ(a.request.method, b.request.method) << how;
    EXPECT_EQ(a.request.target, b.request.target) << how;
    EXPECT_EQ(a.request.headers, b.request.headers) << how;
    EXPECT_EQ(a.request.body, b.request.body) << how;
    EXPECT_EQ(a.request.keepAlive, b.request.keepAlive) << how;
}

// Feeds `input` whole, split at every point into two, and one byte at a time; all agree.
Outcome everySplit(const std::string& input, RequestLimits limits = {}) {
    const Outcome whole = feedPieces({input}, limits);
    for (std::size_t i = 1; i < input.size(); ++i)
        expectSame(whole, feedPieces({input.substr(0, i), input.substr(i)}, limits), "split at " + std::to_string(i));
    std::vector<std::string> bytes;
    for (char c : input) bytes.emplace_back(1, c);
    expectSame(whole, feedPieces(bytes, limits), "one byte at a time");
    return whole;
}

int refusedWith(const std::string& input, RequestLimits limits = {}) {
    const Outcome o = everySplit(input, limits);
    EXPECT_FALSE(o.complete) << input;
    EXPECT_TRUE(o.refusal) << input;
    return o.refusal ? o.refusal->status : 0;
}

std::string detailOf(const std::string& input, RequestLimits limits = {}) {
    const Outcome o = feedPieces({input}, limits);
    return o.refusal ? o.refusal->detail : "";
}

}  // namespace

TEST(HttpRequestParser, AGetWithHeadersAtEverySplit) {
    const auto o = everySplit("GET /api/v1/me?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization:  Bearer abc \r\n"
                              "X-Empty:\r\n\r\n");
    ASSERT_TRUE(o.complete);
    EXPECT_EQ(o.request.method, "GET");
    EXPECT_EQ(o.request.target, "/api/v1/me?x=1");
    EXPECT_EQ(o.request.minorVersion, 1);
    ASSERT_EQ(o.request.headers.size(), 3u);
    EXPECT_EQ(o.request.headers[1].first, "authorization");  // names lower-cased
    EXPECT_EQ(o.request.headers[1].second, "Bearer abc");    // values trimmed
    EXPECT_EQ(o.request.headers[2].second, "");
    EXPECT_TRUE(o.request.keepAlive);
    EXPECT_EQ(o.request.body, "");
    EXPECT_EQ(o.rest, "");
}

TEST(HttpRequestParser, ABodyByContentLengthAndAPipelinedNextRequestLeftOver) {
    const std::string next = "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n";
    const auto o = everySplit("POST /api/v1/samples HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n"
                              "{\"a\":\"b\r\n\"}" + next);
    ASSERT_TRUE(o.complete);
    EXPECT_EQ(o.request.body, "{\"a\":\"b\r\n\"}");
    EXPECT_EQ(o.rest, next);
    const auto second = everySplit(o.rest);
    ASSERT_TRUE(second.complete);
    EXPECT_EQ(second.request.target, "/healthz");
}

TEST(HttpRequestParser, AChunkedBodyIsDecodedWithExtensionsAndTrailersDropped) {
    const auto o = everySplit("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "5;name=value\r\nhello\r\n1A\r\n, and twenty-one more byte\r\n0\r\nX-Checksum: 1\r\n\r\nNEXT");
    ASSERT_TRUE(o.complete);
    EXPECT_EQ(o.request.body, "hello, and twenty-one more byte");
    EXPECT_EQ(o.rest, "NEXT");
    EXPECT_EQ(o.request.headers.size(), 2u);  // Host and Transfer-Encoding: the trailer is not a header
}

TEST(HttpRequestParser, ConnectionAndVersionDecideKeepAlive) {
    EXPECT_FALSE(everySplit("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n").request.keepAlive);
    EXPECT_TRUE(everySplit("GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, keep-alive\r\n\r\n").request.keepAlive);
    EXPECT_FALSE(everySplit("GET / HTTP/1.0\r\n\r\n").request.keepAlive);
    const auto old = everySplit("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    EXPECT_TRUE(old.request.keepAlive);
    EXPECT_EQ(old.request.minorVersion, 0);
}

TEST(HttpRequestParser, LfOnlyLinesAndLeadingEmptyLinesAreTolerated) {
    const auto o = everySplit("\r\n\nGET /a HTTP/1.1\nHost: x\n\n");
    ASSERT_TRUE(o.complete);
    EXPECT_EQ(o.request.target, "/a");
    std::string nineEmptyLines;
    for (int i = 0; i < 9; ++i) nineEmptyLines += "\r\n";
    EXPECT_EQ(refusedWith(nineEmptyLines + "GET / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(HttpRequestParser, ExpectContinueIsSeenOnceTheHeadIsIn) {
    RequestParser parser;
    const std::string head = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n";
    EXPECT_EQ(parser.feed(head), head.size());
    EXPECT_TRUE(parser.headComplete());
    EXPECT_TRUE(parser.expectsContinue());
    EXPECT_FALSE(parser.complete());
    EXPECT_EQ(parser.feed("abc"), 3u);
    EXPECT_TRUE(parser.complete());
    EXPECT_EQ(parser.take().body, "abc");
    // Nothing to continue to: no body, or HTTP/1.0.
    RequestParser empty;
    empty.feed("GET /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_TRUE(empty.complete());
    EXPECT_FALSE(empty.expectsContinue());
    EXPECT_EQ(refusedWith("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: something-else\r\n\r\nabc"), 417);
}

TEST(HttpRequestParser, TakeMakesReadyForTheNextRequest) {
    RequestParser parser;
    EXPECT_FALSE(parser.started());
    const std::string two = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
    const std::size_t used = parser.feed(two);
    EXPECT_EQ(used, two.size() / 2);
    EXPECT_TRUE(parser.started());
    EXPECT_EQ(parser.take().target, "/1");
    EXPECT_FALSE(parser.started());
    EXPECT_EQ(parser.feed(std::string_view(two).substr(used)), two.size() / 2);
    EXPECT_EQ(parser.take().target, "/2");
    EXPECT_EQ(parser.feed(""), 0u);
    EXPECT_FALSE(parser.started());
}

TEST(HttpRequestParser, MalformedRequestLinesAre400Or505) {
    EXPECT_EQ(refusedWith("GET /\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1 extra\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("GET /a\x01z HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("GET / HTTQ/1.1\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("GET / HTTP/1.x\r\n\r\n"), 400);
    const char hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n";  // a TLS hello
    EXPECT_EQ(refusedWith(std::string(hello, sizeof hello - 1)), 400);
    EXPECT_EQ(refusedWith("GET / HTTP/2.0\r\n\r\n"), 505);
    EXPECT_EQ(refusedWith(std::string(40, 'M') + " / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_NE(detailOf("GET / HTTP/1.1 extra\r\n\r\n").find("single spaces"), std::string::npos);
    EXPECT_NE(detailOf("GET / HTTP/2.0\r\n\r\n").find("HTTP version 2.0"), std::string::npos);
}

TEST(HttpRequestParser, MalformedHeadersAre400) {
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nno colon here\r\n\r\n"), 400);
    EXPECT_NE(detailOf("GET / HTTP/1.1\r\nHost: h\r\nno colon here\r\n\r\n").find("no colon"), std::string::npos);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nHost : x\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  folded\r\n\r\n"), 400);
    EXPECT_NE(detailOf("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  folded\r\n\r\n").find("folding"), std::string::npos);
    const char nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n";
    EXPECT_EQ(refusedWith(std::string(nul, sizeof nul - 1)), 400);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n"), 400);
}

TEST(HttpRequestParser, BodyFramingThatCouldBeReadTwoWaysIsRefused) {
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"), 400);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd"), 400);
    EXPECT_TRUE(everySplit("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc").complete);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), 400);
    EXPECT_NE(detailOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n").find("both"),
              std::string::npos);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n"), 501);
    EXPECT_EQ(refusedWith("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
}

TEST(HttpRequestParser, MalformedChunksAre400) {
    const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    EXPECT_EQ(refusedWith(head + "zz\r\nab\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith(head + "2 x\r\nab\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith(head + "2\r\nabc\r\n0\r\n\r\n"), 400);
    EXPECT_NE(detailOf(head + "2\r\nabc\r\n0\r\n\r\n").find("longer than its chunk-size"), std::string::npos);
    EXPECT_EQ(refusedWith(head + "2;" + std::string(5000, 'e') + "\r\nab\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(refusedWith(head + "0\r\nbad trailer\r\n\r\n"), 400);
}

TEST(HttpRequestParser, BodiesOverTheLimitAre413BeforeTheyAreRead) {
    RequestLimits limits;
    limits.maxBodyBytes = 10;
    EXPECT_TRUE(everySplit("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits).complete);
    EXPECT_EQ(refusedWith("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits), 413);
    EXPECT_NE(detailOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits).find("limit of 10 bytes"), std::string::npos);
    const std::string chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    EXPECT_TRUE(everySplit(chunked + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", limits).complete);
    EXPECT_EQ(refusedWith(chunked + "5\r\n01234\r\n6\r\n", limits), 413);
    EXPECT_EQ(refusedWith(chunked + "FFFFFFFFFFFFFFFFFFFF\r\n", limits), 413);
}

TEST(HttpRequestParser, LongTargetsAre414AndLargeHeadersAre431) {
    RequestLimits limits;
    limits.maxRequestLine = 64;
    limits.maxHeaderBytes = 128;
    limits.maxHeaderFields = 4;
    EXPECT_TRUE(everySplit("GET /" + std::string(50, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits).complete);  // 64 bytes
    EXPECT_EQ(refusedWith("GET /" + std::string(51, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits), 414);
    // Refused before the line ends: a client sending 100 KB of target is stopped early.
    RequestParser parser(limits);
    const std::string huge = "GET /" + std::string(100'000, 'a');
    EXPECT_LT(parser.feed(huge), 100u);
    ASSERT_TRUE(parser.refusal());
    EXPECT_EQ(parser.refusal()->status, 414);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nX-A: " + std::string(130, 'v') + "\r\n\r\n", limits), 431);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", limits), 431);
    EXPECT_NE(detailOf("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", limits).find("more than 4 header fields"),
              std::string::npos);
    EXPECT_TRUE(everySplit("GET / HTTP/1.1\r\nHost: h\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits).complete);
    // Many small lines add up to the section's limit.
    std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 3; ++i) many += "X-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
    EXPECT_EQ(refusedWith(many + "\r\n", limits), 431);
}

TEST(HttpRequestParser, ANameIsAskedForByItsLastValue) {
    const auto o = everySplit("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
    ASSERT_NE(o.request.header("x-a"), nullptr);
    EXPECT_EQ(*o.request.header("x-a"), "2");
    EXPECT_EQ(o.request.header("x-b"), nullptr);
}

TEST(HttpRequestParser, Http11WithoutHostOrWithTwoHostsIs400NamingHost) {
    // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host and to
    // any request with more than one.
    EXPECT_EQ(refusedWith("GET /api/v1/me HTTP/1.1\r\nAccept: */*\r\n\r\n"), 400);
    EXPECT_NE(detailOf("GET /api/v1/me HTTP/1.1\r\nAccept: */*\r\n\r\n").find("no Host header"), std::string::npos);
    EXPECT_EQ(refusedWith("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"), 400);
    EXPECT_EQ(refusedWith("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400);
    EXPECT_NE(detailOf("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n").find("more than one Host"), std::string::npos);
    EXPECT_EQ(refusedWith("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
    // HTTP/1.0 may leave it out; an empty value is allowed (a target without authority).
    EXPECT_TRUE(everySplit("GET / HTTP/1.0\r\n\r\n").complete);
    EXPECT_TRUE(everySplit("GET / HTTP/1.1\r\nHOST:\r\n\r\n").complete);
}
