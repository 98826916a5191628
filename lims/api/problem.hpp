// Problem details (RFC 9457) for every error the HTTP API returns, and the catalogue of
// stable problem types. Handlers and the server build a Problem; response.hpp turns it
// into an application/problem+json response.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lims::domain {
struct Error;
}

namespace lims::api {

// One violation of a request body, named by its JSON path ("samplers[1].name"), with a
// stable code a client can translate ("field.required", "field.too_long" with params max and
// length; a use case's own, "sampling.invalid_field"; "invalid" when none was given) and the
// English problem beside it.
struct FieldError {
    std::string field;
    std::string problem;
    std::string code = {};
    std::vector<std::pair<std::string, std::string>> params = {};  // what the message's numbers and lists were
    bool operator==(const FieldError&) const = default;
};

struct Problem {
    std::string type;    // stable URI; clients switch on this, never on `title`
    std::string title;   // short, fixed per type
    int status = 500;
    std::string detail;  // this occurrence, in words a person understands
    std::vector<FieldError> errors;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After, Allow

    std::string toJson() const;
};

// Stable type URIs. URNs because they identify, they are not meant to be fetched
// (RFC 9457 §3.1.1 allows non-dereferenceable type URIs).
namespace problem_type {
inline constexpr const char* kMalformedJson = "urn:lims:problem:malformed-json";
inline constexpr const char* kValidation = "urn:lims:problem:validation-failed";
inline constexpr const char* kUnsupportedMediaType = "urn:lims:problem:unsupported-media-type";
inline constexpr const char* kPayloadTooLarge = "urn:lims:problem:payload-too-large";
inline constexpr const char* kNotFound = "urn:lims:problem:not-found";
inline constexpr const char* kMethodNotAllowed = "urn:lims:problem:method-not-allowed";
inline constexpr const char* kUnauthenticated = "urn:lims:problem:unauthenticated";
inline constexpr const char* kForbidden = "urn:lims:problem:forbidden";
inline constexpr const char* kInvalidCredentials = "urn:lims:problem:invalid-credentials";
inline constexpr const char* kLoginThrottled = "urn:lims:problem:login-throttled";
inline constexpr const char* kAccountLocked = "urn:lims:problem:account-locked";
inline constexpr const char* kConflict = "urn:lims:problem:conflict";
inline constexpr const char* kStaleVersion = "urn:lims:problem:stale-version";
inline constexpr const char* kPreconditionRequired = "urn:lims:problem:precondition-required";
inline constexpr const char* kIdempotencyKeyReused = "urn:lims:problem:idempotency-key-reused";
inline constexpr const char* kIdempotencyInProgress = "urn:lims:problem:idempotency-key-in-progress";
inline constexpr const char* kIdempotencyOutcomeLost = "urn:lims:problem:idempotency-outcome-lost";
inline constexpr const char* kBadRequest = "urn:lims:problem:bad-request";
inline constexpr const char* kServiceUnavailable = "urn:lims:problem:service-unavailable";
inline constexpr const char* kInternal = "urn:lims:problem:internal-error";
}  // namespace problem_type

// Constructors for the problems the plumbing itself raises; resource routes add their own
// with the same shape.
namespace problems {
Problem malformedJson(std::string detail);
Problem validation(std::vector<FieldError> errors);
Problem unsupportedMediaType(const std::string& got);
Problem payloadTooLarge(std::size_t limitBytes);
Problem notFound(std::string detail);
Problem methodNotAllowed(const std::vector<std::string>& allowed);
Problem unauthenticated(std::string detail);
Problem forbidden(std::string detail);
Problem invalidCredentials();
Problem loginThrottled(long retryAfterSeconds);
Problem accountLocked(long retryAfterSeconds);
Problem conflict(std::string detail);
Problem staleVersion(long long current, long long given);
Problem preconditionRequired(std::string detail);
Problem idempotencyKeyReused();
Problem idempotencyInProgress();
Problem idempotencyOutcomeLost(const std::string& committedAt);
Problem badRequest(std::string detail);
Problem serviceUnavailable(std::string detail);
Problem internal();

// THE mapping from a use case's or the store's error to the API's answer; every route
// answers a domain::Error through it. By the error's kind: invalid 422 naming its field
// (the whole "body" when it names none), not_found 404, forbidden 403, conflict 409, stale
// 409 (stale-version), unavailable 503, internal 500. Errors without a kind (made with
// make_error) are looked up in one table of today's codes (problem.cpp); a code in no
// row is an internal error, so a new code without a kind shows in the tests.
Problem from_error(const domain::Error& error);
}  // namespace problems

}  // namespace lims::api
