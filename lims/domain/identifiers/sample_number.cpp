#include "lims/domain/identifiers/sample_number.hpp"

#include "lims/domain/identifiers/iso7064.hpp"
#include "lims/domain/text/ascii.hpp"

#include <array>
#include <cstdio>

namespace lims::domain {
namespace {

constexpr std::array<SampleCategory, 6> kCategories = {
    SampleCategory::drug,     SampleCategory::vaccine,  SampleCategory::biological,
    SampleCategory::tcm_decoction, SampleCategory::cosmetic, SampleCategory::medical_device};

// Printed layout: C YYYY - RRRRRR - SSSSSS - K; hyphens at these offsets.
constexpr std::array<std::size_t, 3> kHyphens = {5, 12, 19};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string payload_of(const SampleNumberParts& p) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%c%04d%s%06u", static_cast<char>(p.category), p.year,
                  p.region.digits().c_str(), static_cast<unsigned>(p.serial));
    return buffer;
}

std::string printed(std::string_view compact) {
    std::string out;
    out.reserve(SampleNumber::kLength);
    out.append(compact.substr(0, 5)).push_back('-');
    out.append(compact.substr(5, 6)).push_back('-');
    out.append(compact.substr(11, 6)).push_back('-');
    out.push_back(compact[17]);
    return out;
}

Error format_error(std::string_view text, std::size_t position, std::string_view expected) {
    return Error{"sample_number.format", text::quoted(text) + " is not a sample number: character " +
                                             std::to_string(position + 1) + " should be " + std::string(expected)};
}

}  // namespace

Result<SampleNumber> SampleNumber::from_parts(const SampleNumberParts& parts) {
    if (parts.year < kFirstYear || parts.year > kLastYear) {
        return Error{"sample_number.year", "year " + std::to_string(parts.year) + " is outside " +
                                               std::to_string(kFirstYear) + ".." + std::to_string(kLastYear)};
    }
    if (parts.serial < 1 || parts.serial > kMaxSerial) {
        return Error{"sample_number.serial", "serial " + std::to_string(parts.serial) + " is outside 1.." +
                                                 std::to_string(kMaxSerial)};
    }
    std::string compact = payload_of(parts);
    compact.push_back(*iso7064::mod37_2_check_character(compact));
    return SampleNumber(parts, printed(compact));
}

Result<SampleNumber> SampleNumber::parse(std::string_view raw) {
    const std::string upper = text::to_upper_ascii(text::trim(raw));
    std::string compact;
    if (upper.size() == kLength) {
        for (std::size_t i = 0; i < upper.size(); ++i) {
            const bool hyphen_here = i == kHyphens[0] || i == kHyphens[1] || i == kHyphens[2];
            if (hyphen_here != (upper[i] == '-')) {
                return format_error(raw, i, hyphen_here ? "'-'" : "a letter or digit, not '-'");
            }
            if (!hyphen_here) compact.push_back(upper[i]);
        }
    } else if (upper.size() == kCompactLength) {
        compact = upper;
    } else {
        return Error{"sample_number.length", text::quoted(raw) + " is not a sample number: expected " +
                                                 std::to_string(kLength) + " characters like D2026-310101-000123-K (or " +
                                                 std::to_string(kCompactLength) + " without hyphens)"};
    }
    // Positions in the compact form: 0 category, 1-4 year, 5-10 region, 11-16 serial, 17 check.
    auto printed_position = [&](std::size_t compact_index) {
        if (upper.size() == kCompactLength) return compact_index;
        std::size_t p = compact_index;
        for (std::size_t h : kHyphens) if (p >= h) ++p;
        return p;
    };
    for (std::size_t i = 1; i < 17; ++i) {
        if (!is_digit(compact[i])) return format_error(raw, printed_position(i), "a digit");
    }
    const char letter = compact[0];
    SampleCategory category = SampleCategory::drug;
    bool known = false;
    for (SampleCategory c : kCategories) {
        if (static_cast<char>(c) == letter) { category = c; known = true; }
    }
    if (!known) {
        return Error{"sample_number.category", text::quoted(raw) + " begins with '" + std::string(1, letter) +
                                                   "', which is not a sample category (D, V, B, T, C or M)"};
    }
    const int year = std::stoi(compact.substr(1, 4));
    if (year < kFirstYear || year > kLastYear) {
        return Error{"sample_number.year", text::quoted(raw) + " has year " + compact.substr(1, 4) + ", outside " +
                                               std::to_string(kFirstYear) + ".." + std::to_string(kLastYear)};
    }
    auto region = RegionCode::parse(std::string_view(compact).substr(5, 6));
    if (!region) {
        return Error{"sample_number.region", text::quoted(raw) + " has an invalid region code: " + region.error().message};
    }
    const auto serial = static_cast<std::uint32_t>(std::stoul(compact.substr(11, 6)));
    if (serial == 0) {
        return Error{"sample_number.serial", text::quoted(raw) + " has serial 000000; serials start at 000001"};
    }
    const auto expected = iso7064::mod37_2_check_character(std::string_view(compact).substr(0, 17));
    if (!expected || *expected != compact[17]) {
        return Error{"sample_number.check_character",
                     text::quoted(raw) + " fails its check character: a character was mistyped or misread"};
    }
    return SampleNumber(SampleNumberParts{category, year, region.value(), serial}, printed(compact));
}

std::string SampleNumber::compact() const {
    std::string out;
    for (char c : text_) if (c != '-') out.push_back(c);
    return out;
}

}  // namespace lims::domain
