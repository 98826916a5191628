// The statutory rule catalogue: the shipped file parses to what is compiled in, each of its
// rules counts as DOMAIN.md says across holidays, make-up days and the provisional 2027,
// a bad file is refused naming its line and field, and an installed catalogue is what the
// clocks read.
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/calendar/statutory_rules.hpp"
#include "lims/domain/calendar/working_calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace lims::domain;
using namespace std::chrono_literals;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string shipped_text() { return read_file(std::string(LIMS_SOURCE_DIR) + "/fixtures/statutory-rules.txt"); }

CalendarYear fixture_year(const char* name) {
    auto y = parse_calendar_year(name, read_file(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name));
    EXPECT_TRUE(y.ok()) << (y ? "" : y.error().message);
    return y.value();
}

// 2025 and 2026 official, 2027 provisional: the calendar folder as shipped.
WorkingCalendar shipped_calendar() {
    return WorkingCalendar::from_years({fixture_year("cn-mainland-2025.txt"), fixture_year("cn-mainland-2026.txt"),
                                        fixture_year("cn-mainland-2027.provisional.txt")})
        .value();
}

Instant beijing(const char* date, int hour = 0, int minute = 0) {
    return Instant{parse_date(date).value()} + std::chrono::hours{hour} + std::chrono::minutes{minute} - 8h;
}

