#include "lims/domain/judgement/limit.hpp"

#include "lims/domain/text/ascii.hpp"

#include <algorithm>
#include <array>

namespace lims::domain {
namespace {

Result<int> resolve_precision(std::optional<int> explicit_precision, int written) {
    if (!explicit_precision) return written;
    if (*explicit_precision < 0 || *explicit_precision > Decimal::kMaxScale) {
        return Error{"limit.precision", "precision " + std::to_string(*explicit_precision) +
                                            " is outside 0.." + std::to_string(Decimal::kMaxScale) + " decimal places"};
    }
    return *explicit_precision;
}

Result<Decimal> parse_bound(std::string_view whole, std::string_view number) {
    auto d = Decimal::parse(number);
    if (!d) return Error{"limit.syntax", text::quoted(whole) + " is not a limit: " + d.error().message};
    return d;
}

constexpr std::string_view kLessEqual = "\xE2\x89\xA4";     // ≤
constexpr std::string_view kGreaterEqual = "\xE2\x89\xA5";  // ≥
constexpr std::array<std::string_view, 4> kRangeSeparators = {"\xE2\x80\x93" /* – */, "\xE2\x80\x94" /* — */, "~", "-"};

}  // namespace

Result<Limit> Limit::range(Decimal low, Decimal high, std::optional<int> precision) {
    if (high < low) {
        return Error{"limit.range_order", "range " + low.to_string() + "–" + high.to_string() + " has its low end above its high end"};
    }
    auto p = resolve_precision(precision, std::max(low.scale(), high.scale()));
    if (!p) return p.error();
    Limit l;
    l.kind_ = LimitKind::range;
    l.low_ = low;
    l.high_ = high;
    l.precision_ = p.value();
    return l;
}

Result<Limit> Limit::upper(Decimal max, Bound bound, std::optional<int> precision) {
    auto p = resolve_precision(precision, max.scale());
    if (!p) return p.error();
    Limit l;
    l.kind_ = LimitKind::upper;
    l.high_ = max;
    l.bound_ = bound;
    l.precision_ = p.value();
    return l;
}

Result<Limit> Limit::lower(Decimal min, Bound bound, std::optional<int> precision) {
    auto p = resolve_precision(precision, min.scale());
    if (!p) return p.error();
    Limit l;
    l.kind_ = LimitKind::lower;
    l.low_ = min;
    l.bound_ = bound;
    l.precision_ = p.value();
    return l;
}

Result<Limit> Limit::qualitative(std::vector<std::string> accepted) {
    std::erase_if(accepted, [](const std::string& s) { return text::trim(s).empty(); });
    if (accepted.empty()) {
        return Error{"limit.no_accepted_outcome", "a qualitative limit needs at least one accepted outcome"};
    }
    Limit l;
    l.kind_ = LimitKind::qualitative;
    for (auto& a : accepted) l.accepted_.emplace_back(text::trim(a));
    return l;
}

Result<Limit> Limit::parse(std::string_view raw, std::optional<int> precision) {
    const std::string folded = text::fold_fullwidth(raw);
    std::string_view s = text::trim(folded);
    if (s.empty()) return Error{"limit.syntax", "a limit was expected, the text is empty"};

    struct Prefix { std::string_view text; bool upper; Bound bound; };
    const std::array<Prefix, 6> prefixes = {{{kLessEqual, true, Bound::inclusive}, {"<=", true, Bound::inclusive},
                                             {"<", true, Bound::exclusive}, {kGreaterEqual, false, Bound::inclusive},
                                             {">=", false, Bound::inclusive}, {">", false, Bound::exclusive}}};
    for (const auto& p : prefixes) {
        if (!s.starts_with(p.text)) continue;
        auto value = parse_bound(raw, text::trim(s.substr(p.text.size())));
        if (!value) return value.error();
        return p.upper ? upper(value.value(), p.bound, precision) : lower(value.value(), p.bound, precision);
    }
    // A range: the separator follows a digit or '.', so a leading minus sign is not one.
    for (std::string_view sep : kRangeSeparators) {
        for (std::size_t at = s.find(sep, 1); at != std::string_view::npos; at = s.find(sep, at + 1)) {
            std::size_t before = at;
            while (before > 0 && s[before - 1] == ' ') --before;
            const char c = before > 0 ? s[before - 1] : ' ';
            if (!((c >= '0' && c <= '9') || c == '.')) continue;
            auto low = parse_bound(raw, s.substr(0, at));
            if (!low) return low.error();
            auto high = parse_bound(raw, s.substr(at + sep.size()));
            if (!high) return high.error();
            return range(low.value(), high.value(), precision);
        }
    }
    return Error{"limit.syntax", text::quoted(raw) +
                                     " is not a limit: expected a range like 95.0–105.0 or a bound like ≤ 0.5 or ≥ 80"};
}

Result<Limit> Limit::with_warning(WarningBand band) const {
    if (kind_ == LimitKind::qualitative) {
        return Error{"limit.warning_band", "a qualitative limit has no warning band"};
    }
    if (!band.below && !band.above) return Error{"limit.warning_band", "a warning band needs a lower or an upper threshold"};
    if (band.below && band.above && *band.above < *band.below) {
        return Error{"limit.warning_band", "warning band " + band.below->to_string() + ".." + band.above->to_string() +
                                               " has its lower threshold above its upper one"};
    }
    Limit l = *this;
    l.warning_ = std::move(band);
    return l;
}

std::string Limit::describe() const {
    switch (kind_) {
        case LimitKind::range: return low_.to_string() + "\xE2\x80\x93" + high_.to_string();
        case LimitKind::upper:
            return std::string(bound_ == Bound::inclusive ? kLessEqual : "<") + " " + high_.to_string();
        case LimitKind::lower:
            return std::string(bound_ == Bound::inclusive ? kGreaterEqual : ">") + " " + low_.to_string();
        case LimitKind::qualitative: return accepted_.front();
    }
    return {};
}

}  // namespace lims::domain
