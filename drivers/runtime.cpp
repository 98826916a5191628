#include "drivers/runtime.hpp"

namespace drivers {

Runtime::Runtime(RuntimeOptions options)
    : guard_(boost::asio::make_work_guard(io_)), workers_(options.worker_threads == 0 ? 1 : options.worker_threads) {
    const std::size_t n = options.io_threads == 0 ? 1 : options.io_threads;
    threads_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
}

Runtime::~Runtime() { stop(); }

void Runtime::stop() {
    if (stopped_) return;
    stopped_ = true;
    guard_.reset();
    io_.stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    workers_.join();
}

}  // namespace drivers