// The shipped text with one line replaced (the first line equal to `from`).
std::string with_line(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

Error parse_error(const std::string& text) {
    auto parsed = statutory::parse_rule_catalogue(text, "rules.txt");
    EXPECT_FALSE(parsed.ok());
    return parsed ? Error{} : parsed.error();
}

int line_of(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace

TEST(StatutoryRules, TheShippedFileIsWhatIsCompiledInAndHoldsEveryRule) {
    auto parsed = statutory::parse_rule_catalogue(shipped_text(), "statutory-rules.txt");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->rules(), statutory::shipped_rules().rules());
    ASSERT_EQ(parsed->rules().size(), statutory::required_rules().size());
    for (const auto& r : parsed->rules()) {
        EXPECT_FALSE(r.title.empty()) << r.id;
        EXPECT_FALSE(r.citation.law.empty()) << r.id;
        EXPECT_FALSE(r.citation.article.empty()) << r.id;
        EXPECT_FALSE(r.citation.text.empty()) << r.id;
    }
    // DOMAIN.md's re-inspection rules: 7 working days for each category, with their articles.
    const auto& drug = *parsed->find("reinspection.drug");
    EXPECT_EQ(drug.deadline, (DeadlineRule{7, DeadlineUnit::working_days}));
    EXPECT_EQ(drug.category, "drug");
    EXPECT_EQ(drug.starts_at, "document_served");
    EXPECT_EQ(drug.citation.article, "第一百零二条");
    EXPECT_EQ(parsed->find("reinspection.cosmetic")->citation.article, "第五十八条");
    EXPECT_NE(parsed->find("reinspection.cosmetic")->citation.law.find("化妆品监督管理条例"), std::string::npos);
    EXPECT_EQ(parsed->find("reinspection.device")->citation.article, "第七十五条");
    EXPECT_NE(parsed->find("reinspection.device")->citation.law.find("医疗器械监督管理条例"), std::string::npos);
    EXPECT_EQ(parsed->find("case_lead.decision")->citation.article, "第十八条");
    EXPECT_EQ(parsed->find("transfer.decision")->citation.article, "第五条");
    EXPECT_EQ(statutory::cite(*parsed->find("reinspection.device")).rfind("《医疗器械监督管理条例》", 0), 0U);
    EXPECT_EQ(parsed->find("nothing.here"), nullptr);
}

TEST(StatutoryRules, ProductCategoriesMapToTheirRuleCategory) {
    for (const char* drug : {"drug", "vaccine", "biological", "tcm_decoction_piece"})
        EXPECT_EQ(statutory::rule_category_of(drug), "drug") << drug;
    EXPECT_EQ(statutory::rule_category_of("cosmetic"), "cosmetic");
    EXPECT_EQ(statutory::rule_category_of("device"), "device");
    EXPECT_EQ(statutory::rule_category_of(""), "");
    EXPECT_EQ(statutory::rule_category_of("food"), "");
}

// Each shipped rule counted from a start chosen to cross what it must cross.
TEST(StatutoryRules, EachRuleCountsAcrossHolidaysMakeUpDaysAndTheProvisional2027) {
    const auto cal = shipped_calendar();
    struct Case {
        const char* id;
        Instant start;
        Instant due;
        bool provisional;
        const char* why;
    };
    const std::vector<Case> cases{
        {"report.drug", beijing("2026-12-10", 10), beijing("2027-01-16"), true,
         "Dec 11, 14-18, 21-25, 28-31 (15), 1 Jan off, Jan 4-8, 11-15 (25)"},
        {"notice.nonconformity", beijing("2026-02-12", 10), beijing("2026-02-15"), false,
         "Fri 13 Feb, Sat 14 Feb (make-up)"},
        {"notice.nonconformity_serious", beijing("2026-12-31", 12), beijing("2027-01-01", 12), false,
         "24 hours on the clock, New Year's Day or not"},
        {"service.report", beijing("2026-09-25", 10), beijing("2026-10-10"), false,
         "Mid-Autumn 25-27 Sep off, 28-30 Sep (3), National Day 1-7 Oct off, 8, 9 Oct (5)"},
        {"reinspection.drug", beijing("2026-12-28"), beijing("2027-01-08"), true,
         "29-31 Dec (3), 1 Jan off (provisional 2027), 4-7 Jan (7)"},
        {"reinspection.cosmetic", beijing("2026-02-13"), beijing("2026-03-03"), false,
         "Sat 14 Feb make-up (1), Spring Festival 15-23 Feb, 24-27 Feb (5), Sat 28 Feb make-up (6), 2 Mar (7)"},
        {"reinspection.device", beijing("2026-09-30"), beijing("2026-10-16"), false,
         "1-7 Oct off, 8, 9 (2), Sat 10 Oct make-up (3), 12-15 Oct (7)"},
        {"objection.authenticity", beijing("2026-04-30"), beijing("2026-05-14"), false,
         "1-5 May off, 6-8 May (3), Sat 9 May make-up (4), 11-13 May (7)"},
        {"case_lead.decision", beijing("2026-12-21", 15), beijing("2027-01-13"), true,
         "22-31 Dec (8), 1 Jan off, 4-8 Jan (13), 11-12 Jan (15)"},
        {"case_lead.extension", beijing("2026-05-29", 9), beijing("2026-06-23"), false,
         "1-18 Jun (14), Dragon Boat Fri 19 Jun off, Mon 22 Jun (15)"},
        {"case.decision", beijing("2026-11-02", 10), beijing("2027-02-02"), true,
         "day 90 is Sun 31 Jan 2027, a day off: Mon 1 Feb"},
        {"case.extension", beijing("2026-09-10", 10), beijing("2026-10-11"), false,
         "day 30 is Sat 10 Oct, a make-up working day: it stands"},
        {"seizure.term", beijing("2026-12-10", 14), beijing("2027-01-12"), true,
         "day 30 is Sat 9 Jan 2027: Mon 11 Jan"},
        {"seizure.extension", beijing("2026-09-01", 9), beijing("2026-10-09"), false,
         "day 30 is 1 Oct (National Day): Thu 8 Oct"},
        {"transfer.decision", beijing("2026-09-29", 11), beijing("2026-10-09"), false,
         "day 3 is 2 Oct (National Day): Thu 8 Oct"},
        {"transfer.handover", beijing("2026-02-15", 9, 15), beijing("2026-02-16", 9, 15), false,
         "24 hours, in the Spring Festival or not"},
    };
    ASSERT_EQ(cases.size(), statutory::required_rules().size());
    for (const auto& c : cases) {
        const auto& rule = statutory::rule(c.id);
        auto due = counted_deadline_for(cal, rule.deadline, c.start);
        ASSERT_TRUE(due.ok()) << c.id << ": " << due.error().message;
        EXPECT_EQ(format_instant(due->due), format_instant(c.due)) << c.id << ": " << c.why;
        EXPECT_EQ(due->provisional, c.provisional) << c.id;
    }
    // Beyond the provisional year it is an error, never a guess.
    EXPECT_EQ(counted_deadline_for(cal, statutory::kDrugReinspectionApplication, beijing("2027-12-28")).error().code,
              "calendar.year_not_loaded");
}

TEST(StatutoryRules, ABadFileIsRefusedNamingTheFileTheLineAndTheField) {
    const auto text = shipped_text();
    const int unit_line = line_of(text, "[reinspection.cosmetic]") + 4;
    auto e = parse_error(with_line(text, "[reinspection.cosmetic]\ntitle    = 复检申请期限（化妆品）\ncategory = cosmetic\nlength   = 7\nunit     = working_days",
                                   "[reinspection.cosmetic]\ntitle    = 复检申请期限（化妆品）\ncategory = cosmetic\nlength   = 7\nunit     = weeks"));
    EXPECT_EQ(e.code, "rules.field");
    EXPECT_EQ(e.message, "rules.txt:" + std::to_string(unit_line) +
                             ": field 'unit': 'weeks' is not one of working_days, calendar_days, hours");

    e = parse_error(with_line(text, "length   = 25", "length   = 0"));
    EXPECT_EQ(e.code, "rules.field");
    EXPECT_NE(e.message.find("rules.txt:" + std::to_string(line_of(text, "length   = 25")) + ": field 'length': '0'"),
              std::string::npos)
        << e.message;
    EXPECT_EQ(parse_error(with_line(text, "length   = 25", "length   = 2x")).code, "rules.field");
    EXPECT_EQ(parse_error(with_line(text, "length   = 25", "length   = 1001")).code, "rules.field");

    e = parse_error(with_line(text, "category = cosmetic", "category = food"));
    EXPECT_NE(e.message.find("field 'category': 'food' is not one of any, drug, cosmetic, device"), std::string::npos)
        << e.message;

    e = parse_error(with_line(text, "starts   = seized", "starts   = tomorrow"));
    EXPECT_NE(e.message.find("field 'starts': 'tomorrow' is not one of"), std::string::npos) << e.message;

    // A rule counted from another event than the code counts it from.
    e = parse_error(with_line(text, "starts   = lead_received", "starts   = case_filed"));
    EXPECT_EQ(e.code, "rules.mismatch");
    EXPECT_EQ(e.message, "rules.txt:" + std::to_string(line_of(text, "[case_lead.decision]")) +
                             ": field 'starts': rule 'case_lead.decision' is counted from lead_received, not case_filed");
    EXPECT_EQ(parse_error(with_line(text, "category = device", "category = cosmetic")).code, "rules.mismatch");

    // A missing field names the rule and the field, on the rule's line.
    e = parse_error(with_line(text, "article  = 第五十八条\n", ""));
    EXPECT_EQ(e.message, "rules.txt:" + std::to_string(line_of(text, "[reinspection.cosmetic]")) +
                             ": field 'article': rule 'reinspection.cosmetic' has no article");
    e = parse_error(with_line(text, "article  = 第五十八条", "article  ="));
    EXPECT_NE(e.message.find("field 'article': is empty in rule 'reinspection.cosmetic'"), std::string::npos) << e.message;
    e = parse_error(with_line(text, "article  = 第五十八条", "article  = 第五十八条\narticle  = 第五十九条"));
    EXPECT_NE(e.message.find("field 'article': given twice in rule 'reinspection.cosmetic'"), std::string::npos) << e.message;
    e = parse_error(with_line(text, "article  = 第五十八条", "article  = 第五十八条\nartcle   = x"));
    EXPECT_NE(e.message.find("field 'artcle': unknown field"), std::string::npos) << e.message;

    // Rules: a misspelt id, one twice, one missing, a field before any rule, a stray line.
    EXPECT_EQ(parse_error(with_line(text, "[transfer.handover]", "[transfer.handower]")).code, "rules.unknown");
    EXPECT_EQ(parse_error(with_line(text, "[transfer.handover]", "[transfer.decision]")).code, "rules.duplicate");
    e = parse_error(text.substr(0, text.find("[transfer.handover]")));
    EXPECT_EQ(e.code, "rules.missing");
    EXPECT_EQ(e.message, "rules.txt: rule 'transfer.handover' is missing");
    e = parse_error("unit = hours\n" + text);
    EXPECT_EQ(e.code, "rules.syntax");
    EXPECT_EQ(e.message, "rules.txt:1: field 'unit' comes before any '[rule.id]'");
    EXPECT_EQ(parse_error(with_line(text, "[report.drug]", "[report.drug")).code, "rules.syntax");
    EXPECT_EQ(parse_error(with_line(text, "[report.drug]", "[Report Drug]")).code, "rules.syntax");
    EXPECT_EQ(parse_error(with_line(text, "length   = 25", "length 25")).code, "rules.syntax");
}

TEST(StatutoryRules, TheInstalledCatalogueIsWhatTheClocksRead) {
    // A province that reads re-inspection of drugs as the law's 7 calendar days, and gives
    // five working days to notify.
    auto text = with_line(shipped_text(), "text     = 当事人对药品检验结果有异议的", "text     = 按本省规定：当事人对药品检验结果有异议的");
    text = with_line(text, "length   = 2\n", "length   = 5\n");
    const auto at = text.find("[reinspection.drug]");
    const std::string working = "unit     = working_days";
    text.replace(text.find(working, at), working.size(), "unit     = calendar_days");
    auto province = statutory::parse_rule_catalogue(text, "province.txt");
    ASSERT_TRUE(province.ok()) << province.error().message;
    statutory::install_rules(std::move(*province));
    EXPECT_EQ(statutory::active_rules().source(), "province.txt");
    EXPECT_EQ(DeadlineRule(statutory::kDrugReinspectionApplication), (DeadlineRule{7, DeadlineUnit::calendar_days}));
    EXPECT_EQ(DeadlineRule(statutory::kNonconformityNotice), (DeadlineRule{5, DeadlineUnit::working_days}));
    EXPECT_EQ(statutory::kDrugReinspectionApplication.rule().citation.text.rfind("按本省规定", 0), 0U);
    const auto cal = shipped_calendar();
    // 7 calendar days from 30 Sep 2026 is 7 Oct (National Day): Thu 8 Oct.
    EXPECT_EQ(deadline_for(cal, statutory::kDrugReinspectionApplication, beijing("2026-09-30")).value(),
              beijing("2026-10-09"));

    // Back to the shipped rules for the tests that follow.
    statutory::install_rules(statutory::shipped_rules());
    EXPECT_EQ(DeadlineRule(statutory::kDrugReinspectionApplication), (DeadlineRule{7, DeadlineUnit::working_days}));
    EXPECT_THROW((void)statutory::rule("no.such.rule"), std::logic_error);
}
