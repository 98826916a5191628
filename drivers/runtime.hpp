// The drivers' execution runtime: one io_context served by a small thread pool for all
// sockets and timers, and a bounded worker pool for blocking calls (sink commits,
// libmodbus). DriverHost owns one; drivers co_await run_blocking() to leave the io threads.
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace drivers {

struct RuntimeOptions {
    // Sockets and timers need little CPU: two threads keep one busy connection from
    // stalling the others on the 2-core target machine.
    std::size_t io_threads = 2;
    // Upper bound of blocking calls in flight (commits, libmodbus requests). A logger that
    // never answers holds one worker for its timeout, so size it above the expected number
    // of dead devices.
    std::size_t worker_threads = 8;
};

class Runtime {
public:
    explicit Runtime(RuntimeOptions options = {});
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    boost::asio::io_context& io() noexcept { return io_; }

    // Stops the io threads and the workers; waits for them. Idempotent.
    void stop();

    // Runs `fn` on the worker pool and resumes the calling coroutine on its own executor
    // with the result; an exception thrown by `fn` is rethrown in the coroutine.
    // Not a coroutine itself (GCC 12 mishandles lambdas passed by value into coroutine
    // frames): it returns the awaitable of the initiation directly.
    template <class Fn>
    auto run_blocking(Fn fn) -> boost::asio::awaitable<std::invoke_result_t<Fn&>> {
        using Result = std::invoke_result_t<Fn&>;
        static_assert(!std::is_void_v<Result>, "return a value from blocking work");
        static_assert(std::is_default_constructible_v<Result>);
        return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr, Result)>(
            [this](auto handler, Fn work_fn) {
                auto work = boost::asio::make_work_guard(handler);
                ++blocking_in_flight_;
                boost::asio::post(workers_, [this, fn = std::move(work_fn), handler = std::move(handler),
                                             work = std::move(work)]() mutable {
                    std::exception_ptr error;
                    Result result{};
                    try {
                        result = fn();
                    } catch (...) {
                        error = std::current_exception();
                    }
                    --blocking_in_flight_;
                    auto executor = work.get_executor();
                    boost::asio::post(executor, [handler = std::move(handler), error,
                                                 result = std::move(result)]() mutable {
                        handler(error, std::move(result));
                    });
                });
            },
            boost::asio::use_awaitable, std::move(fn));
    }

    std::size_t blocking_in_flight() const noexcept { return blocking_in_flight_.load(); }

private:
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
    boost::asio::thread_pool workers_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> blocking_in_flight_{0};
    bool stopped_ = false;
};

}  // namespace drivers
