#include "lims/api/http_front.hpp"

#include "lims/api/http_response_writer.hpp"

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

namespace lims::api::http {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kListenBacklog = 1024;
// What one read takes from the socket at most.
constexpr std::size_t kReadBuffer = 16 * 1024;
// After an answer with Connection: close, the client's unread bytes (a refused body) are
// read and dropped for at most this long before the close, so that the close does not
// reset the connection under the answer (RFC 9112 §9.6).
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
// An accept that fails (out of descriptors) is retried after this pause, not in a spin.
constexpr std::chrono::milliseconds kAcceptPause{100};
// The answer buffer a kept-alive connection keeps between requests; a larger one is freed.
constexpr std::size_t kKeptOutputBuffer = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

Poco::Logger& logger() { return Poco::Logger::get("lims.api.server"); }

// The Date header's value, formatted once a second per thread.
std::string_view currentDate() {
    thread_local std::time_t formattedFor = 0;
    thread_local std::string value;
    const auto now = std::chrono::system_clock::now();
    const std::time_t second = std::chrono::system_clock::to_time_t(now);
    if (second != formattedFor) {
        value = httpDate(now);
        formattedFor = second;
    }
    return value;
}

// Poco's SocketAddress::toString form, which the login throttle (hostOf) reads.
std::string addressText(const tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    if (address.is_v6()) {
        const auto v6 = address.to_v6();
        if (v6.is_v4_mapped())
            return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string() + ":" + std::to_string(endpoint.port());
        return "[" + address.to_string() + "]:" + std::to_string(endpoint.port());
    }
    return address.to_string() + ":" + std::to_string(endpoint.port());
}

Request toApiRequest(ParsedRequest parsed, std::string clientAddress) {
    Request request;
    request.method = std::move(parsed.method);
    const auto q = parsed.target.find('?');
    request.path = parsed.target.substr(0, q);
    if (q != std::string::npos) request.query = parseQuery(parsed.target.substr(q + 1));
    for (auto& [name, value] : parsed.headers) request.headers[name] = std::move(value);  // the last one wins
    request.body = std::move(parsed.body);
    request.clientAddress = std::move(clientAddress);
    return request;
}

tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(asio::ssl::stream<tcp::socket>& s) { return s.next_layer(); }

class Tracked {
public:
    virtual ~Tracked() = default;
    virtual void serverStopping() = 0;
};

}  // namespace

struct AsioFront::Impl {
    Impl(const ServerConfig& c, Dispatcher& d)
        : config(c),
          dispatcher(d),
          acceptor(asio::make_strand(io)),
          workers(static_cast<std::size_t>(std::max(1, c.maxThreads))) {
        limits.maxBodyBytes = c.maxBodyBytes;
        limits.maxHeaderBytes = c.maxHeaderBytes;
    }

