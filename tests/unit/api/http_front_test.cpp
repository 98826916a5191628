// The asynchronous HTTP front (lims/api/http_front.hpp) over real loopback sockets: what
// only it does beyond the tests both engines share in server_test.cpp — idle and slow
// connections hold no worker, 100-continue, pipelining, HEAD, refusals as problems, and a
// stop that lets a request in progress finish.
#include "lims/api/json_text.hpp"
#include "lims/api/server.hpp"
#include "support/http_client.hpp"

#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

using namespace lims::api;
using lims::api::testing::call;
using namespace std::chrono_literals;

namespace {

std::atomic<int> slowHandled{0};
// Requests to /hold wait until released (or 5 s): a handler busy for as long as a test likes.
std::mutex holdMutex;
std::condition_variable holdReleased;
bool holdOpen = false;
Response holdUntilReleased() {
    std::unique_lock lock(holdMutex);
    holdReleased.wait_for(lock, 5s, [] { return holdOpen; });
    return Response::text(200, "text/plain", "released");
}
void releaseHolds() {
    {
        std::lock_guard lock(holdMutex);
        holdOpen = true;
    }
    holdReleased.notify_all();
}

Router frontRoutes() {
    Router router;
    router.add({"GET", "/echo/{id}", "echo", "Echo a parameter", AuthRequirement::Public, std::nullopt,
                [](const Request& r) {
                    auto o = newObject();
                    o->set("id", r.params.at("id"));
                    o->set("from", r.clientAddress);
                    return Response::json(200, o);
                }});
    router.add({"HEAD", "/echo/{id}", "echoHead", "Echo's head", AuthRequirement::Public, std::nullopt,
                [](const Request&) { return Response::text(200, "text/plain", "twelve bytes"); }});
    router.add({"POST", "/things", "createThing", "Create a thing", AuthRequirement::Public,
                ObjectSchema{{field::string("name").length(1, 20)}},
                [](const Request& r) {
                    auto o = newObject();
                    o->set("name", r.json->getValue<std::string>("name"));
                    return Response::json(201, o);
                }, 201});
    router.add({"POST", "/hold", "holdPost", "Waits until released", AuthRequirement::Public, std::nullopt,
                [](const Request&) { return holdUntilReleased(); }});
    router.add({"GET", "/hold", "holdGet", "Waits until released", AuthRequirement::Public, std::nullopt,
                [](const Request&) { return holdUntilReleased(); }});
    router.add({"GET", "/slow", "slow", "Takes 800 ms", AuthRequirement::Public, std::nullopt,
                [](const Request&) {
                    std::this_thread::sleep_for(800ms);
                    ++slowHandled;
                    return Response::text(200, "text/plain", "done");
                }});
    return router;
}

std::vector<std::string> labels(const Router& r) {
    std::vector<std::string> out;
    for (const auto& route : r.routes()) out.push_back(route.operationId);
    return out;
}

// Sends raw bytes and reads until the server closes or `wait` passes.
std::string exchangeRaw(Poco::Net::StreamSocket& s, const std::string& bytes, std::chrono::milliseconds wait = 3s,
                        std::size_t enough = std::string::npos) {
    if (!bytes.empty()) s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string answer;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until && answer.size() < enough) {
        if (!s.poll(Poco::Timespan(0, 50'000), Poco::Net::Socket::SELECT_READ)) continue;
        char buffer[4096];
        int n = 0;
        try {
            n = s.receiveBytes(buffer, sizeof buffer);
        } catch (const Poco::Exception&) {
            break;
        }
        if (n <= 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    return answer;
}

int countOf(const std::string& haystack, const std::string& needle) {
    int n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

class HttpFrontTest : public ::testing::Test {
protected:
    HttpFrontTest() : metrics(labels(router)), dispatcher(router, metrics, nullptr) {}
    void SetUp() override {
        slowHandled = 0;
        holdOpen = false;
        ServerConfig config;
        config.engine = HttpEngine::asio;
        config.port = 0;
        config.maxThreads = 2;
        config.maxBodyBytes = 1024;
        config.keepAliveTimeout = 2s;
        config.requestDeadline = 2s;
        server = std::make_unique<Server>(config, dispatcher);
        server->start();
        port = server->port();
    }
    Poco::Net::StreamSocket connect() { return Poco::Net::StreamSocket(Poco::Net::SocketAddress("127.0.0.1", port)); }

    Router router = frontRoutes();
    Metrics metrics;
    Dispatcher dispatcher;
    std::unique_ptr<Server> server;
    std::uint16_t port = 0;
};

}  // namespace

TEST_F(HttpFrontTest, IdleAndTricklingConnectionsHoldNoWorker) {
    // Two workers; two hundred connections, half idle, half sending half a request line.
    std::vector<Poco::Net::StreamSocket> held;
    for (int i = 0; i < 200; ++i) {
        held.push_back(connect());
        if (i % 2) held.back().sendBytes("GET /echo/", 10);
    }
    for (int i = 0; i < 20; ++i) {
        const auto asked = std::chrono::steady_clock::now();
        auto r = call(port, "GET", "/echo/" + std::to_string(i));
        EXPECT_EQ(r.status, 200);
        EXPECT_LT(std::chrono::steady_clock::now() - asked, 500ms) << "request " << i << " waited";
    }
}

TEST_F(HttpFrontTest, ExpectContinueIsAnsweredBeforeTheBody) {
    auto s = connect();
    const std::string body = R"({"name":"abc"})";
    const std::string head = "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                             "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    const std::string interim = exchangeRaw(s, head, 2s, 25);
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    const std::string final = exchangeRaw(s, body, 2s, 1);
    EXPECT_EQ(final.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << final;
}

TEST_F(HttpFrontTest, ExpectContinueWithABodyOverTheLimitIs413WithoutContinue) {
    auto s = connect();
    const std::string answer = exchangeRaw(
        s, "POST /things HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n", 3s);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos);
    EXPECT_NE(answer.find("urn:lims:problem:payload-too-large"), std::string::npos);
}

TEST_F(HttpFrontTest, PipelinedRequestsAreAnsweredInOrder) {
    auto s = connect();
    const std::string answer = exchangeRaw(s,
                                           "GET /echo/one HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/two HTTP/1.1\r\nHost: x\r\n\r\n"
                                           "GET /echo/three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                           3s);
    EXPECT_EQ(countOf(answer, "HTTP/1.1 200 OK"), 3) << answer;
    const auto one = answer.find("\"one\""), two = answer.find("\"two\""), three = answer.find("\"three\"");
    ASSERT_NE(three, std::string::npos);
    EXPECT_LT(one, two);
    EXPECT_LT(two, three);
    EXPECT_EQ(countOf(answer, "Connection: keep-alive"), 2);
    EXPECT_EQ(countOf(answer, "Connection: close"), 1);
}

TEST_F(HttpFrontTest, HeadGetsTheLengthButNoBody) {
    auto s = connect();
    const std::string answer = exchangeRaw(s, "HEAD /echo/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("Content-Length: 12\r\n"), std::string::npos) << answer;
    EXPECT_EQ(answer.substr(answer.size() - 4), "\r\n\r\n") << answer;
}

TEST_F(HttpFrontTest, MalformedRequestsGetAProblemAndTheConnectionCloses) {
    struct Case {
        std::string bytes;
        std::string status;
        std::string type;
    };
    const std::vector<Case> cases{
        {"GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n", "400", "urn:lims:problem:bad-request"},
        {"GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n", "400", "no Host header"},
        {"GET /" + std::string(20'000, 'a') + " HTTP/1.1\r\n\r\n", "414", "urn:lims:problem:uri-too-long"},
        {"GET / HTTP/1.1\r\nX-A: " + std::string(70'000, 'v') + "\r\n\r\n", "431", "urn:lims:problem:header-fields-too-large"},
        {"POST /things HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "501", "urn:lims:problem:not-implemented"},
        {"GET / HTTP/3.0\r\n\r\n", "505", "urn:lims:problem:http-version-not-supported"},
        {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n", 13), "400", "urn:lims:problem:bad-request"},
    };
    for (const auto& c : cases) {
        auto s = connect();
        const std::string answer = exchangeRaw(s, c.bytes, 3s);
        EXPECT_EQ(answer.rfind("HTTP/1.1 " + c.status + " ", 0), 0u) << answer.substr(0, 200);
        EXPECT_NE(answer.find("Content-Type: application/problem+json"), std::string::npos) << answer.substr(0, 300);
        EXPECT_NE(answer.find(c.type), std::string::npos) << answer;
        EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer.substr(0, 300);
    }
    EXPECT_EQ(call(port, "GET", "/echo/after").status, 200);
}

TEST_F(HttpFrontTest, AnIdleKeptAliveConnectionIsClosedAfterItsTimeout) {
    auto s = connect();
    const auto first = exchangeRaw(s, "GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\n", 1s, 10);
    ASSERT_EQ(first.rfind("HTTP/1.1 200 OK", 0), 0u);
    const auto waited = std::chrono::steady_clock::now();
    exchangeRaw(s, "", 6s);  // returns when the server closes
    const auto closedAfter = std::chrono::steady_clock::now() - waited;
    EXPECT_GE(closedAfter, 1500ms);
    EXPECT_LT(closedAfter, 4s);
}

TEST_F(HttpFrontTest, TheClientAddressIsHostAndPort) {
    auto r = call(port, "GET", "/echo/1");
    const auto from = r.json()->getValue<std::string>("from");
    EXPECT_EQ(from.rfind("127.0.0.1:", 0), 0u) << from;
}

TEST_F(HttpFrontTest, StopLetsARequestInProgressFinish) {
    auto slow = std::async(std::launch::async, [&] { return call(port, "GET", "/slow"); });
    std::this_thread::sleep_for(300ms);  // the handler is running
    auto idle = connect();                // and an idle connection is open
    const auto stopping = std::chrono::steady_clock::now();
    server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 3s);
    const auto r = slow.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "done");
    EXPECT_EQ(Poco::toLower(r.headers.at("connection")), "close");
    EXPECT_EQ(slowHandled.load(), 1);
    EXPECT_EQ(exchangeRaw(idle, "", 1s), "");  // closed, not answered
    EXPECT_THROW(call(port, "GET", "/echo/1"), Poco::Exception);  // nothing listens
}

// Issue 18: a GET is handled on the I/O thread that read it, without the hand-off to a
// worker and back; so it is answered even while every worker is busy with a POST.
TEST_F(HttpFrontTest, AGetIsAnsweredWhileEveryWorkerIsBusy) {
    auto first = std::async(std::launch::async, [&] { return call(port, "POST", "/hold"); });
    auto second = std::async(std::launch::async, [&] { return call(port, "POST", "/hold"); });
    std::this_thread::sleep_for(300ms);  // both workers hold a POST
    const auto asked = std::chrono::steady_clock::now();
    const auto r = call(port, "GET", "/echo/while-busy");
    const auto waited = std::chrono::steady_clock::now() - asked;
    releaseHolds();
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(waited, 1s) << "the GET waited for a worker";
    EXPECT_EQ(first.get().status, 200);
    EXPECT_EQ(second.get().status, 200);
}

// However many GETs are held on I/O threads, one I/O thread stays free: new connections
// are accepted, malformed requests refused, and a trickling client cut at its deadline.
TEST_F(HttpFrontTest, GetsHandledOnIoThreadsLeaveOneForTheSockets) {
    ServerConfig config;
    config.port = 0;
    config.ioThreads = 1;
    config.maxThreads = 1;
    config.requestDeadline = 1s;
    Server one(config, dispatcher);
    one.start();
    const auto onePort = one.port();
    std::vector<std::future<lims::api::testing::Reply>> held;
    for (int i = 0; i < 3; ++i)  // one on the I/O thread, one on the worker, one queued for it
        held.push_back(std::async(std::launch::async, [&] { return call(onePort, "GET", "/hold"); }));
    std::this_thread::sleep_for(300ms);
    Poco::Net::StreamSocket trickling(Poco::Net::SocketAddress("127.0.0.1", onePort));
    trickling.sendBytes("GET /echo/", 10);
    Poco::Net::StreamSocket malformed(Poco::Net::SocketAddress("127.0.0.1", onePort));
    const auto asked = std::chrono::steady_clock::now();
    const std::string refused = exchangeRaw(malformed, "GET /echo/1 HTTP/1.1\r\nno colon\r\n\r\n", 2s);
    EXPECT_EQ(refused.rfind("HTTP/1.1 400 ", 0), 0u) << refused.substr(0, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
    EXPECT_EQ(exchangeRaw(trickling, "", 3s), "");  // cut at its deadline, not answered
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 2500ms);
    releaseHolds();
    for (auto& h : held) EXPECT_EQ(h.get().status, 200);
    one.stop();
}
