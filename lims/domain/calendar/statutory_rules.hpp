// The statutory rule catalogue: every legal clock the system counts (report, notices,
// service, re-inspection, objection, case lead, filed case, transfer to the police) as
// configuration — its length, unit, the event it counts from, the product category it
// applies to, and the citation of the text it rests on. `lims serve` loads it from the
// file named by lims.statutory.rules (fixtures/statutory-rules.txt ships the defaults of
// DOMAIN.md and is compiled in as the fallback); workflow reads each rule from the active
// catalogue (statutory_deadlines.hpp), GET /api/v1/statutory-rules lists it.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lims::domain::statutory {

// The text a rule rests on, as shown to people: 《化妆品监督管理条例》 第五十八条 and what it says.
struct Citation {
    std::string law;      // the text's title, with its document number where it has one
    std::string article;  // 第五十八条, 第十八条至第二十条, ...
    std::string text;     // what the article says about this period

    friend bool operator==(const Citation&, const Citation&) = default;
};

struct StatutoryRule {
    std::string id;         // "reinspection.cosmetic": what the code asks for
    std::string title;      // 复检申请期限（化妆品）
    std::string category;   // "any", "drug", "cosmetic" or "device"
    DeadlineRule deadline;  // length and unit
    std::string starts_at;  // the event counted from: "document_served", "lead_received", ...
    Citation citation;
    int line = 0;           // where the rule starts in its file, for messages

    friend bool operator==(const StatutoryRule&, const StatutoryRule&) = default;
};

// "《化妆品监督管理条例》第五十八条：…": the citation in one line, for documents and messages.
std::string cite(const StatutoryRule& rule);

class RuleCatalogue {
public:
    RuleCatalogue() = default;
    RuleCatalogue(std::string source, std::vector<StatutoryRule> rules) : source_(std::move(source)), rules_(std::move(rules)) {}

    const std::string& source() const noexcept { return source_; }  // the file it was read from
    const std::vector<StatutoryRule>& rules() const noexcept { return rules_; }
    const StatutoryRule* find(std::string_view id) const noexcept;

private:
    std::string source_;
    std::vector<StatutoryRule> rules_;
};

// A rule every catalogue must hold, with what the code that reads it counts from.
struct RequiredRule {
    std::string_view id;
    std::string_view category;
    std::string_view starts_at;
};
const std::vector<RequiredRule>& required_rules();

// The rule category of a product category (products.category, domain/model/product_category.hpp):
// drugs, vaccines, biologicals and TCM decoction pieces fall under 药品管理法 ("drug");
// cosmetics and devices under their own regulations. Empty for a word that is no category.
std::string_view rule_category_of(std::string_view product_category);

// The events a rule may count from (the names used in the file and by the API).
const std::vector<std::string_view>& start_events();

// Parses a catalogue file (format: fixtures/statutory-rules.txt's header). `file_name` is
// named in every error, with the line and the field: "statutory-rules.txt:14: field 'unit':
// 'weeks' is not one of working_days, calendar_days, hours". Errors: rules.syntax (a line
// that is neither a section, a field nor a comment; a field outside a rule), rules.field
// (unknown, repeated, missing or invalid field), rules.duplicate (a rule id twice),
// rules.unknown (a rule no clock reads), rules.missing (a required rule absent),
// rules.mismatch (a rule counted from another event or for another category than the code
// counts it).
Result<RuleCatalogue> parse_rule_catalogue(std::string_view text, const std::string& file_name);

// The catalogue compiled in from fixtures/statutory-rules.txt at build time.
const RuleCatalogue& shipped_rules();

// The catalogue the clocks read: the one installed at start-up, else the shipped one.
const RuleCatalogue& active_rules();
// Installs `catalogue` for the whole process (`lims serve` at start-up, before serving;
// tests). Earlier catalogues stay alive: references handed out remain valid.
void install_rules(RuleCatalogue catalogue);

// The active catalogue's rule `id`. A required rule is always there (the parser checks);
// asking for another id is a programming error (std::logic_error).
const StatutoryRule& rule(std::string_view id);

}  // namespace lims::domain::statutory
