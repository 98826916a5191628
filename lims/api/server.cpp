#include "lims/api/server.hpp"

#include "lims/api/http_front.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <condition_variable>
#include <istream>
#include <list>
#include <mutex>
#include <thread>

#include <poll.h>
#include <sys/socket.h>

namespace lims::api {

namespace {

constexpr int kListenBacklog = 128;
// How often the deadline watch looks at the connections: the granularity of a cut.
constexpr std::chrono::milliseconds kDeadlineTick{100};

Poco::Logger& logger() { return Poco::Logger::get("lims.api.server"); }

// The whole-request deadline. Poco's timeouts are per read, so a client trickling a byte
// every few seconds holds a thread forever; this watch gives each request a deadline for
// its request line, headers and body, counted from the connection's accept for its first
// request and from the first byte of each later one (the keep-alive wait before it has
// its own timeout). Past it, the connection is shut down under the blocked read, which
// frees the thread; the request is never dispatched.
class RequestDeadlines {
public:
    // One connection, from its accept to its close; its thread moves it through the phases.
    struct Connection {
        enum class Phase { Idle, Receiving, Handling };
        int fd = -1;
        Phase phase = Phase::Receiving;  // the first request's deadline runs from accept
        std::chrono::steady_clock::time_point startedAt = std::chrono::steady_clock::now();
        bool cut = false;
    };

    explicit RequestDeadlines(std::chrono::milliseconds deadline) : deadline_(deadline) {}
    ~RequestDeadlines() { stop(); }

    void start() {
        std::lock_guard lock(mutex_);
        if (watcher_.joinable() || deadline_.count() <= 0) return;
        stopping_ = false;
        watcher_ = std::thread([this] { watch(); });
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (watcher_.joinable()) watcher_.join();
    }

    Connection* add(int fd) {
        std::lock_guard lock(mutex_);
        connections_.push_back(Connection{fd});
        return &connections_.back();
    }
    void remove(Connection* c) {
        std::lock_guard lock(mutex_);
        connections_.remove_if([c](const Connection& x) { return &x == c; });
    }
    // The headers are in: the body is read next, still within the deadline.
    void headersRead(Connection* c) {
        std::lock_guard lock(mutex_);
        if (c->phase == Connection::Phase::Idle) {  // headers came faster than a tick
            c->phase = Connection::Phase::Receiving;
            c->startedAt = std::chrono::steady_clock::now();
        }
    }
    // The body is in (or refused): what the service does with it is not the client's time.
    // False when the deadline cut the connection meanwhile.
    bool bodyRead(Connection* c) {
        std::lock_guard lock(mutex_);
        c->phase = Connection::Phase::Handling;
        return !c->cut;
    }
    // The answer is sent: the next request's deadline runs from its first byte.
    void answered(Connection* c) {
        std::lock_guard lock(mutex_);
        c->phase = Connection::Phase::Idle;
    }

private:
    void watch() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(lock, kDeadlineTick);
            const auto now = std::chrono::steady_clock::now();
            for (auto& c : connections_) {
                if (c.cut) continue;
                if (c.phase == Connection::Phase::Idle) {
                    pollfd p{c.fd, POLLIN, 0};
                    if (::poll(&p, 1, 0) > 0) {  // the next request's first byte (or the close)
                        c.phase = Connection::Phase::Receiving;
                        c.startedAt = now;
                    }
                } else if (c.phase == Connection::Phase::Receiving && now - c.startedAt > deadline_) {
                    // The descriptor stays open (its thread closes it), so it cannot be
                    // reused under that thread; the blocked read returns at once.
                    ::shutdown(c.fd, SHUT_RDWR);
                    c.cut = true;
                    logger().notice("a request was not received within %s ms; its connection is closed",
                                    std::to_string(deadline_.count()));
                }
            }
        }
    }

    const std::chrono::milliseconds deadline_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::list<Connection> connections_;
    std::thread watcher_;
    bool stopping_ = false;
};

// The connection being served on this thread (Poco serves a connection on one thread).
thread_local RequestDeadlines::Connection* tCurrentConnection = nullptr;

using http::parseQuery;

class ApiRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    ApiRequestHandler(Dispatcher& dispatcher, std::size_t maxBodyBytes, RequestDeadlines& deadlines)
        : dispatcher_(dispatcher), maxBodyBytes_(maxBodyBytes), deadlines_(deadlines) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        RequestDeadlines::Connection* connection = tCurrentConnection;
        if (connection) deadlines_.headersRead(connection);
        struct Answered {
            RequestDeadlines& deadlines;
            RequestDeadlines::Connection* connection;
            ~Answered() {
                if (connection) deadlines.answered(connection);
            }
        } answered{deadlines_, connection};
        const auto started = std::chrono::steady_clock::now();
        Request request;
        request.method = in.getMethod();
        const std::string& target = in.getURI();
        const auto q = target.find('?');
        request.path = target.substr(0, q);
        if (q != std::string::npos) request.query = parseQuery(target.substr(q + 1));
        for (const auto& [name, value] : in) request.headers[Poco::toLower(name)] = value;
        request.clientAddress = in.clientAddress().toString();

        // Refuse an oversized body before reading it; the connection is then closed
        // because the unread rest of the body would be taken for the next request.
        if (in.hasContentLength() && in.getContentLength64() > static_cast<Poco::Int64>(maxBodyBytes_)) {
            out.setKeepAlive(false);
            if (connection && !deadlines_.bodyRead(connection)) return;
            return send(out, dispatcher_.refuse(request.method, request.path,
                                                problems::payloadTooLarge(maxBodyBytes_), started));
        }
        std::string body;
        bool tooLarge = false;
        try {
            std::istream& stream = in.stream();
            char buffer[8192];
            while (stream && !tooLarge) {
                stream.read(buffer, sizeof buffer);
                body.append(buffer, static_cast<std::size_t>(stream.gcount()));
                tooLarge = body.size() > maxBodyBytes_;
            }
        } catch (const Poco::Exception&) {
            // The connection failed or was cut under the read: nothing to answer on.
            out.setKeepAlive(false);
            if (connection) (void)deadlines_.bodyRead(connection);
            return;
        }
        // Cut by the deadline: the body is incomplete and the socket is gone, so the
        // request is never dispatched and nothing is sent.
        if (connection && !deadlines_.bodyRead(connection)) {
            out.setKeepAlive(false);
            return;
        }
        if (tooLarge) {
            out.setKeepAlive(false);
            return send(out, dispatcher_.refuse(request.method, request.path,
                                                problems::payloadTooLarge(maxBodyBytes_), started));
        }
        if (in.hasContentLength() && static_cast<Poco::Int64>(body.size()) < in.getContentLength64()) {
            // The client closed before sending the body it announced: never a truncated body.
            out.setKeepAlive(false);
            return;
        }
        request.body = std::move(body);
        send(out, dispatcher_.dispatch(std::move(request)));
    }

private:
    static void send(Poco::Net::HTTPServerResponse& out, const Response& r) {
        out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
        for (const auto& [name, value] : r.headers) out.set(name, value);
        if (!r.contentType.empty()) out.setContentType(r.contentType);
        out.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
        std::ostream& stream = out.send();
        stream.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    }

    Dispatcher& dispatcher_;
    std::size_t maxBodyBytes_;
    RequestDeadlines& deadlines_;
};

class ApiRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ApiRequestHandlerFactory(Dispatcher& dispatcher, std::size_t maxBodyBytes, RequestDeadlines& deadlines)
        : dispatcher_(dispatcher), maxBodyBytes_(maxBodyBytes), deadlines_(deadlines) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ApiRequestHandler(dispatcher_, maxBodyBytes_, deadlines_);
    }
    // What Poco's HTTPServer::stopAll does: tell the connections the server stopped.
    void stopped(bool abortCurrent) { serverStopped(this, abortCurrent); }

private:
    Dispatcher& dispatcher_;
    std::size_t maxBodyBytes_;
    RequestDeadlines& deadlines_;
};

// Poco's HTTP connection, watched by the deadlines from its accept to its close.
class DeadlineConnection : public Poco::Net::HTTPServerConnection {
public:
    DeadlineConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                       Poco::Net::HTTPRequestHandlerFactory::Ptr factory, RequestDeadlines& deadlines)
        : HTTPServerConnection(socket, params, factory), deadlines_(deadlines) {}

    void run() override {
        RequestDeadlines::Connection* watched = deadlines_.add(socket().impl()->sockfd());
        tCurrentConnection = watched;
        try {
            HTTPServerConnection::run();
        } catch (...) {
            tCurrentConnection = nullptr;
            deadlines_.remove(watched);
            throw;
        }
        tCurrentConnection = nullptr;
        deadlines_.remove(watched);
    }

