// The 18-character unified social credit code (统一社会信用代码, GB 32100-2015) of a
// manufacturer, distributor, pharmacy or hospital. Registration and the product catalogue
// validate it so a mistyped code cannot attach a sample to the wrong enterprise.
#pragma once

#include "lims/domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lims::domain {

class CreditCode {
public:
    static constexpr std::size_t kLength = 18;
    // GB 32100-2015 clause 4.3: the code alphabet is the digits and the capital letters
    // other than I, O, S, V and Z (31 characters, values 0..30 in this order).
    static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // Trims surrounding spaces and folds full-width characters; letters must be capitals
    // as printed on the business licence (lower case is accepted and upper-cased).
    // Errors: credit_code.length, credit_code.character (which position),
    // credit_code.region (positions 3-8 must be digits), credit_code.check_character.
    static Result<CreditCode> parse(std::string_view text);

    // The check character for the first 17 characters, or nullopt if one is outside
    // kAlphabet. Exposed so tests and fixtures can make valid codes.
    static std::optional<char> check_character_for(std::string_view first17);

    const std::string& text() const noexcept { return text_; }
    char registration_authority() const noexcept { return text_[0]; }  // 1 编制, 5 民政, 9 市场监管 …
    char entity_type() const noexcept { return text_[1]; }
    std::string_view region_digits() const noexcept { return std::string_view(text_).substr(2, 6); }
    // Positions 9-17: the organisation code (GB 11714). Its own inner check is not
    // verified: codes issued to individual businesses do not carry a GB 11714 check.
    std::string_view organisation_code() const noexcept { return std::string_view(text_).substr(8, 9); }

    friend bool operator==(const CreditCode&, const CreditCode&) = default;

private:
    explicit CreditCode(std::string text) : text_(std::move(text)) {}
    std::string text_;
};

}  // namespace lims::domain
