// An ordinary failure described for both a program and a person: a stable dotted code
// ("sample_number.check_character") that callers and the API's problem types switch on,
// and a message that names the problem. Carried by Result<T> (result.hpp).
#pragma once

#include <string>
#include <utility>

namespace lims::domain {

struct Error {
    std::string code;     // stable, dotted, lower_snake: "<subject>.<problem>"
    std::string message;  // for a person: what was wrong and where

    friend bool operator==(const Error&, const Error&) = default;
};

inline Error make_error(std::string code, std::string message) {
    return Error{std::move(code), std::move(message)};
}

}  // namespace lims::domain