private:
    RequestDeadlines& deadlines_;
};

// What Poco's HTTPServer builds (an HTTPServerConnectionFactory), with watched connections.
class DeadlineConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
    DeadlineConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                              Poco::Net::HTTPRequestHandlerFactory::Ptr factory, RequestDeadlines& deadlines)
        : params_(std::move(params)), factory_(std::move(factory)), deadlines_(deadlines) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new DeadlineConnection(socket, params_, factory_, deadlines_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    RequestDeadlines& deadlines_;
};

void initializeTlsOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

}  // namespace

struct Server::State {
    ServerConfig config;
    Dispatcher& dispatcher;
    std::unique_ptr<RequestDeadlines> deadlines;
    std::unique_ptr<Poco::ThreadPool> pool;
    Poco::SharedPtr<ApiRequestHandlerFactory> handlers;
    std::unique_ptr<Poco::Net::TCPServer> http;
    std::unique_ptr<http::AsioFront> front;  // lims.http.engine=asio: the rest is unused
    bool running = false;
};

Server::Server(ServerConfig config, Dispatcher& dispatcher)
    : state_(std::make_unique<State>(State{std::move(config), dispatcher, nullptr, nullptr, nullptr, nullptr, nullptr})) {
    const auto& c = state_->config;
    if (c.tlsCertificateFile.empty() != c.tlsPrivateKeyFile.empty()) {
        throw std::invalid_argument("HTTPS needs both a certificate file and a private key file");
    }
    if (c.engine == HttpEngine::asio) {
        state_->front = std::make_unique<http::AsioFront>(c, dispatcher);
        return;
    }
    Poco::Net::SocketAddress address(c.host, c.port);
    Poco::Net::ServerSocket socket;
    if (!c.tlsCertificateFile.empty()) {
        initializeTlsOnce();
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_SERVER_USE, c.tlsPrivateKeyFile, c.tlsCertificateFile, "",
            Poco::Net::Context::VERIFY_NONE);
        // TLS 1.2 is the floor (RFC 8996 deprecates TLS 1.0 and 1.1).
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        socket = Poco::Net::SecureServerSocket(address, kListenBacklog, context);
    } else {
        socket = Poco::Net::ServerSocket(address, kListenBacklog);
    }
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(c.maxThreads);
    params->setMaxQueued(c.maxQueued);
    params->setKeepAlive(c.keepAlive);
    params->setKeepAliveTimeout(Poco::Timespan(c.keepAliveTimeout.count(), 0));
    params->setMaxKeepAliveRequests(c.maxKeepAliveRequests);
    params->setTimeout(Poco::Timespan(c.ioTimeout.count(), 0));
    params->setServerName("lims");
    state_->deadlines = std::make_unique<RequestDeadlines>(c.requestDeadline);
    // At least one thread kept (Poco's pool refuses a minimum above its maximum, which
    // lims.http.threads=1 asked for).
    state_->pool = std::make_unique<Poco::ThreadPool>(std::min(2, c.maxThreads), c.maxThreads);
    state_->handlers = new ApiRequestHandlerFactory(dispatcher, c.maxBodyBytes, *state_->deadlines);
    Poco::Net::HTTPServerParams::Ptr httpParams(params);
    state_->http = std::make_unique<Poco::Net::TCPServer>(
        new DeadlineConnectionFactory(httpParams, Poco::Net::HTTPRequestHandlerFactory::Ptr(state_->handlers),
                                      *state_->deadlines),
        *state_->pool, socket, httpParams);
}

Server::~Server() { stop(); }

void Server::start() {
    if (state_->running) return;
    if (state_->front) {
        state_->front->start();
        state_->running = true;
        return;
    }
    state_->deadlines->start();
    state_->http->start();
    state_->running = true;
}

void Server::stop() {
    if (!state_->running) return;
    if (state_->front) {
        state_->front->stop();
        state_->running = false;
        return;
    }
    state_->http->stop();
    state_->handlers->stopped(false);
    state_->pool->joinAll();
    state_->deadlines->stop();
    state_->running = false;
}

std::uint16_t Server::port() const { return state_->front ? state_->front->port() : state_->http->port(); }

bool Server::secure() const { return !state_->config.tlsCertificateFile.empty(); }

}  // namespace lims::api
