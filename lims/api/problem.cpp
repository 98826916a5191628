#include "lims/api/problem.hpp"

#include "lims/api/json_text.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace lims::api {

std::string Problem::toJson() const {
    Poco::JSON::Object::Ptr body = newObject();
    body->set("type", type);
    body->set("title", title);
    body->set("status", status);
    body->set("detail", detail);
    if (!errors.empty()) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& e : errors) {
            Poco::JSON::Object::Ptr item = newObject();
            item->set("field", e.field);
            item->set("problem", e.problem);
            list->add(item);
        }
        body->set("errors", list);
    }
    return toJsonText(body);
}

namespace problems {

namespace {
Problem make(const char* type, const char* title, int status, std::string detail) {
    Problem p;
    p.type = type;
    p.title = title;
    p.status = status;
    p.detail = std::move(detail);
    return p;
}
}  // namespace

Problem malformedJson(std::string detail) {
    return make(problem_type::kMalformedJson, "Malformed JSON", 400,
                "The request body is not valid JSON: " + detail);
}

Problem validation(std::vector<FieldError> errors) {
    std::string detail = errors.size() == 1
                             ? "1 field of the request body is not acceptable; see errors."
                             : std::to_string(errors.size()) +
                                   " fields of the request body are not acceptable; see errors.";
    Problem p = make(problem_type::kValidation, "Validation failed", 422, std::move(detail));
    p.errors = std::move(errors);
    return p;
}

Problem unsupportedMediaType(const std::string& got) {
    return make(problem_type::kUnsupportedMediaType, "Unsupported media type", 415,
                "The request body must be application/json, not '" + got + "'.");
}

Problem payloadTooLarge(std::size_t limitBytes) {
    return make(problem_type::kPayloadTooLarge, "Payload too large", 413,
                "The request body is larger than the limit of " + std::to_string(limitBytes) +
                    " bytes.");
}

Problem notFound(std::string detail) {
    return make(problem_type::kNotFound, "Not found", 404, std::move(detail));
}

Problem methodNotAllowed(const std::vector<std::string>& allowed) {
    std::string list;
    for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
    Problem p = make(problem_type::kMethodNotAllowed, "Method not allowed", 405,
                     "This resource accepts only: " + list + ".");
    p.headers.emplace_back("Allow", list);
    return p;
}

Problem unauthenticated(std::string detail) {
    Problem p = make(problem_type::kUnauthenticated, "Authentication required", 401,
                     std::move(detail));
    p.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lims\"");
    return p;
}

Problem forbidden(std::string detail) {
    return make(problem_type::kForbidden, "Forbidden", 403, std::move(detail));
}

Problem invalidCredentials() {
    // Same answer for an unknown user and a wrong password: no account enumeration.
    return make(problem_type::kInvalidCredentials, "Invalid credentials", 401,
                "The username or password is not correct.");
}

Problem loginThrottled(long retryAfterSeconds) {
    Problem p = make(problem_type::kLoginThrottled, "Too many failed logins", 429,
                     "Too many failed logins for this account; try again in " +
                         std::to_string(retryAfterSeconds) + " seconds.");
    p.headers.emplace_back("Retry-After", std::to_string(retryAfterSeconds));
    return p;
}

Problem accountLocked(long retryAfterSeconds) {
    Problem p = make(problem_type::kAccountLocked, "Account locked", 423,
                     "The account is locked after repeated failed logins; it unlocks in " +
                         std::to_string(retryAfterSeconds) + " seconds.");
    p.headers.emplace_back("Retry-After", std::to_string(retryAfterSeconds));
    return p;
}

Problem conflict(std::string detail) {
    return make(problem_type::kConflict, "Conflict", 409, std::move(detail));
}

Problem staleVersion(long long current, long long given) {
    return make(problem_type::kStaleVersion, "Stale version", 409,
                "The record was changed by someone else: you sent version " +
                    std::to_string(given) + " but it is now at version " +
                    std::to_string(current) + ". Read it again and retry.");
}

Problem preconditionRequired(std::string detail) {
    return make(problem_type::kPreconditionRequired, "Precondition required", 428,
                std::move(detail));
}

Problem idempotencyKeyReused() {
    return make(problem_type::kIdempotencyKeyReused, "Idempotency key reused", 422,
                "This Idempotency-Key was already used for a different request; use a new key "
                "for a new request.");
}

Problem idempotencyInProgress() {
    Problem p = make(problem_type::kIdempotencyInProgress, "Request in progress", 409,
                     "A request with this Idempotency-Key is still being processed; retry "
                     "shortly.");
    p.headers.emplace_back("Retry-After", "1");
    return p;
}

Problem idempotencyOutcomeLost(const std::string& committedAt) {
    return make(problem_type::kIdempotencyOutcomeLost, "Request done, answer lost", 409,
                "The request with this Idempotency-Key was carried out (committed at " + committedAt +
                    "), but the service stopped before its answer was kept. It is not run again: look up what "
                    "it created or changed instead of repeating it.");
}

Problem badRequest(std::string detail) {
    return make(problem_type::kBadRequest, "Bad request", 400, std::move(detail));
}

Problem serviceUnavailable(std::string detail) {
    // Busy or unreachable database: nothing was done, and a client (a gateway, a person's
    // browser) should try the same request again shortly.
    Problem p = make(problem_type::kServiceUnavailable, "Service unavailable", 503, std::move(detail));
    p.headers.emplace_back("Retry-After", "5");
    return p;
}

Problem internal() {
    return make(problem_type::kInternal, "Internal error", 500,
                "The server could not complete the request; it has been logged.");
}

}  // namespace problems
}  // namespace lims::api
