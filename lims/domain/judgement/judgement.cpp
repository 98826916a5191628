#include "lims/domain/judgement/judgement.hpp"

#include "lims/domain/text/ascii.hpp"

namespace lims::domain {
namespace {

bool satisfies(const Limit& limit, const Decimal& r) {
    switch (limit.kind()) {
        case LimitKind::range: return limit.low() <= r && r <= limit.high();
        case LimitKind::upper: return limit.bound() == Bound::inclusive ? r <= limit.high() : r < limit.high();
        case LimitKind::lower: return limit.bound() == Bound::inclusive ? r >= limit.low() : r > limit.low();
        case LimitKind::qualitative: return false;
    }
    return false;
}

bool in_warning_band(const Limit& limit, const Decimal& r) {
    const auto& band = limit.warning();
    return (band.above && r > *band.above) || (band.below && r < *band.below);
}

std::string places(int n) { return std::to_string(n) + (n == 1 ? " place" : " places"); }

std::string why_not(const Limit& limit, const Decimal& r) {
    switch (limit.kind()) {
        case LimitKind::range:
            return r < limit.low() ? "below the range " + limit.describe() : "above the range " + limit.describe();
        case LimitKind::upper: return "above the limit " + limit.describe();
        case LimitKind::lower: return "below the limit " + limit.describe();
        case LimitKind::qualitative: break;
    }
    return {};
}

ItemJudgement judge_number(const Limit& limit, const Decimal& reported) {
    ItemJudgement j;
    const Decimal r = reported.round_half_even(limit.precision());
    j.rounded = r;
    const std::string rounding = reported.identical(r) ? r.to_string()
                                                       : reported.to_string() + " rounds to " + r.to_string() + " (" +
                                                             places(limit.precision()) + ")";
    if (satisfies(limit, r)) {
        j.verdict = Verdict::conforms;
        j.warning = in_warning_band(limit, r);
        j.explanation = rounding + "; within " + limit.describe() + (j.warning ? ", inside the warning band" : "");
    } else {
        j.verdict = Verdict::does_not_conform;
        j.explanation = rounding + "; " + why_not(limit, r);
    }
    return j;
}

// A censored result covers the rounded values (-inf, R] ("<L") or [R, +inf) (">L").
ItemJudgement judge_censored(const Limit& limit, const ReportedValue& value) {
    ItemJudgement j;
    const Decimal r = value.number().round_half_even(limit.precision());
    j.rounded = r;
    const bool below = value.kind() == ValueKind::below;
    bool all = false;   // every covered value satisfies the limit
    bool none = false;  // no covered value does
    switch (limit.kind()) {
        case LimitKind::upper:
            if (below) all = satisfies(limit, r);
            else none = !satisfies(limit, r);
            break;
        case LimitKind::lower:
            if (below) none = !satisfies(limit, r);
            else all = satisfies(limit, r);
            break;
        case LimitKind::range:
            none = below ? r < limit.low() : r > limit.high();
            break;
        case LimitKind::qualitative: break;
    }
    const std::string subject = value.to_string() + " (at " + (below ? "most " : "least ") + r.to_string() + " at " +
                                places(limit.precision()) + ")";
    if (all) {
        j.verdict = Verdict::conforms;
        j.warning = in_warning_band(limit, r);
        j.explanation = subject + " is within " + limit.describe();
    } else if (none) {
        j.verdict = Verdict::does_not_conform;
        j.explanation = subject + " is outside " + limit.describe();
    } else {
        j.verdict = Verdict::indeterminate;
        j.explanation = subject + " cannot decide " + limit.describe() + ": the method is not sensitive enough";
    }
    return j;
}

}  // namespace

Result<ItemJudgement> judge(const Limit& limit, const ReportedValue& value) {
    if (limit.kind() == LimitKind::qualitative) {
        if (value.kind() != ValueKind::qualitative) {
            return Error{"judgement.value_kind", "result " + value.to_string() + " is a number; the requirement '" +
                                                     limit.describe() + "' needs an outcome"};
        }
        const std::string outcome = text::fold_fullwidth(value.outcome());
        ItemJudgement j;
        for (const auto& accepted : limit.accepted()) {
            if (text::equals_ignoring_ascii_case(text::trim(outcome), text::fold_fullwidth(accepted))) {
                j.verdict = Verdict::conforms;
                j.explanation = "'" + value.outcome() + "' is an accepted outcome";
                return j;
            }
        }
        j.verdict = Verdict::does_not_conform;
        j.explanation = "'" + value.outcome() + "' is not an accepted outcome ('" + limit.describe() + "')";
        return j;
    }
    switch (value.kind()) {
        case ValueKind::numeric: return judge_number(limit, value.number());
        case ValueKind::below:
        case ValueKind::above: return judge_censored(limit, value);
        case ValueKind::qualitative: break;
    }
    return Error{"judgement.value_kind", "result '" + value.outcome() + "' is text; the limit " + limit.describe() +
                                             " needs a number (enter a value below a detection limit as <LOD)"};
}

SampleJudgement judge_sample(const std::vector<JudgedItem>& items) {
    SampleJudgement s;
    for (const auto& item : items) {
        switch (item.judgement.verdict) {
            case Verdict::conforms: break;
            case Verdict::does_not_conform: s.failing_items.push_back(item.item); break;
            case Verdict::indeterminate: s.undecided_items.push_back(item.item); break;
        }
        if (item.judgement.warning) s.warning_items.push_back(item.item);
    }
    if (!s.failing_items.empty()) s.verdict = Verdict::does_not_conform;
    else if (!s.undecided_items.empty() || items.empty()) s.verdict = Verdict::indeterminate;
    else s.verdict = Verdict::conforms;
    return s;
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::conforms: return "conforms";
        case Verdict::does_not_conform: return "does_not_conform";
        case Verdict::indeterminate: return "indeterminate";
    }
    return "unknown";
}

std::string_view conclusion_zh(Verdict verdict) {
    switch (verdict) {
        case Verdict::conforms: return "符合规定";
        case Verdict::does_not_conform: return "不符合规定";
        case Verdict::indeterminate: return "待定";
    }
    return "";
}

}  // namespace lims::domain
