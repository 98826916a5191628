// The sample number printed on the sampling record, the seals and the Code 128 label:
// "D2026-310101-000123-K" = category letter and year, the issuing organisation's region
// code, a serial per organisation and year, and an ISO/IEC 7064 MOD 37-2 check character
// so a mistyped or misread number is refused instead of finding another sample. The
// check character is 0-9, A-Z or "*" (MOD 37-2 has 37 check values; Code 128 prints "*").
#pragma once

#include "lims/domain/identifiers/region_code.hpp"
#include "lims/domain/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace lims::domain {

// The first letter of a sample number. The product catalogue's category maps onto it.
enum class SampleCategory : char {
    drug = 'D',
    vaccine = 'V',
    biological = 'B',      // blood products and other biologicals
    tcm_decoction = 'T',   // traditional Chinese medicine decoction pieces, formula granules
    cosmetic = 'C',
    medical_device = 'M',
};

struct SampleNumberParts {
    SampleCategory category;
    int year;              // kFirstYear..kLastYear
    RegionCode region;     // the issuing organisation's division
    std::uint32_t serial;  // 1..kMaxSerial, allocated in the registering transaction
};

class SampleNumber {
public:
    static constexpr int kFirstYear = 2000;
    static constexpr int kLastYear = 2099;
    static constexpr std::uint32_t kMaxSerial = 999'999;  // six digits per organisation and year
    static constexpr std::size_t kLength = 21;             // "D2026-310101-000123-K"
    static constexpr std::size_t kCompactLength = 18;      // the same without hyphens

    // Builds the number and computes its check character. Errors: sample_number.year,
    // sample_number.serial.
    static Result<SampleNumber> from_parts(const SampleNumberParts& parts);

    // Accepts the printed form and, because scanners and people drop hyphens, the compact
    // 18-character form; letters in either case. Names the problem:
    // sample_number.length, .format (which position), .category, .year, .region, .serial,
    // .check_character (a mistyped or misread character).
    static Result<SampleNumber> parse(std::string_view text);

    const std::string& text() const noexcept { return text_; }  // printed form
    std::string compact() const;                                // without hyphens
    const SampleNumberParts& parts() const noexcept { return parts_; }
    char check_character() const noexcept { return text_.back(); }

    friend bool operator==(const SampleNumber& a, const SampleNumber& b) { return a.text_ == b.text_; }

private:
    SampleNumber(SampleNumberParts parts, std::string text) : parts_(std::move(parts)), text_(std::move(text)) {}

    SampleNumberParts parts_;
    std::string text_;
};

}  // namespace lims::domain
