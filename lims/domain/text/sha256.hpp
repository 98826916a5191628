// SHA-256 as lower-case hex, the one helper for every hash the service keeps: bearer-token
// hashes, raw message hashes, signed content, report documents and PDFs, the audit chain.
// (Poco::SHA2Engine underneath; the domain links Poco::Foundation for it alone.)
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace lims::domain {

// 64 lower-case hex digits of SHA-256(bytes).
std::string sha256_hex(std::string_view bytes);
// SHA-256 of the concatenation of the parts, without building it.
std::string sha256_hex(std::initializer_list<std::string_view> parts);

}  // namespace lims::domain
