// A 6-digit administrative division code (GB/T 2260: PP province, CC prefecture, DD
// county). Organisations and regulated entities carry one; the service decides
// jurisdiction with is_within ("is this pharmacy's county inside this bureau's city?").
#pragma once

#include "lims/domain/result.hpp"

#include <string>
#include <string_view>

namespace lims::domain {

enum class RegionLevel { province, prefecture, county };

class RegionCode {
public:
    // Exactly six ASCII digits, a province that GB/T 2260 defines, and a well-formed
    // level: PP0000, PPCC00 or PPCCDD (a county code never has CC = 00).
    // Errors: region_code.format, region_code.province, region_code.structure.
    static Result<RegionCode> parse(std::string_view text);

    const std::string& digits() const noexcept { return digits_; }
    RegionLevel level() const noexcept;

    RegionCode province() const;    // PP0000
    RegionCode prefecture() const;  // PPCC00; a province is its own prefecture

    // True if this division lies inside `other` or is `other`: 310101 is within 310100
    // and within 310000, but not within 320000 or 310104.
    bool is_within(const RegionCode& other) const noexcept;

    friend bool operator==(const RegionCode&, const RegionCode&) = default;
    friend auto operator<=>(const RegionCode&, const RegionCode&) = default;

private:
    explicit RegionCode(std::string digits) : digits_(std::move(digits)) {}
    std::string digits_;
};

std::string_view to_string(RegionLevel level);

}  // namespace lims::domain
