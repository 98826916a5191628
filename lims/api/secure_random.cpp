#include "lims/api/secure_random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace lims::api {

namespace {
long systemGetrandom(void* buffer, std::size_t length, unsigned int flags) {
    return static_cast<long>(::getrandom(buffer, length, flags));
}
}  // namespace

std::string fillSecureRandom(std::span<unsigned char> out, RandomSource source) {
    if (!source) source = systemGetrandom;
    std::size_t filled = 0;
    int failures = 0;
    while (filled < out.size()) {
        errno = 0;
        const long n = source(out.data() + filled, out.size() - filled, 0);
        if (n > 0) {
            filled += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR && ++failures < 100) continue;
        return std::string("getrandom(2) failed: ") + (n < 0 ? std::strerror(errno) : "it returned no bytes");
    }
    return {};
}

}  // namespace lims::api
