// Test helper: one HTTP exchange with a server on loopback through Poco's client session,
// and the parsed answer. Used by every API test that talks to a real Server.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <map>
#include <string>

namespace lims::api::testing {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string contentType;
    std::string body;
    Poco::JSON::Object::Ptr json() const;  // throws if the body is not a JSON object
};

Reply exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
               const std::string& target, const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

Reply call(std::uint16_t port, const std::string& method, const std::string& target,
           const std::string& body = "", const std::map<std::string, std::string>& headers = {});

}  // namespace lims::api::testing
