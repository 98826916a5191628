#include "lims/api/utf8.hpp"

namespace lims::api::utf8 {

std::optional<std::size_t> codePointCount(std::string_view text) {
    std::size_t count = 0;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        if (b0 < 0x80) {
            len = 1;
            cp = b0;
        } else if ((b0 & 0xE0) == 0xC0) {
            len = 2;
            cp = b0 & 0x1F;
        } else if ((b0 & 0xF0) == 0xE0) {
            len = 3;
            cp = b0 & 0x0F;
        } else if ((b0 & 0xF8) == 0xF0) {
            len = 4;
            cp = b0 & 0x07;
        } else {
            return std::nullopt;  // continuation byte or 0xF8.. lead byte
        }
        if (i + len > n) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (b & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
        static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[len]) return std::nullopt;
        if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;
        if (cp > 0x10FFFF) return std::nullopt;
        i += len;
        ++count;
    }
    return count;
}

}  // namespace lims::api::utf8
