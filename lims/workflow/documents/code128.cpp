#include "lims/workflow/documents/code128.hpp"

#include <array>
#include <string>

namespace lims::workflow::documents::code128 {

namespace {

// Bar/space widths of symbol values 0-106 (ISO/IEC 15417 Table 1); each sums to 11
// modules, the stop (106) to 13 with its termination bar.
constexpr std::array<std::string_view, 107> kPatterns = {
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
};

// Digit runs shorter than these cost more symbols in code set C than in B.
constexpr std::size_t kRunToStartInC = 4;
constexpr std::size_t kRunToSwitchMidway = 6;
constexpr std::size_t kRunToEndInC = 4;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t digit_run(std::string_view text, std::size_t from) {
    std::size_t n = 0;
    while (from + n < text.size() && is_digit(text[from + n])) ++n;
    return n;
}

}  // namespace

int check_value(const std::vector<int>& start_and_data) {
    if (start_and_data.empty()) return 0;
    long sum = start_and_data[0];
    for (std::size_t i = 1; i < start_and_data.size(); ++i) sum += static_cast<long>(i) * start_and_data[i];
    return static_cast<int>(sum % kCheckModulus);
}

domain::Result<std::vector<int>> encode(std::string_view text) {
    if (text.empty()) return domain::make_error("code128.empty", "nothing to encode");
    if (text.size() > kMaxTextLength)
        return domain::make_error("code128.too_long", "text of " + std::to_string(text.size()) +
                                                          " characters is longer than " +
                                                          std::to_string(kMaxTextLength));
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 32 || c > 126)
            return domain::make_error("code128.character", "character " + std::to_string(static_cast<int>(c)) +
                                                               " at position " + std::to_string(i + 1) +
                                                               " is not printable ASCII (code set B)");
    }

    std::vector<int> values;
    bool in_c = false;
    std::size_t i = 0;
    const std::size_t first_run = digit_run(text, 0);
    // All digits and even (any length ≥ 2), or a long enough run at the start: begin in C.
    if ((first_run == text.size() && first_run % 2 == 0 && first_run >= 2) || first_run >= kRunToStartInC) {
        values.push_back(kStartC);
        in_c = true;
    } else {
        values.push_back(kStartB);
    }
    while (i < text.size()) {
        if (in_c) {
            const std::size_t run = digit_run(text, i);
            if (run >= 2) {
                values.push_back((text[i] - '0') * 10 + (text[i + 1] - '0'));
                i += 2;
                continue;
            }
            values.push_back(kCodeB);
            in_c = false;
            continue;
        }
        const std::size_t run = digit_run(text, i);
        const bool at_end = i + run == text.size();
        if (run >= kRunToSwitchMidway || (at_end && run >= kRunToEndInC)) {
            // An odd run leaves its first digit in B so that C takes whole pairs.
            if (run % 2 == 1) {
                values.push_back(text[i] - 32);
                ++i;
            }
            values.push_back(kCodeC);
            in_c = true;
            continue;
        }
        values.push_back(text[i] - 32);
        ++i;
    }
    values.push_back(check_value(values));
    values.push_back(kStop);
    return values;
}

std::vector<int> module_widths(const std::vector<int>& values) {
    std::vector<int> widths;
    for (int v : values) {
        if (v < 0 || v >= static_cast<int>(kPatterns.size())) continue;  // encode() never makes one
        for (char w : kPatterns[static_cast<std::size_t>(v)]) widths.push_back(w - '0');
    }
    return widths;
}

std::vector<bool> modules(const std::vector<int>& values) {
    std::vector<bool> out(kQuietZoneModules, false);
    bool bar = true;
    for (int w : module_widths(values)) {
        out.insert(out.end(), static_cast<std::size_t>(w), bar);
        bar = !bar;
    }
    out.insert(out.end(), kQuietZoneModules, false);
    return out;
}

}  // namespace lims::workflow::documents::code128
