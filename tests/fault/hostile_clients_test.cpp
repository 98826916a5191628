// Hostile clients against the running service (issue 15, fault-injection suite): 10,000
// malformed requests across every route of its own OpenAPI document (crafted ids and
// cursors, query strings, bodies, media types, tokens) from four clients at once, plus
// connections that speak no HTTP at all, plus 1,000 slow connections held open throughout
// (trickling a request a byte at a time, idle after the accept, idle between kept-alive
// requests). Nothing gets a 5xx, nothing goes unanswered, the health check answers within
// a second throughout, and the audit chain verifies after.
#include "support/fault_fixture.hpp"

#include "open_files.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace lims::fault {
namespace {

using namespace std::chrono_literals;

constexpr int kRequests = 10'000;
constexpr int kClients = 4;
constexpr int kRawConnections = 200;
constexpr std::uint32_t kSeed = 20261207;
constexpr int kSlowConnections = 1'000;

// 1,000 connections that hold the service without finishing a request, kept open for as
// long as it runs: a third send a request a byte every second (cut by the service at its
// whole-request deadline, then opened again), a third send nothing after the connect, and
// a third make one request and then sit idle on the kept-alive connection. One thread,
// poll(2) over all of them.
class SlowConnections {
public:
    explicit SlowConnections(std::uint16_t port) : port_(port), slots_(kSlowConnections) {
        thread_ = std::thread([this] { run(); });
    }
    ~SlowConnections() { stop(); }
    void stop() {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
        for (auto& s : slots_)
            if (s.fd >= 0) ::close(s.fd);
    }
    int open() const { return open_.load(); }
    long long reopened() const { return reopened_.load(); }
    long long bytesTrickled() const { return trickled_.load(); }

private:
    struct Slot {
        int fd = -1;
        std::size_t sent = 0;
        bool requested = false;  // the keep-alive kind: its one request was sent
    };
    static constexpr const char* kTrickled = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    static constexpr const char* kWhole = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    int connectOne() {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port_);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

