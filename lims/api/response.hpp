// What a route handler returns: status, content type, body and extra headers, as a plain
// value. Handlers never write to a socket, so a response can be stored and replayed (the
// Idempotency-Key convention) and tested without a server.
#pragma once

#include "lims/api/problem.hpp"

#include <Poco/Dynamic/Var.h>

#include <string>
#include <utility>
#include <vector>

namespace lims::api {

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";
inline constexpr const char* kProblemContentType = "application/problem+json; charset=utf-8";

struct Response {
    int status = 200;
    std::string contentType = kJsonContentType;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response json(int status, const Poco::Dynamic::Var& value);
    static Response problem(const Problem& p);
    // A use case's or the store's error, answered through problems::from_error.
    static Response error(const domain::Error& e);
    static Response text(int status, std::string contentType, std::string body);
    static Response noContent();

    Response withHeader(std::string name, std::string value) &&;
};

}  // namespace lims::api
