#include "lims/api/response.hpp"

#include "lims/api/json_text.hpp"

namespace lims::api {

Response Response::json(int status, const Poco::Dynamic::Var& value) {
    Response r;
    r.status = status;
    r.body = toJsonText(value);
    return r;
}

Response Response::problem(const Problem& p) {
    Response r;
    r.status = p.status;
    r.contentType = kProblemContentType;
    r.body = p.toJson();
    r.headers = p.headers;
    return r;
}

Response Response::error(const domain::Error& e) { return problem(problems::from_error(e)); }

Response Response::text(int status, std::string contentType, std::string body) {
    Response r;
    r.status = status;
    r.contentType = std::move(contentType);
    r.body = std::move(body);
    return r;
}

Response Response::noContent() {
    Response r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

Response Response::withHeader(std::string name, std::string value) && {
    headers.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
}

}  // namespace lims::api