    void run() {
        auto nextTrickle = std::chrono::steady_clock::now();
        std::vector<pollfd> fds(slots_.size());
        while (!stopping_) {
            int open = 0;
            for (std::size_t i = 0; i < slots_.size(); ++i) {
                auto& s = slots_[i];
                if (s.fd < 0) {
                    s = Slot{connectOne()};
                    if (s.fd >= 0 && everConnected_[i]) ++reopened_;
                    if (s.fd >= 0) everConnected_[i] = true;
                }
                // The keep-alive kind's one request, once the connect has completed.
                if (s.fd >= 0 && i % 3 == 2 && !s.requested)
                    s.requested = ::send(s.fd, kWhole, std::strlen(kWhole), MSG_NOSIGNAL) ==
                                  static_cast<ssize_t>(std::strlen(kWhole));
                if (s.fd >= 0) ++open;
                fds[i] = pollfd{s.fd, POLLIN, 0};
            }
            open_ = open;
            ::poll(fds.data(), fds.size(), 100);
            for (std::size_t i = 0; i < slots_.size(); ++i) {
                auto& s = slots_[i];
                if (s.fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                char buffer[4096];
                const auto n = ::recv(s.fd, buffer, sizeof buffer, 0);
                if (n > 0 && i % 3 == 2) continue;  // the answer to its one request: now it idles
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                ::close(s.fd);  // cut by the service (deadline, keep-alive timeout): open again
                s.fd = -1;
            }
            if (std::chrono::steady_clock::now() >= nextTrickle) {
                nextTrickle += std::chrono::seconds(1);
                const std::size_t length = std::strlen(kTrickled);
                for (std::size_t i = 0; i < slots_.size(); i += 3) {
                    auto& s = slots_[i];
                    if (s.fd < 0 || s.sent + 1 >= length) continue;  // never the final LF
                    if (::send(s.fd, kTrickled + s.sent, 1, MSG_NOSIGNAL) == 1) {
                        ++s.sent;
                        ++trickled_;
                    }
                }
            }
        }
    }

    const std::uint16_t port_;
    std::vector<Slot> slots_;
    std::vector<bool> everConnected_ = std::vector<bool>(kSlowConnections, false);
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> open_{0};
    std::atomic<long long> reopened_{0}, trickled_{0};
};

struct RouteTemplate {
    std::string method;
    std::string path;  // with {name} segments
};

const char* const kIds[] = {"0", "-1", "1", "2", "99999999999999999999", "abc", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%00",
                            "%C0%AF", "%FF", "1%20OR%201=1", "1;DROP%20TABLE%20samples", "%E4%B8%AD%E6%96%87", "{id}",
                            "1e9", "0x10", "%2F", "9223372036854775808", "-9223372036854775809"};
const char* const kQueries[] = {"", "?cursor=zzz", "?cursor=-1", "?cursor=99999999999999999999999", "?limit=-5",
                                "?limit=1000000", "?limit=abc", "?from=not-a-date&to=2026-13-45", "?after_id=1e99",
                                "?points=0", "?points=-1", "?open=maybe", "?q=%00", "?q=%27%20OR%201=1--",
                                "?state=%3Cscript%3E", "?page=1&page=2", "?logger_id=%FF%FE"};
const char* const kBodies[] = {"", "{", "[]", "null", "{\"a\":}", "{\"a\":1,\"a\":2}", "{\"a\":\"\\ud800\"}",
                               "\xFF\xFE\xFD", "{\"name\":123}", "{\"name\":\"x\\r\\nBcc: x@y.z\"}", "{\"id\":-1}",
                               "{\"version\":\"9999999999999999999999\"}", "{\"items\":[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]}",
                               "{\"username\":\"admin\",\"password\":\"\"}", "{\"samples\":[\"'; DROP TABLE samples;--\"]}"};
const char* const kTypes[] = {"application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1"};

std::string fill(const std::string& path, std::mt19937& rng) {
    std::string out;
    for (std::size_t i = 0; i < path.size();) {
        if (path[i] == '{') {
            const auto end = path.find('}', i);
            out += kIds[rng() % std::size(kIds)];
            i = end + 1;
        } else {
            out += path[i++];
        }
    }
    return out;
}

class HostileClients : public FaultWorld {};

TEST_F(HostileClients, MalformedRequestsOnEveryRouteGetNo5xxAndTheServiceStaysHealthy) {
    // So that this process (1,000 slow connections and the clients) and the service it
    // starts (which inherits the limit) can hold them.
    ASSERT_TRUE(lims::testing::raise_open_file_limit(4096)) << "the hard limit on open files is below 4,096: 1,000 slow connections do not fit";
    build(0);
    // A whole-request deadline of 2 s (30 by default) so that the slow connections are cut,
    // and opened again, many times during the flood.
    // The asynchronous front named, so the test holds whatever lims.http.engine defaults to.
    auto service = start_service(false, {"-Dlims.http.request.deadline.seconds=2", "-Dlims.http.engine=asio"});
    // The administrator's token: a request of the flood may end it (logout, a revocation, a
    // password reset on a random id), after which the rest would meet only authentication;
    // the client that sees it refused logs in again.
    std::string token = login();
    std::mutex token_mutex;
    std::atomic<int> relogins{0}, admin_refused{0};
    ASSERT_FALSE(token.empty());
    auto document = http(http_port, "GET", "/api/v1/openapi.json", "", token);
    ASSERT_EQ(document.status, 200) << document.body;
    std::vector<RouteTemplate> routes;
    auto paths = Poco::JSON::Parser().parse(document.body).extract<Poco::JSON::Object::Ptr>()->getObject("paths");
    for (const auto& [path, operations] : *paths)
        for (const auto& [method, operation] : *operations.extract<Poco::JSON::Object::Ptr>()) {
            std::string m = method;
            for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            routes.push_back({m, path});
        }
    ASSERT_GT(routes.size(), 50u);

    // The slow connections are all open before the flood starts, and stay open to its end.
    SlowConnections slow(http_port);
    for (int i = 0; i < 100 && slow.open() < kSlowConnections; ++i) std::this_thread::sleep_for(50ms);
    ASSERT_EQ(slow.open(), kSlowConnections);
    std::this_thread::sleep_for(1s);
    std::atomic<int> fewest_slow_open{kSlowConnections};

    std::atomic<bool> done{false};
    std::atomic<long long> slowest_health_ms{0};
    std::atomic<int> health_checks{0}, health_failures{0};
    std::thread health([&] {
        while (!done) {
            auto h = http(http_port, "GET", "/healthz", "", "", 5s);
            ++health_checks;
            for (int open = slow.open(), fewest = fewest_slow_open.load();
                 open < fewest && !fewest_slow_open.compare_exchange_weak(fewest, open);) {}
            if (h.status != 200) ++health_failures;
            long long ms = h.took.count(), seen = slowest_health_ms.load();
            while (ms > seen && !slowest_health_ms.compare_exchange_weak(seen, ms)) {}
            std::this_thread::sleep_for(200ms);
        }
    });

    std::mutex mutex;
    std::map<int, int> by_status;
    std::vector<std::string> server_errors;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&, c] {
            std::mt19937 rng(kSeed + static_cast<std::uint32_t>(c));
            for (int i = c; i < kRequests; i += kClients) {
                const auto& route = routes[rng() % routes.size()];
                const std::string target = fill(route.path, rng) + kQueries[rng() % std::size(kQueries)];
                std::string body = kBodies[rng() % std::size(kBodies)];
                const std::string type = kTypes[rng() % std::size(kTypes)];
                // Mostly the administrator (so the handlers, not only authentication, meet the
                // input); else nobody, a forged token, another scheme.
                const int roll = static_cast<int>(rng() % 10);
                const int who = roll < 7 ? 0 : roll - 6;
                std::vector<std::pair<std::string, std::string>> headers;
                if (!type.empty()) headers.emplace_back("Content-Type", type);
                if (who == 3) headers.emplace_back("Authorization", "Basic YWRtaW46YWRtaW4=");
                if (rng() % 8 == 0) headers.emplace_back("Idempotency-Key", std::string(rng() % 2 ? 300 : 1, 'k'));
                if (rng() % 8 == 0) headers.emplace_back("If-Match", rng() % 2 ? "\"abc\"" : "99999999999999999999");
                std::string admin;
                if (who == 0) {
                    std::lock_guard lock(token_mutex);
                    admin = token;
                }
                const std::string bearer = who == 0 ? admin : who == 2 ? "lims_forged" : "";
                auto answer = http(http_port, route.method, target, body, bearer, 20s, headers);
                if (who == 0 && answer.status == 401) {
                    ++admin_refused;
                    std::lock_guard lock(token_mutex);
                    if (token == admin) {
                        token = login();
                        ++relogins;
                    }
                }
                std::lock_guard lock(mutex);
                ++by_status[answer.status];
                if (answer.status == 0 || answer.status >= 500)
                    server_errors.push_back(std::to_string(answer.status) + " " + route.method + " " + target + " " +
                                            answer.body.substr(0, 300));
            }
        });
    // Connections that are not HTTP at all: random bytes, a binary preamble, a request line
    // of 100 KB, a header without a colon. Each is answered 4xx or closed.
    std::thread raw([&] {
        std::mt19937 rng(kSeed);
        for (int i = 0; i < kRawConnections; ++i) {
            try {
                Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", http_port));
                s.setReceiveTimeout(Poco::Timespan(20, 0));
                std::string junk;
                switch (i % 4) {
                    case 0: for (int k = 0; k < 512; ++k) junk += static_cast<char>(rng()); break;
                    case 1: junk = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"; break;  // a TLS hello on plain HTTP
                    case 2: junk = "GET /" + std::string(100'000, 'a') + " HTTP/1.1\r\n\r\n"; break;
                    default: junk = "GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n"; break;
                }
                s.sendBytes(junk.data(), static_cast<int>(junk.size()));
                s.shutdownSend();
                char buf[1024];
                while (s.receiveBytes(buf, sizeof buf) > 0) {}
            } catch (const std::exception&) {
                // a reset is a fine answer to garbage
            }
        }
    });
    for (auto& t : clients) t.join();
    raw.join();
    done = true;
    health.join();
    const int slow_open_at_end = slow.open();
    slow.stop();

    std::string summary;
    for (const auto& [status, n] : by_status) summary += " " + std::to_string(status) + ":" + std::to_string(n);
    EXPECT_TRUE(server_errors.empty()) << server_errors.size() << " requests got a 5xx or no answer, e.g. "
                                       << server_errors.front() << "\nstatuses:" << summary;
    EXPECT_TRUE(service->running()) << service->output();
    // The handlers met the input: the administrator's requests were authenticated but for
    // the few that raced with the end of a token.
    EXPECT_LT(admin_refused.load(), kRequests / 4) << "statuses:" << summary;
    EXPECT_EQ(health_failures.load(), 0);
    EXPECT_LT(slowest_health_ms.load(), 1000);
    // Held throughout: a cut connection is opened again at once, so only a few are ever
    // between their close and their next connect.
    EXPECT_GE(fewest_slow_open.load(), kSlowConnections * 9 / 10);
    EXPECT_GE(slow_open_at_end, kSlowConnections * 9 / 10);
    EXPECT_GT(slow.reopened(), 0) << "no slow connection was cut at the 2-second deadline";
    EXPECT_EQ(http(http_port, "GET", "/healthz").status, 200);
    EXPECT_EQ(service->terminate(), 0) << service->output();
    const auto verified = verify_audit();
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    std::printf("[ fault   ] %d malformed requests over %zu routes from %d clients + %d non-HTTP connections + "
                "%d slow connections (fewest open at a health check %d, %lld reopened after a cut, %lld bytes trickled): "
                "statuses%s; %d health checks, slowest %lld ms; the administrator logged in again %d time(s); audit chain "
                "intact\n",
                kRequests, routes.size(), kClients, kRawConnections, kSlowConnections, fewest_slow_open.load(),
                slow.reopened(), slow.bytesTrickled(), summary.c_str(), health_checks.load(), slowest_health_ms.load(),
                relogins.load());
}

}  // namespace
}  // namespace lims::fault