    // Runs fn on a worker; the coroutine resumes on its own executor with the result.
    template <class Fn>
    awaitable<Response> onWorker(Fn fn) {
        return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, Response)>(
            [this](auto handler, Fn work) {
                auto guard = asio::make_work_guard(handler);
                asio::post(workers, [work = std::move(work), handler = std::move(handler), guard = std::move(guard)]() mutable {
                    std::exception_ptr error;
                    Response response;
                    try {
                        response = work();
                    } catch (...) {
                        error = std::current_exception();
                    }
                    auto executor = guard.get_executor();
                    asio::post(executor, [handler = std::move(handler), error, response = std::move(response)]() mutable {
                        handler(error, std::move(response));
                    });
                });
            },
            use_awaitable, std::move(fn));
    }

    // A GET or HEAD is handled on the I/O thread that read it (no hand-off to a worker and
    // back) while fewer than ioThreads requests are handled so; one more I/O thread than
    // that runs (start()), so the sockets, timers and accepts always have a thread.
    bool enterInline() {
        int busy = inlineBusy.load(std::memory_order_relaxed);
        while (busy < inlineLimit)
            if (inlineBusy.compare_exchange_weak(busy, busy + 1, std::memory_order_acquire)) return true;
        return false;
    }
    void leaveInline() { inlineBusy.fetch_sub(1, std::memory_order_release); }

    void track(Tracked* connection) {
        std::lock_guard lock(mutex);
        connections.insert(connection);
    }
    void untrack(Tracked* connection) {
        std::lock_guard lock(mutex);
        connections.erase(connection);
        if (connections.empty()) drained.notify_all();
    }

    awaitable<void> acceptLoop();
    template <class Stream>
    void serve(Stream stream, std::string peer, Clock::time_point acceptedAt);

    const ServerConfig config;
    Dispatcher& dispatcher;
    RequestLimits limits;
    asio::io_context io;
    std::optional<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    asio::thread_pool workers;
    std::vector<std::thread> ioThreads;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keepRunning;
    std::uint16_t boundPort = 0;
    std::atomic<bool> stopping{false};
    const int inlineLimit = std::max(1, config.ioThreads);
    std::atomic<int> inlineBusy{0};
    bool running = false;
    bool stopped = false;

    std::mutex mutex;
    std::condition_variable drained;
    std::unordered_set<Tracked*> connections;
    bool acceptorDone = true;
};

namespace {

// One client connection, from its accept to its close; everything it does runs on its
// strand, so its parser, timer and phase need no lock.
template <class Stream>
class Connection : public Tracked, public std::enable_shared_from_this<Connection<Stream>> {
public:
    Connection(AsioFront::Impl& front, Stream stream, std::string peer, Clock::time_point acceptedAt)
        : front_(front),
          stream_(std::move(stream)),
          timer_(lowest(stream_).get_executor()),
          peer_(std::move(peer)),
          acceptedAt_(acceptedAt),
          parser_(front.limits) {}

    static awaitable<void> run(std::shared_ptr<Connection> self) {
        struct Untrack {
            AsioFront::Impl& front;
            Connection* connection;
            ~Untrack() { front.untrack(connection); }
        } untrack{self->front_, self.get()};
        try {
            co_await self->converse();
        } catch (const std::exception& e) {
            logger().warning("an HTTP connection from %s failed: %s", self->peer_, std::string(e.what()));
        }
        self->disarm();
        self->cut();
    }

    asio::any_io_executor executor() { return timer_.get_executor(); }

    // From stop(), on any thread: a connection with no request in hand closes now.
    void serverStopping() override {
        asio::post(timer_.get_executor(), [self = this->shared_from_this()] {
            if (self->phase_ == Phase::Idle || self->phase_ == Phase::Receiving) self->cut();
        });
    }

private:
    enum class Phase { Receiving, Idle, Handling, Writing };

