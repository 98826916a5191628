#include "lims/api/server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <istream>
#include <mutex>

namespace lims::api {

namespace {

constexpr int kListenBacklog = 128;

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

class ApiRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    ApiRequestHandler(Dispatcher& dispatcher, std::size_t maxBodyBytes)
        : dispatcher_(dispatcher), maxBodyBytes_(maxBodyBytes) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
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
            return send(out, dispatcher_.refuse(request.method, request.path,
                                                problems::payloadTooLarge(maxBodyBytes_), started));
        }
        std::string body;
        std::istream& stream = in.stream();
        char buffer[8192];
        while (stream) {
            stream.read(buffer, sizeof buffer);
            body.append(buffer, static_cast<std::size_t>(stream.gcount()));
            if (body.size() > maxBodyBytes_) {
                out.setKeepAlive(false);
                return send(out, dispatcher_.refuse(request.method, request.path,
                                                    problems::payloadTooLarge(maxBodyBytes_), started));
            }
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
};

class ApiRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    ApiRequestHandlerFactory(Dispatcher& dispatcher, std::size_t maxBodyBytes)
        : dispatcher_(dispatcher), maxBodyBytes_(maxBodyBytes) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ApiRequestHandler(dispatcher_, maxBodyBytes_);
    }

private:
    Dispatcher& dispatcher_;
    std::size_t maxBodyBytes_;
};

void initializeTlsOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

}  // namespace

struct Server::State {
    ServerConfig config;
    Dispatcher& dispatcher;
    std::unique_ptr<Poco::ThreadPool> pool;
    std::unique_ptr<Poco::Net::HTTPServer> http;
    bool running = false;
};

Server::Server(ServerConfig config, Dispatcher& dispatcher)
    : state_(std::make_unique<State>(State{std::move(config), dispatcher, nullptr, nullptr})) {
    const auto& c = state_->config;
    if (c.tlsCertificateFile.empty() != c.tlsPrivateKeyFile.empty()) {
        throw std::invalid_argument("HTTPS needs both a certificate file and a private key file");
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
    state_->pool = std::make_unique<Poco::ThreadPool>(2, c.maxThreads);
    state_->http = std::make_unique<Poco::Net::HTTPServer>(
        new ApiRequestHandlerFactory(dispatcher, c.maxBodyBytes), *state_->pool, socket, params);
}

Server::~Server() { stop(); }

void Server::start() {
    if (state_->running) return;
    state_->http->start();
    state_->running = true;
}

void Server::stop() {
    if (!state_->running) return;
    state_->http->stopAll(false);
    state_->pool->joinAll();
    state_->running = false;
}

std::uint16_t Server::port() const { return state_->http->port(); }

bool Server::secure() const { return !state_->config.tlsCertificateFile.empty(); }

}  // namespace lims::api
