#include "http_client.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

namespace lims::api::testing {

Poco::JSON::Object::Ptr Reply::json() const {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

Reply exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
               const std::string& target, const std::string& body,
               const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    bool hasContentType = false;
    for (const auto& [name, value] : headers) {
        request.set(name, value);
        hasContentType = hasContentType || Poco::icompare(name, "content-type") == 0;
    }
    if (!body.empty() && !hasContentType) request.setContentType("application/json");
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    std::ostream& out = session.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Reply reply;
    reply.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) reply.headers[Poco::toLower(name)] = value;
    reply.contentType = response.getContentType();
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
}

Reply call(std::uint16_t port, const std::string& method, const std::string& target,
           const std::string& body, const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    return exchange(session, method, target, body, headers);
}

}  // namespace lims::api::testing
