// Outcome<T>: a value, or the Problem the API answers with. The API-level counterpart of
// domain::Result, whose errors are domain codes; an Outcome's error is already an HTTP
// answer (status, type, field errors). Returned by the auth service and the conventions.
#pragma once

#include "lims/api/problem.hpp"

#include <stdexcept>
#include <utility>
#include <variant>

namespace lims::api {

template <typename T>
class [[nodiscard]] Outcome {
public:
    Outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}       // NOLINT: implicit by design
    Outcome(Problem problem) : state_(std::in_place_index<1>, std::move(problem)) {}  // NOLINT

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    const T& value() const& { require(); return std::get<0>(state_); }
    T& value() & { require(); return std::get<0>(state_); }
    T&& value() && { require(); return std::get<0>(std::move(state_)); }
    const T* operator->() const { return &value(); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const Problem& problem() const {
        if (ok()) throw std::logic_error("Outcome::problem() called on a success");
        return std::get<1>(state_);
    }

private:
    void require() const {
        if (!ok()) throw std::logic_error("Outcome::value() called on a problem: " + std::get<1>(state_).title);
    }
    std::variant<T, Problem> state_;
};

}  // namespace lims::api
