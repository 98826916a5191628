// Result<T>: either a value or an Error, for failures that are ordinary (bad input, a
// date outside the loaded calendar, a refused transition). Every layer of the service
// returns it; exceptions are kept for broken invariants, such as reading value() of a
// failed result.
#pragma once

#include "lims/domain/error.hpp"

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace lims::domain {

template <typename T>
class [[nodiscard]] Result {
    static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

public:
    using value_type = T;

    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}    // NOLINT: implicit by design
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {} // NOLINT: implicit by design

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    // Reading the value of a failure is a programming error, not an ordinary one.
    const T& value() const& { require_value(); return std::get<0>(state_); }
    T& value() & { require_value(); return std::get<0>(state_); }
    T&& value() && { require_value(); return std::get<0>(std::move(state_)); }

    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    const Error& error() const& {
        if (ok()) throw std::logic_error("Result::error() called on a success");
        return std::get<1>(state_);
    }

    template <typename U>
    T value_or(U&& fallback) const& {
        return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }

    // map(f): Result<f(T)>, the error passed through untouched.
    template <typename F>
    auto map(F&& f) const& -> Result<std::invoke_result_t<F, const T&>> {
        if (ok()) return std::forward<F>(f)(std::get<0>(state_));
        return std::get<1>(state_);
    }

    // and_then(f): f returns a Result itself; chains steps that can each fail.
    template <typename F>
    auto and_then(F&& f) const& -> std::invoke_result_t<F, const T&> {
        if (ok()) return std::forward<F>(f)(std::get<0>(state_));
        return std::get<1>(state_);
    }

private:
    void require_value() const {
        if (!ok()) {
            throw std::logic_error("Result::value() called on a failure: " + std::get<1>(state_).code +
                                   ": " + std::get<1>(state_).message);
        }
    }

    std::variant<T, Error> state_;
};

// Result<void>: success carries nothing. Default-constructed means success.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }

    const Error& error() const {
        if (ok()) throw std::logic_error("Result::error() called on a success");
        return error_;
    }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

}  // namespace lims::domain
