#include "lims/api/problem.hpp"

#include "lims/api/json_text.hpp"
#include "lims/domain/error.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <string_view>

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
            item->set("code", e.code.empty() ? std::string("invalid") : e.code);
            if (!e.params.empty()) {
                Poco::JSON::Object::Ptr params = newObject();
                for (const auto& [name, value] : e.params) params->set(name, value);
                item->set("params", params);
            }
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

namespace {

using domain::ErrorKind;

// How a code without a kind is answered: the kind it stands for, and for invalid the
// request field it names.
struct CodeRow {
    std::string_view code;  // exact code, or a prefix when it ends with '.' or ':'
    ErrorKind kind;
    std::string_view field;  // kind invalid: the field; empty = the part of the code after the prefix
};

// The codes still made with make_error, from the five mappers the routes had (review,
// sampling, documents, ingest, coldchain; admin's codes too). Exact codes first, then
// prefixes; a use case that gives its errors a kind takes its rows out of this table (the
// review, case-lead, notice, signature and document use cases' have theirs now).
constexpr CodeRow kCodeTable[] = {
    // Not found, or outside the caller's jurisdiction: never admitted to exist.
    {"documents.report_not_found", ErrorKind::not_found, {}},  // routes/document_routes.cpp
    {"documents.sample_not_found", ErrorKind::not_found, {}},
    {"ingest.unknown_instrument", ErrorKind::not_found, {}},
    {"sampling.not_found", ErrorKind::not_found, {}},
    {"admin.not_found", ErrorKind::not_found, {}},
    // Another person's right: a role.
    {"transition.role_not_allowed", ErrorKind::forbidden, {}},
    {"sampling.forbidden", ErrorKind::forbidden, {}},
    // A field of the request the use case refused.
    {"transition.missing_record", ErrorKind::invalid, "reason"},
    // workflow::parse_store_time of a body's time: re-inspection's report_received_at.
    {"time.format", ErrorKind::invalid, "report_received_at"},
    {"sampling.invalid_field:", ErrorKind::invalid, {}},
    {"admin.invalid.", ErrorKind::invalid, {}},
    {"password.", ErrorKind::invalid, "body"},
    {"role.", ErrorKind::invalid, "body"},
    {"coldchain.", ErrorKind::invalid, "body"},
    // Stale versions.
    {"sampling.stale_version", ErrorKind::stale, {}},
    {"admin.stale_version", ErrorKind::stale, {}},
    // The installation or the database, not the request: try again later.
    {"calendar.year_not_loaded", ErrorKind::unavailable, {}},
    {"ingest.unavailable", ErrorKind::unavailable, {}},
    {"ingest.store_failed", ErrorKind::internal, {}},
    // The record's state does not allow it now.
    {"sampling.conflict", ErrorKind::conflict, {}},
    {"admin.conflict", ErrorKind::conflict, {}},
    {"transition.", ErrorKind::conflict, {}},
    {"calendar.", ErrorKind::conflict, {}},
    {"deadline_clock.", ErrorKind::conflict, {}},
};

bool matches(const CodeRow& row, const std::string& code) {
    const bool prefix = !row.code.empty() && (row.code.back() == '.' || row.code.back() == ':');
    return prefix ? code.compare(0, row.code.size(), row.code) == 0 : code == row.code;
}

const CodeRow* row_for(const std::string& code) {
    for (const auto& row : kCodeTable)
        if (!(row.code.back() == '.' || row.code.back() == ':') && code == row.code) return &row;
    for (const auto& row : kCodeTable)
        if (matches(row, code)) return &row;
    return nullptr;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// `code` is the field error's code: the use case's, without a field path it may carry
// ("sampling.invalid_field:seal_numbers[1]" -> "sampling.invalid_field", "admin.invalid.name"
// -> "admin.invalid"); the caller that knows where the path starts passes it.
Problem by_kind(ErrorKind kind, const std::string& field, const domain::Error& e, std::string code) {
    switch (kind) {
        case ErrorKind::invalid: return validation({{field.empty() ? "body" : field, e.message, std::move(code)}});
        case ErrorKind::not_found: return notFound(e.message);
        case ErrorKind::forbidden: return forbidden(e.message);
        case ErrorKind::conflict: return conflict(e.message);
        case ErrorKind::stale: {
            Problem p = staleVersion(0, 0);
            p.detail = e.message;
            return p;
        }
        case ErrorKind::unavailable: return serviceUnavailable(e.message);
        case ErrorKind::internal:
        case ErrorKind::unspecified: break;
    }
    return internal();
}

}  // namespace

Problem from_error(const domain::Error& e) {
    if (e.kind != ErrorKind::unspecified) return by_kind(e.kind, e.field, e, e.code.substr(0, e.code.find(':')));
    // A document that is not yet whole (no approval, a test without result): the data's
    // state, said as such.
    if (e.code == "documents.report_incomplete" || starts_with(e.code, "report_document.") ||
        starts_with(e.code, "sampling_record.") || starts_with(e.code, "code128."))
        return conflict("The document cannot be printed: " + e.message);
    // A query parameter of the public report check or the statistics.
    if (e.code == "statistics.parameter" || starts_with(e.code, "verify.")) return badRequest(e.message);
    if (const CodeRow* row = row_for(e.code)) {
        std::string field(row->field);
        std::string code = e.code.substr(0, e.code.find(':'));
        if (row->kind == ErrorKind::invalid && field.empty()) {
            field = e.code.substr(row->code.size());
            const char last = row->code.back();
            if (last == '.' || last == ':') code = std::string(row->code.substr(0, row->code.size() - 1));
        }
        return by_kind(row->kind, field, e, std::move(code));
    }
    // The rest of ingest's codes are the batch's content: a value, a specimen, a test that
    // cannot take it; 422 with the code as the field so a gateway can tell them apart.
    if (starts_with(e.code, "ingest.")) {
        Problem p = make(problem_type::kValidation, "The request cannot be carried out", 422, e.message);
        p.errors.push_back({e.code, e.message, e.code});
        return p;
    }
    return internal();
}

}  // namespace problems
}  // namespace lims::api
