// Random bytes for secrets (bearer tokens, password salts) from the kernel's CSPRNG through
// getrandom(2), which blocks until the pool is seeded and never falls back to anything
// weaker. Poco's RandomInputStream, used before, silently switched to its own generator
// when /dev/urandom could not be opened (a chroot, a descriptor limit): a secret must
// rather not be made at all.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace lims::api {

// How the bytes are read: getrandom(2)'s signature, so tests can hand in a failing source.
using RandomSource = long (*)(void* buffer, std::size_t length, unsigned int flags);

// Fills `out` completely (short reads and EINTR are read again), or returns why not.
// Empty string: done.
std::string fillSecureRandom(std::span<unsigned char> out, RandomSource source = nullptr);

}  // namespace lims::api
