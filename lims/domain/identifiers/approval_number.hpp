// A drug approval number (药品批准文号) such as 国药准字H20044063, printed on every
// package and copied onto the sampling record; the product catalogue keys drugs by it.
#pragma once

#include "lims/domain/result.hpp"

#include <string>
#include <string_view>

namespace lims::domain {

enum class ApprovalKind : char {
    chemical = 'H',          // 化学药品
    tcm = 'Z',               // 中药
    biological = 'S',        // 生物制品
    imported_repacked = 'J'  // 进口分包装
};

class ApprovalNumber {
public:
    static constexpr std::string_view kPrefix = "国药准字";
    static constexpr std::size_t kDigits = 8;

    // The prefix 国药准字 is optional on input: forms have it printed beside the field and
    // people type only "H20044063". Spaces around or after the prefix, full-width letters
    // and digits (Ｈ２００４４０６３) and a lower-case letter are accepted; text() is always
    // the canonical "国药准字H20044063". Errors: approval_number.empty,
    // approval_number.kind (letter not H/Z/S/J), approval_number.digits (not 8 digits).
    static Result<ApprovalNumber> parse(std::string_view text);

    const std::string& text() const noexcept { return text_; }
    ApprovalKind kind() const noexcept { return static_cast<ApprovalKind>(text_[kPrefix.size()]); }
    std::string_view digits() const noexcept { return std::string_view(text_).substr(kPrefix.size() + 1); }

    friend bool operator==(const ApprovalNumber&, const ApprovalNumber&) = default;

private:
    explicit ApprovalNumber(std::string text) : text_(std::move(text)) {}
    std::string text_;
};

}  // namespace lims::domain