    awaitable<void> converse() {
        error_code ec;
        const bool deadlined = front_.config.requestDeadline.count() > 0;
        if constexpr (!std::is_same_v<Stream, tcp::socket>) {
            // The handshake counts towards the first request's deadline.
            armReceiving(acceptedAt_);
            co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
            if (ec) co_return;
        }
        bool first = true;
        int answered = 0;
        for (;;) {
            if (front_.stopping) co_return;
            std::size_t used = parser_.feed(pending_);
            pending_.erase(0, used);
            // The first request's deadline runs from the accept; a later one's from its
            // first byte, and before that the keep-alive wait has its own limit.
            Clock::time_point started = Clock::now();
            if (first) {
                phase_ = Phase::Receiving;
                started = acceptedAt_;
                armReceiving(acceptedAt_);
            } else if (parser_.started()) {
                phase_ = Phase::Receiving;
                armReceiving(started);
            } else {
                phase_ = Phase::Idle;
                arm(Clock::now() + front_.config.keepAliveTimeout);
            }
            bool continued = false;
            while (!parser_.complete() && !parser_.refusal()) {
                if (parser_.expectsContinue() && !continued) {
                    continued = true;
                    co_await asio::async_write(stream_, asio::buffer(kContinue), asio::redirect_error(use_awaitable, ec));
                    if (ec) co_return;
                }
                const std::size_t n =
                    co_await stream_.async_read_some(asio::buffer(buffer_), asio::redirect_error(use_awaitable, ec));
                if (ec || n == 0) co_return;  // closed, reset, or cut by a timer
                if (phase_ == Phase::Idle) {
                    phase_ = Phase::Receiving;
                    started = Clock::now();
                    armReceiving(started);
                } else if (!deadlined) {
                    armReceiving(started);  // without a whole-request deadline, each read has ioTimeout
                }
                const std::string_view got(buffer_.data(), n);
                used = parser_.feed(got);
                if (used < n) pending_.append(got.substr(used));
            }
            disarm();
            Response response;
            bool keepAlive = false;
            bool head = false;
            if (const auto& refusal = parser_.refusal()) {
                const ParsedRequest& partial = parser_.request();
                const std::string path = partial.target.substr(0, partial.target.find('?'));
                response = front_.dispatcher.refuse(partial.method, path, refusalProblem(*refusal), started);
                head = partial.method == "HEAD";
            } else {
                ParsedRequest parsed = parser_.take();
                keepAlive = parsed.keepAlive;
                head = parsed.method == "HEAD";
                phase_ = Phase::Handling;
                if ((head || parsed.method == "GET") && front_.config.inlineReads && front_.enterInline()) {
                    response = dispatchHere(std::move(parsed));
                } else {
                    // Named, not a temporary in the co_await expression: GCC 12 destroys such
                    // temporaries wrongly across the suspension.
                    auto request = std::make_shared<Request>(toApiRequest(std::move(parsed), peer_));
                    auto work = [&dispatcher = front_.dispatcher, request] { return dispatcher.dispatch(std::move(*request)); };
                    response = co_await front_.onWorker(std::move(work));
                }
            }
            ++answered;
            keepAlive = keepAlive && front_.config.keepAlive && answered < front_.config.maxKeepAliveRequests &&
                        !front_.stopping;
            out_.clear();
            appendResponseBytes(out_, response, Framing{keepAlive, head}, currentDate());
            response = Response{};
            phase_ = Phase::Writing;
            arm(Clock::now() + front_.config.ioTimeout);
            co_await asio::async_write(stream_, asio::buffer(out_), asio::redirect_error(use_awaitable, ec));
            if (out_.capacity() > kKeptOutputBuffer) std::string().swap(out_);  // a PDF's bytes are not kept
            disarm();
            if (ec) co_return;
            if (!keepAlive) {
                co_await linger();
                co_return;
            }
            first = false;
        }
    }

    // The request handled on this I/O thread (Impl::enterInline said so), not a coroutine:
    // nothing here suspends.
    Response dispatchHere(ParsedRequest parsed) {
        struct Leave {
            AsioFront::Impl& front;
            ~Leave() { front.leaveInline(); }
        } leave{front_};
        return front_.dispatcher.dispatch(toApiRequest(std::move(parsed), peer_));
    }

    // Half-closes, then reads and drops what the client still sends until it closes too,
    // for a short while: a close with unread bytes would reset the connection, and the
    // client could lose the answer just written.
    awaitable<void> linger() {
        error_code ec;
        lowest(stream_).shutdown(tcp::socket::shutdown_send, ec);
        if (ec) co_return;
        phase_ = Phase::Writing;
        arm(Clock::now() + kLingerTime);
        std::size_t dropped = 0;
        while (dropped < kLingerBytes) {
            const std::size_t n = co_await lowest(stream_).async_read_some(asio::buffer(buffer_),
                                                                           asio::redirect_error(use_awaitable, ec));
            if (ec || n == 0) break;
            dropped += n;
        }
        disarm();
    }

    // The request being received must be in by its deadline (or, with none configured,
    // the next bytes within ioTimeout).
    void armReceiving(Clock::time_point startedAt) {
        const auto deadline = front_.config.requestDeadline;
        arm(deadline.count() > 0 ? startedAt + deadline : Clock::now() + front_.config.ioTimeout);
    }

