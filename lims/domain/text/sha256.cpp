#include "lims/domain/text/sha256.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace lims::domain {

std::string sha256_hex(std::string_view bytes) { return sha256_hex({bytes}); }

std::string sha256_hex(std::initializer_list<std::string_view> parts) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    for (auto part : parts) sha.update(part.data(), static_cast<unsigned>(part.size()));
    return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace lims::domain
