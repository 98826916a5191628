// An ordinary failure described for both a program and a person: a stable dotted code
// ("sample_number.check_character") that callers and the API's problem types switch on,
// a message that names the problem, and the kind of refusal it is. Carried by Result<T>
// (result.hpp).
//
// The kind is what the API answers with, mapped in one place (api/problem): a use case
// says "this record is not in your jurisdiction" (not_found) or "this field is wrong"
// (invalid, naming the field), never an HTTP status. Errors made with make_error have
// kind unspecified; the API maps those by their code's well-known suffixes and refuses
// the rest as an internal error, so a new code without a kind shows up in the tests.
#pragma once

#include <string>
#include <utility>

namespace lims::domain {

enum class ErrorKind {
    unspecified,  // made by make_error: the API falls back to the code
    invalid,      // a value the caller sent is not acceptable; `field` names it (422)
    not_found,    // no such record, or not one the caller may see (404)
    forbidden,    // the caller may see the record but not do this to it (403)
    conflict,     // the record's state does not allow it now (409)
    stale,        // the caller's version of the record is not the current one (409/412)
    unavailable,  // the database or a peer is busy or away; try again later (503)
    internal,     // a fault of the system, not of the request (500)
};

struct Error {
    std::string code;     // stable, dotted, lower_snake: "<subject>.<problem>"
    std::string message;  // for a person: what was wrong and where
    ErrorKind kind = ErrorKind::unspecified;
    std::string field;    // kind invalid: the request field ("storage_unit_id", "lines[2].limit")

    Error() = default;
    Error(std::string code_, std::string message_, ErrorKind kind_ = ErrorKind::unspecified,
          std::string field_ = {})
        : code(std::move(code_)), message(std::move(message_)), kind(kind_), field(std::move(field_)) {}

    friend bool operator==(const Error&, const Error&) = default;
};

inline Error make_error(std::string code, std::string message) {
    return Error(std::move(code), std::move(message));
}

namespace errors {

inline Error invalid(std::string field, std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::invalid, std::move(field)};
}
inline Error not_found(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::not_found, {}};
}
inline Error forbidden(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::forbidden, {}};
}
inline Error conflict(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::conflict, {}};
}
inline Error stale(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::stale, {}};
}
inline Error unavailable(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::unavailable, {}};
}
inline Error internal(std::string code, std::string message) {
    return Error{std::move(code), std::move(message), ErrorKind::internal, {}};
}

}  // namespace errors

}  // namespace lims::domain