    void arm(Clock::time_point at) {
        timer_.expires_at(at);
        timer_.async_wait([weak = this->weak_from_this(), generation = ++generation_](const error_code& ec) {
            if (ec) return;
            if (auto self = weak.lock(); self && self->generation_ == generation) {
                if (self->phase_ == Phase::Receiving && !self->parser_.refusal())
                    logger().notice("a request from %s was not received within %s ms; its connection is closed",
                                    self->peer_, std::to_string(self->front_.config.requestDeadline.count()));
                self->cut();
            }
        });
    }
    void disarm() {
        ++generation_;
        timer_.cancel();
    }
    // Closes the socket: a pending read or write ends at once with an error.
    void cut() {
        error_code ignored;
        auto& socket = lowest(stream_);
        if (!socket.is_open()) return;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    AsioFront::Impl& front_;
    Stream stream_;
    asio::steady_timer timer_;
    std::uint64_t generation_ = 0;
    const std::string peer_;
    const Clock::time_point acceptedAt_;
    RequestParser parser_;
    std::string pending_;  // bytes after a complete request: the next one, pipelined
    std::array<char, kReadBuffer> buffer_{};
    std::string out_;  // the answer being written, its capacity kept for the next one
    Phase phase_ = Phase::Receiving;
};

}  // namespace

template <class Stream>
void AsioFront::Impl::serve(Stream stream, std::string peer, Clock::time_point acceptedAt) {
    auto connection = std::make_shared<Connection<Stream>>(*this, std::move(stream), std::move(peer), acceptedAt);
    track(connection.get());
    auto executor = connection->executor();
    asio::co_spawn(executor, Connection<Stream>::run(std::move(connection)), asio::detached);
}

awaitable<void> AsioFront::Impl::acceptLoop() {
    struct Done {
        Impl& front;
        ~Done() {
            std::lock_guard lock(front.mutex);
            front.acceptorDone = true;
            front.drained.notify_all();
        }
    } done{*this};
    for (;;) {
        error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(use_awaitable, ec));
        if (stopping || !acceptor.is_open()) {
            error_code ignored;
            socket.close(ignored);
            co_return;
        }
        if (ec) {
            // Out of descriptors (EMFILE) or similar: the connections open now keep being
            // served; accepting resumes after a pause rather than in a spin.
            logger().warning("cannot accept an HTTP connection: %s", ec.message());
            asio::steady_timer pause(acceptor.get_executor(), kAcceptPause);
            co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        const auto acceptedAt = Clock::now();
        error_code peerError;
        const auto endpoint = socket.remote_endpoint(peerError);
        if (peerError) continue;  // gone already
        socket.set_option(tcp::no_delay(true), peerError);
        std::string peer = addressText(endpoint);
        if (tls)
            serve(asio::ssl::stream<tcp::socket>(std::move(socket), *tls), std::move(peer), acceptedAt);
        else
            serve(std::move(socket), std::move(peer), acceptedAt);
    }
}

AsioFront::AsioFront(const ServerConfig& config, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(config, dispatcher)) {
    Impl& f = *impl_;
    if (!config.tlsCertificateFile.empty()) {
        try {
            f.tls.emplace(asio::ssl::context::tls_server);
            f.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                               asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
            // TLS 1.2 is the floor (RFC 8996 deprecates TLS 1.0 and 1.1).
            SSL_CTX_set_min_proto_version(f.tls->native_handle(), TLS1_2_VERSION);
            f.tls->use_certificate_chain_file(config.tlsCertificateFile);
            f.tls->use_private_key_file(config.tlsPrivateKeyFile, asio::ssl::context::pem);
        } catch (const boost::system::system_error& e) {
            throw Poco::IOException("cannot load the TLS certificate " + config.tlsCertificateFile + " or key " +
                                    config.tlsPrivateKeyFile + ": " + e.code().message());
        }
    }
    error_code ec;
    tcp::resolver resolver(f.io);
    const auto found = resolver.resolve(config.host, std::to_string(config.port), tcp::resolver::passive, ec);
    if (ec || found.empty())
        throw Poco::Net::NetException("cannot resolve the listen address " + config.host + ": " + ec.message());
    const tcp::endpoint endpoint = found.begin()->endpoint();
    f.acceptor.open(endpoint.protocol(), ec);
    if (!ec) f.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) f.acceptor.bind(endpoint, ec);
    if (!ec) f.acceptor.listen(kListenBacklog, ec);
    if (ec) {
        error_code ignored;
        f.acceptor.close(ignored);
        throw Poco::Net::NetException(ec.message() + ": " + endpoint.address().to_string() + ":" + std::to_string(config.port));
    }
    f.boundPort = f.acceptor.local_endpoint(ec).port();
}

