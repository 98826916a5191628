#include "drivers/low_descriptors.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/select.h>
#include <unistd.h>

namespace drivers {

LowDescriptor::LowDescriptor(LowDescriptor&& other) noexcept
    : pool_(std::move(other.pool_)), number_(std::exchange(other.number_, -1)) {}

LowDescriptor& LowDescriptor::operator=(LowDescriptor&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        number_ = std::exchange(other.number_, -1);
    }
    return *this;
}

LowDescriptor::~LowDescriptor() { release(); }

void LowDescriptor::release() {
    if (number_ < 0 || !pool_) return;
    vacate();
    pool_->give_back(number_);
    number_ = -1;
}

std::string LowDescriptor::adopt(int fd) {
    if (::dup3(fd, number_, O_CLOEXEC) == -1) {
        const int code = errno;
        ::close(fd);
        return "dup3 onto descriptor " + std::to_string(number_) + ": " + std::strerror(code);
    }
    ::close(fd);
    return {};
}

void LowDescriptor::vacate() {
    // dup3 closes what the number referred to and puts /dev/null there atomically. It can
    // only fail for a bad placeholder, which the pool never hands out a number without.
    (void)::dup3(pool_->placeholder(), number_, O_CLOEXEC);
}

// ---------------------------------------------------------------------------------------

LowDescriptorPool::LowDescriptorPool(std::size_t spare) : spare_(spare) {
    placeholder_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

LowDescriptorPool::~LowDescriptorPool() {
    for (int n : vacant_) ::close(n);
    if (placeholder_ >= 0) ::close(placeholder_);
}

std::shared_ptr<LowDescriptorPool> LowDescriptorPool::create(std::size_t spare) {
    return std::shared_ptr<LowDescriptorPool>(new LowDescriptorPool(spare));
}

std::shared_ptr<LowDescriptorPool> LowDescriptorPool::process() {
    static const std::shared_ptr<LowDescriptorPool> pool = create(kSpareLowDescriptors);
    return pool;
}

std::variant<int, std::string> LowDescriptorPool::open_number() {
    if (placeholder_ < 0) return std::string("cannot open /dev/null to hold descriptors for libmodbus");
    // The lowest free number (as open() would give).
    const int n = ::fcntl(placeholder_, F_DUPFD_CLOEXEC, 0);
    if (n == -1)
        return "no descriptor left for libmodbus: " + std::string(std::strerror(errno)) + " (" +
               std::to_string(held_) + " held for Modbus lines)";
    if (n >= FD_SETSIZE) {
        ::close(n);
        return "no descriptor below FD_SETSIZE (" + std::to_string(FD_SETSIZE) +
               ") is free for libmodbus, which waits with select(): every lower number is open (" +
               std::to_string(held_) + " held for Modbus lines); start the service with fewer files open or "
               "put the loggers behind fewer gateway endpoints";
    }
    ++held_;
    return n;
}

std::variant<LowDescriptor, std::string> LowDescriptorPool::take() {
    std::lock_guard lock(mutex_);
    int n = -1;
    if (!vacant_.empty()) {
        n = vacant_.back();
        vacant_.pop_back();
    } else {
        auto opened = open_number();
        if (auto* error = std::get_if<std::string>(&opened)) return *error;
        n = std::get<int>(opened);
    }
    while (vacant_.size() < spare_) {
        auto opened = open_number();
        if (!std::holds_alternative<int>(opened)) break;  // as many as are free
        vacant_.push_back(std::get<int>(opened));
    }
    return LowDescriptor(shared_from_this(), n);
}

void LowDescriptorPool::give_back(int number) {
    std::lock_guard lock(mutex_);
    vacant_.push_back(number);
}

std::size_t LowDescriptorPool::held() const {
    std::lock_guard lock(mutex_);
    return held_;
}

std::size_t LowDescriptorPool::vacant() const {
    std::lock_guard lock(mutex_);
    return vacant_.size();
}

}  // namespace drivers
