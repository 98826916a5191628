#include "lims/workflow/ingest/gateway_http.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>

namespace lims::workflow::ingest {

domain::Result<std::unique_ptr<HttpIngestTransport>> HttpIngestTransport::create(const std::string& base_url,
                                                                                 std::string token,
                                                                                 std::chrono::seconds timeout) {
    try {
        Poco::URI uri(base_url);
        if (uri.getScheme() != "http" && uri.getScheme() != "https")
            return domain::make_error("gateway.service_url", "service URL " + base_url + " must start http:// or https://");
        if (uri.getHost().empty()) return domain::make_error("gateway.service_url", "service URL " + base_url + " names no host");
        if (token.empty()) return domain::make_error("gateway.token", "the service token is empty");
        std::string prefix = uri.getPath();
        while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        return std::unique_ptr<HttpIngestTransport>(new HttpIngestTransport(
            uri.getScheme(), uri.getHost(), uri.getPort(), prefix, std::move(token), timeout));
    } catch (const Poco::Exception& e) {
        return domain::make_error("gateway.service_url", "service URL " + base_url + ": " + e.displayText());
    }
}

HttpIngestTransport::HttpIngestTransport(std::string scheme, std::string host, unsigned short port, std::string prefix,
                                         std::string token, std::chrono::seconds timeout)
    : scheme_(std::move(scheme)), host_(std::move(host)), port_(port), prefix_(std::move(prefix)),
      token_(std::move(token)), timeout_(timeout) {}

// One request on a fresh session with the connect/read deadline; `send` writes the request
// and returns the stream of the answer. Transport failures become status 0 with the reason.
template <class Send>
PostReply HttpIngestTransport::exchange(Send&& send) {
    PostReply reply;
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (scheme_ == "https") {
            // The system's CA store, the server's certificate verified (VERIFY_RELAXED
            // still checks a certificate the server presents, and it must present one).
            static const Poco::Net::Context::Ptr context = new Poco::Net::Context(
                Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
            session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, context);
        } else {
            session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
        }
        session->setTimeout(Poco::Timespan(static_cast<long>(timeout_.count()), 0));
        send(*session);
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        Poco::StreamCopier::copyToString(in, reply.body);
        reply.status = static_cast<int>(response.getStatus());
    } catch (const Poco::Exception& e) {
        reply.status = 0;
        reply.failure = "cannot reach " + scheme_ + "://" + host_ + ":" + std::to_string(port_) + ": " + e.displayText();
    } catch (const std::exception& e) {
        reply.status = 0;
        reply.failure = std::string("cannot reach the service: ") + e.what();
    }
    return reply;
}

PostReply HttpIngestTransport::post(const std::string& path, const std::string& idempotency_key,
                                    const std::string& json) {
    return exchange([&](Poco::Net::HTTPClientSession& session) {
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, prefix_ + path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(json.size()));
        request.set("Authorization", "Bearer " + token_);
        request.set("Idempotency-Key", idempotency_key);
        session.sendRequest(request) << json;
    });
}

PostReply HttpIngestTransport::get(const std::string& path_and_query) {
    return exchange([&](Poco::Net::HTTPClientSession& session) {
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, prefix_ + path_and_query,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + token_);
        session.sendRequest(request);
    });
}

}  // namespace lims::workflow::ingest
