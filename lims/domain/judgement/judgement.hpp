// Judgement of reported results against their specification lines, item by item and for
// the whole sample (符合规定 / 不符合规定). The review workflow calls it on final results;
// the report prints its verdicts and names the failing items.
//
// Numbers are rounded half to even to the limit's precision (GB/T 8170, once, from the
// value as reported) and the rounded value is compared. A censored result stands for
// every value on its side of the bound: "<L" rounds to at most round(L), ">L" to at least
// round(L). It conforms if every such value would, fails if none would, and is otherwise
// indeterminate — the method was not sensitive enough to decide, and a person must.
#pragma once

#include "lims/domain/decimal.hpp"
#include "lims/domain/judgement/limit.hpp"
#include "lims/domain/judgement/reported_value.hpp"
#include "lims/domain/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::domain {

enum class Verdict { conforms, does_not_conform, indeterminate };

struct ItemJudgement {
    Verdict verdict = Verdict::indeterminate;
    std::optional<Decimal> rounded;  // the number compared (numeric and censored results)
    bool warning = false;            // conforms, but inside the limit's warning band
    std::string explanation;         // "0.55 rounds to 0.6 (1 place); 0.6 is above ≤ 0.5"
};

// Errors: judgement.value_kind (a text outcome against a numeric limit, or a number
// against a qualitative requirement).
Result<ItemJudgement> judge(const Limit& limit, const ReportedValue& value);

struct JudgedItem {
    std::string item;  // the line's name as printed: "含量测定", "有关物质"
    ItemJudgement judgement;
};

struct SampleJudgement {
    // conforms only if every item conforms; does_not_conform if any item fails;
    // otherwise (no failure, something undecided) indeterminate. No items: indeterminate.
    Verdict verdict = Verdict::indeterminate;
    std::vector<std::string> failing_items;
    std::vector<std::string> undecided_items;
    std::vector<std::string> warning_items;
};

SampleJudgement judge_sample(const std::vector<JudgedItem>& items);

std::string_view to_string(Verdict verdict);
std::string_view conclusion_zh(Verdict verdict);  // 符合规定 / 不符合规定 / 待定

}  // namespace lims::domain
