#include "lims/api/bearer_token.hpp"

#include "lims/domain/text/sha256.hpp"

#include <Poco/Base64Encoder.h>

#include <array>
#include <sstream>
#include <stdexcept>

namespace lims::api {

std::string generateBearerToken(RandomSource source) {
    std::array<unsigned char, kTokenRandomBytes> bytes{};
    // Without randomness no token may be issued at all.
    if (auto failed = fillSecureRandom(bytes, source); !failed.empty())
        throw std::runtime_error("no bearer token issued: " + failed);
    std::ostringstream out;
    {
        Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        encoder.rdbuf()->setLineLength(0);
        encoder.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        encoder.close();
    }
    return "lims_" + out.str();
}

std::string hashBearerToken(const std::string& token) {
    return domain::sha256_hex(token);
}

}  // namespace lims::api
