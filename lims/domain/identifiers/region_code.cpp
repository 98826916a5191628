#include "lims/domain/identifiers/region_code.hpp"

#include "lims/domain/text/ascii.hpp"

#include <algorithm>
#include <array>

namespace lims::domain {
namespace {

constexpr std::size_t kLength = 6;

// GB/T 2260 province-level codes: 31 provinces, autonomous regions and municipalities,
// Taiwan (71), Hong Kong (81) and Macao (82).
constexpr std::array<std::string_view, 34> kProvinces = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};

}  // namespace

Result<RegionCode> RegionCode::parse(std::string_view text) {
    if (text.size() != kLength || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Error{"region_code.format", text::quoted(text) + " is not a region code: expected 6 digits"};
    }
    const std::string_view pp = text.substr(0, 2);
    if (std::find(kProvinces.begin(), kProvinces.end(), pp) == kProvinces.end()) {
        return Error{"region_code.province", text::quoted(text) + " begins with " + std::string(pp) +
                                                 ", which is not a province code of GB/T 2260"};
    }
    if (text.substr(2, 2) == "00" && text.substr(4, 2) != "00") {
        return Error{"region_code.structure", text::quoted(text) +
                                                  " names a county (last two digits) without a prefecture (middle two are 00)"};
    }
    return RegionCode(std::string(text));
}

RegionLevel RegionCode::level() const noexcept {
    if (digits_.compare(2, 4, "0000") == 0) return RegionLevel::province;
    if (digits_.compare(4, 2, "00") == 0) return RegionLevel::prefecture;
    return RegionLevel::county;
}

RegionCode RegionCode::province() const { return RegionCode(digits_.substr(0, 2) + "0000"); }

RegionCode RegionCode::prefecture() const { return RegionCode(digits_.substr(0, 4) + "00"); }

bool RegionCode::is_within(const RegionCode& other) const noexcept {
    switch (other.level()) {
        case RegionLevel::province: return digits_.compare(0, 2, other.digits_, 0, 2) == 0;
        case RegionLevel::prefecture: return digits_.compare(0, 4, other.digits_, 0, 4) == 0;
        case RegionLevel::county: return digits_ == other.digits_;
    }
    return false;
}

std::string_view to_string(RegionLevel level) {
    switch (level) {
        case RegionLevel::province: return "province";
        case RegionLevel::prefecture: return "prefecture";
        case RegionLevel::county: return "county";
    }
    return "unknown";
}

}  // namespace lims::domain
