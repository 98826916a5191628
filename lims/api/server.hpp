// The HTTP(S) listener of `lims serve`: keep-alive, socket timeouts, a whole-request
// deadline and a request body limit, handing every request to the Dispatcher, through one
// of two engines (HttpEngine). The app builds one from its configuration; tests start one on port 0.
#pragma once

#include "lims/api/dispatcher.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace lims::api {

// Which HTTP front serves the connections (lims.http.engine): `asio` (the default), a few
// I/O threads reading every connection and a worker pool for complete requests
// (http_front.hpp), so a slow client holds a socket, never a thread; or `poco`, Poco's
// HTTPServer with a thread per connection.
enum class HttpEngine { asio, poco };

struct ServerConfig {
    HttpEngine engine = HttpEngine::asio;
    // asio (lims.http.io.threads): how many GET/HEAD requests are handled at once on the I/O
    // thread that read them, without a worker; one thread more than this reads and writes
    // the sockets, so one is always free for them.
    int ioThreads = 2;
    // asio (lims.http.io.inline): false sends every request to a worker, a GET too (for
    // comparing, or where GETs are slow: large reports built on demand).
    bool inlineReads = true;
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (tests)
    int maxThreads = 16;  // asio: the workers that handle complete requests; poco: connections served at once
    int maxQueued = 256;
    bool keepAlive = true;
    std::chrono::seconds keepAliveTimeout{15};
    int maxKeepAliveRequests = 1000;
    std::chrono::seconds ioTimeout{30};  // per read or write on a connection
    // The whole request (request line, headers, body) from its first byte (for a
    // connection's first request, from its accept): a client trickling bytes is cut off
    // there, so slow clients cannot hold every thread. lims.http.request.deadline.seconds;
    // zero or less: none.
    std::chrono::milliseconds requestDeadline{30'000};
    // The largest registration (a sample with its samplers, seals and codes) is a few KiB;
    // ingest batches of observations are the biggest bodies.
    std::size_t maxBodyBytes = 1024 * 1024;
    std::size_t maxHeaderBytes = 64 * 1024;  // asio: request headers (and trailers) past this are 431
    std::string tlsCertificateFile;  // both set: HTTPS
    std::string tlsPrivateKeyFile;
};

class Server {
public:
    Server(ServerConfig config, Dispatcher& dispatcher);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void start();
    void stop();  // waits for requests in progress to finish
    std::uint16_t port() const;
    bool secure() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace lims::api
