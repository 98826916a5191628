// Open-file limits and descriptor numbers for tests that need many descriptors (Modbus
// lines past FD_SETSIZE, many client connections): raise the soft limit, and take every
// free number up to a given one, as a process with that many files and connections has.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

namespace lims::testing {

// Raises the soft limit of open files to `want` (the hard limit permitting); false when
// the hard limit is lower.
inline bool raise_open_file_limit(rlim_t want) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    if (limit.rlim_cur >= want) return true;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want) return false;
    limit.rlim_cur = want;
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

// Opens /dev/null until a number at or above `number` is open: every free number up to it
// is then taken. Closed at the end.
class OpenFiles {
public:
    explicit OpenFiles(int number) {
        for (;;) {
            const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd < 0) break;
            fds_.push_back(fd);
            if (fd >= number) break;
        }
    }
    ~OpenFiles() {
        for (int fd : fds_) ::close(fd);
    }
    OpenFiles(const OpenFiles&) = delete;
    OpenFiles& operator=(const OpenFiles&) = delete;
    int highest() const { return fds_.empty() ? -1 : fds_.back(); }

private:
    std::vector<int> fds_;
};

}  // namespace lims::testing
