#include "lims/domain/identifiers/approval_number.hpp"

#include "lims/domain/text/ascii.hpp"

namespace lims::domain {

Result<ApprovalNumber> ApprovalNumber::parse(std::string_view raw) {
    const std::string folded = text::fold_fullwidth(raw);
    std::string_view rest = text::trim(folded);
    if (rest.starts_with(kPrefix)) rest = text::trim(rest.substr(kPrefix.size()));
    if (rest.empty()) {
        return Error{"approval_number.empty", "an approval number was expected (国药准字 + H/Z/S/J + 8 digits)"};
    }
    const char letter = static_cast<char>(rest.front() >= 'a' && rest.front() <= 'z' ? rest.front() - 'a' + 'A'
                                                                                      : rest.front());
    if (letter != 'H' && letter != 'Z' && letter != 'S' && letter != 'J') {
        return Error{"approval_number.kind", text::quoted(raw) +
                                                 " is not a drug approval number: after 国药准字 comes H, Z, S or J"};
    }
    const std::string_view digits = rest.substr(1);
    bool all_digits = digits.size() == kDigits;
    for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
    if (!all_digits) {
        return Error{"approval_number.digits", text::quoted(raw) + " is not a drug approval number: " +
                                                   std::string(1, letter) + " is followed by 8 digits"};
    }
    return ApprovalNumber(std::string(kPrefix) + letter + std::string(digits));
}

}  // namespace lims::domain
