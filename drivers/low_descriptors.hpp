// Descriptor numbers below FD_SETSIZE (1024), held for libmodbus. libmodbus 3.1.6 waits
// with select() in every request (_modbus_receive_msg FD_SETs the context's socket before
// it reads anything) and in a TCP connect; a number at or above FD_SETSIZE aborts the
// process (glibc's fortified FD_SET: "bit out of range 0 - FD_SETSIZE on fd_set") or,
// unfortified, writes past the fd_set. Polling the socket ourselves first does not help:
// the FD_SET happens anyway. So each Modbus line holds one low number from a pool taken
// while the process has few files open, and moves its socket or serial port onto it.
// ModbusLine holds a LowDescriptor; DriverHost takes them before any line connects.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace drivers {

class LowDescriptorPool;

// One number below FD_SETSIZE, owned: /dev/null while vacant, a line's socket or serial port
// while adopted. Given back to its pool (vacant) when destroyed. Not thread-safe: its line
// uses it under its own lock.
class LowDescriptor {
public:
    LowDescriptor(LowDescriptor&& other) noexcept;
    LowDescriptor& operator=(LowDescriptor&& other) noexcept;
    LowDescriptor(const LowDescriptor&) = delete;
    LowDescriptor& operator=(const LowDescriptor&) = delete;
    ~LowDescriptor();

    int number() const noexcept { return number_; }
    // Moves `fd` onto this number (dup3, close-on-exec) and closes `fd`: from now on the
    // number refers to what `fd` did. The error names the system call.
    std::string adopt(int fd);
    // Closes what the number refers to and makes it /dev/null again, in one step (dup3),
    // so no other thread's open() can take the number meanwhile.
    void vacate();

private:
    friend class LowDescriptorPool;
    LowDescriptor(std::shared_ptr<LowDescriptorPool> pool, int number) : pool_(std::move(pool)), number_(number) {}
    void release();  // vacant, back to the pool
    std::shared_ptr<LowDescriptorPool> pool_;
    int number_ = -1;
};

// Vacant numbers the pool keeps beyond those its lines hold, taken while it takes theirs:
// lines added later (a new gateway configured through the API) find them even when the
// process has thousands of connections open by then.
inline constexpr std::size_t kSpareLowDescriptors = 8;

// The numbers taken so far, vacant ones ready for the next line. Numbers are kept for the
// life of the pool (a restarted DriverHost finds them again even when the process has
// thousands of connections open by then).
class LowDescriptorPool : public std::enable_shared_from_this<LowDescriptorPool> {
public:
    // The process's pool, shared by every DriverHost, with kSpareLowDescriptors spare.
    static std::shared_ptr<LowDescriptorPool> process();
    // A pool of its own (tests), keeping `spare` vacant numbers after each take().
    static std::shared_ptr<LowDescriptorPool> create(std::size_t spare = 0);
    ~LowDescriptorPool();

    // A vacant number, or a new one when none is vacant; the error says why there is none
    // (every number below FD_SETSIZE in use, or the process's file limit reached). Then
    // tops the vacant numbers up to the spare count, as far as low numbers are free.
    std::variant<LowDescriptor, std::string> take();

    std::size_t held() const;    // numbers taken from the system so far
    std::size_t vacant() const;  // of them, not held by a line

private:
    explicit LowDescriptorPool(std::size_t spare);
    friend class LowDescriptor;
    void give_back(int number);
    // A new number below FD_SETSIZE from the system (mutex_ held), or why there is none.
    std::variant<int, std::string> open_number();
    int placeholder() const noexcept { return placeholder_; }

    mutable std::mutex mutex_;
    int placeholder_ = -1;  // /dev/null, duplicated onto a number to vacate it
    std::vector<int> vacant_;
    std::size_t held_ = 0;
    std::size_t spare_ = 0;
};

}  // namespace drivers