AsioFront::~AsioFront() {
    stop();
    impl_->workers.join();
}

void AsioFront::start() {
    Impl& f = *impl_;
    if (f.running || f.stopped) return;
    f.running = true;
    f.acceptorDone = false;
    f.keepRunning.emplace(f.io.get_executor());
    asio::co_spawn(f.acceptor.get_executor(), f.acceptLoop(), asio::detached);
    const int threads = f.inlineLimit + 1;  // one more than may handle GETs at once (enterInline)
    for (int i = 0; i < threads; ++i) f.ioThreads.emplace_back([&f] { f.io.run(); });
}

void AsioFront::stop() {
    Impl& f = *impl_;
    if (!f.running) return;
    f.stopping = true;
    asio::post(f.acceptor.get_executor(), [&f] {
        error_code ignored;
        f.acceptor.close(ignored);
    });
    {
        std::unique_lock lock(f.mutex);
        for (Tracked* c : f.connections) c->serverStopping();
        f.drained.wait(lock, [&f] { return f.connections.empty() && f.acceptorDone; });
    }
    // Nothing is left to run: the I/O threads return once the last handlers are done.
    f.keepRunning.reset();
    for (auto& t : f.ioThreads) t.join();
    f.ioThreads.clear();
    f.workers.join();
    f.running = false;
    f.stopped = true;
}

std::uint16_t AsioFront::port() const { return impl_->boundPort; }

std::map<std::string, std::string> parseQuery(const std::string& raw) {
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start < raw.size()) {
        std::size_t end = raw.find('&', start);
        if (end == std::string::npos) end = raw.size();
        const std::string pair = raw.substr(start, end - start);
        const auto eq = pair.find('=');
        std::string name, value;
        try {
            Poco::URI::decode(pair.substr(0, eq), name, true);
            if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value, true);
        } catch (const Poco::Exception&) {
            name.clear();
        }
        if (!name.empty()) out.emplace(name, value);  // the first value wins
        start = end + 1;
    }
    return out;
}

Problem refusalProblem(const Refusal& refusal) {
    Problem p;
    p.status = refusal.status;
    p.detail = refusal.detail;
    switch (refusal.status) {
        case 413:
            p.type = problem_type::kPayloadTooLarge;
            p.title = "Payload too large";
            break;
        case 414:
            p.type = "urn:lims:problem:uri-too-long";
            p.title = "Request target too long";
            break;
        case 417:
            p.type = "urn:lims:problem:expectation-failed";
            p.title = "Expectation not supported";
            break;
        case 431:
            p.type = "urn:lims:problem:header-fields-too-large";
            p.title = "Request header fields too large";
            break;
        case 501:
            p.type = "urn:lims:problem:not-implemented";
            p.title = "Transfer coding not supported";
            break;
        case 505:
            p.type = "urn:lims:problem:http-version-not-supported";
            p.title = "HTTP version not supported";
            break;
        default:
            p.type = problem_type::kBadRequest;
            p.title = "Bad request";
            break;
    }
    return p;
}

}  // namespace lims::api::http
