#include "lims/domain/calendar/statutory_rules.hpp"

#include <array>
#include <atomic>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace lims::domain::statutory {

// Generated at build time from fixtures/statutory-rules.txt (lims/CMakeLists.txt).
extern const std::string_view kShippedRulesText;
extern const char* const kShippedRulesName;

namespace {

constexpr int kMaxLength = 1000;  // a clock longer than this is a typo, not a law
constexpr std::array<std::string_view, 8> kFields{"title", "category", "length", "unit",
                                                  "starts", "law", "article", "text"};
constexpr std::array<std::string_view, 4> kCategories{"any", "drug", "cosmetic", "device"};

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool is_rule_id(std::string_view id) {
    if (id.empty() || id.front() == '.' || id.back() == '.') return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    return true;
}

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& words, std::string_view w) {
    for (auto x : words)
        if (x == w) return true;
    return false;
}

// A rule being read: the fields seen so far, each with its line.
struct Section {
    std::string id;
    int line = 0;
    std::map<std::string, std::pair<std::string, int>, std::less<>> fields;
};

class Reader {
public:
    explicit Reader(const std::string& file) : file_(file) {}

    Error at(int line, std::string code, const std::string& message) const {
        return make_error(std::move(code), file_ + ":" + std::to_string(line) + ": " + message);
    }
    Error field_error(int line, std::string_view field, const std::string& message) const {
        return at(line, "rules.field", "field '" + std::string(field) + "': " + message);
    }

    Result<StatutoryRule> finish(const Section& s) const {
        for (auto f : kFields)
            if (!s.fields.contains(f))
                return field_error(s.line, f, "rule '" + s.id + "' has no " + std::string(f));
        auto value = [&](std::string_view f) -> const std::string& { return s.fields.find(f)->second.first; };
        auto line_of = [&](std::string_view f) { return s.fields.find(f)->second.second; };
        StatutoryRule r;
        r.id = s.id;
        r.line = s.line;
        r.title = value("title");
        r.category = value("category");
        if (!one_of(kCategories, r.category))
            return field_error(line_of("category"), "category",
                               "'" + r.category + "' is not one of any, drug, cosmetic, device");
        const auto& length = value("length");
        int amount = 0;
        const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), amount);
        if (ec != std::errc{} || end != length.data() + length.size() || amount < 1 || amount > kMaxLength)
            return field_error(line_of("length"), "length",
                               "'" + length + "' is not a whole number from 1 to " + std::to_string(kMaxLength));
        const auto& unit = value("unit");
        DeadlineUnit parsed_unit{};
        if (unit == "working_days") parsed_unit = DeadlineUnit::working_days;
        else if (unit == "calendar_days") parsed_unit = DeadlineUnit::calendar_days;
        else if (unit == "hours") parsed_unit = DeadlineUnit::hours;
        else
            return field_error(line_of("unit"), "unit", "'" + unit + "' is not one of working_days, calendar_days, hours");
        r.deadline = {amount, parsed_unit};
        r.starts_at = value("starts");
        bool known_event = false;
        for (auto e : start_events()) known_event = known_event || e == r.starts_at;
        if (!known_event) {
            std::string list;
            for (auto e : start_events()) list += (list.empty() ? "" : ", ") + std::string(e);
            return field_error(line_of("starts"), "starts", "'" + r.starts_at + "' is not one of " + list);
        }
        r.citation = {value("law"), value("article"), value("text")};
        return r;
    }

    Result<RuleCatalogue> read(std::string_view text) {
        std::vector<StatutoryRule> rules;
        std::optional<Section> open;
        int line_no = 0;
        auto close = [&]() -> Status {
            if (!open) return Status{};
            auto rule = finish(*open);
            if (!rule) return rule.error();
            rules.push_back(std::move(*rule));
            open.reset();
            return Status{};
        };
        while (!text.empty()) {
            ++line_no;
            const auto nl = text.find('\n');
            const std::string_view raw = text.substr(0, nl);
            text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
            const auto line = trim(raw);
            if (line.empty() || line.front() == '#') continue;
            if (line.front() == '[') {
                if (line.back() != ']')
                    return at(line_no, "rules.syntax", "a rule starts with '[id]', got '" + std::string(line) + "'");
                const auto id = trim(line.substr(1, line.size() - 2));
                if (!is_rule_id(id))
                    return at(line_no, "rules.syntax",
                              "'" + std::string(id) + "' is not a rule id (lower-case letters, digits, '_' and '.')");
                if (auto closed = close(); !closed) return closed.error();
                for (const auto& r : rules)
                    if (r.id == id)
                        return at(line_no, "rules.duplicate",
                                  "rule '" + std::string(id) + "' is already defined on line " + std::to_string(r.line));
                open = Section{std::string(id), line_no, {}};
                continue;
            }
            const auto eq = line.find('=');
            if (eq == std::string_view::npos)
                return at(line_no, "rules.syntax", "expected 'field = value' or '[rule.id]', got '" + std::string(line) + "'");
            const auto key = trim(line.substr(0, eq));
            const auto value = trim(line.substr(eq + 1));
            if (!open)
                return at(line_no, "rules.syntax", "field '" + std::string(key) + "' comes before any '[rule.id]'");
            if (!one_of(kFields, key))
                return field_error(line_no, key,
                                   "unknown field (title, category, length, unit, starts, law, article, text)");
            if (auto seen = open->fields.find(key); seen != open->fields.end())
                return field_error(line_no, key, "given twice in rule '" + open->id + "' (first on line " +
                                                     std::to_string(seen->second.second) + ")");
            if (value.empty()) return field_error(line_no, key, "is empty in rule '" + open->id + "'");
            open->fields.emplace(std::string(key), std::make_pair(std::string(value), line_no));
        }
        if (auto closed = close(); !closed) return closed.error();

        // The code reads these ids, counted from these events, for these categories.
        for (const auto& r : rules) {
            const RequiredRule* wanted = nullptr;
            for (const auto& q : required_rules())
                if (q.id == r.id) wanted = &q;
            if (!wanted) return at(r.line, "rules.unknown", "no clock reads rule '" + r.id + "' (a misspelt id?)");
            if (r.starts_at != wanted->starts_at)
                return at(r.line, "rules.mismatch", "field 'starts': rule '" + r.id + "' is counted from " +
                                                        std::string(wanted->starts_at) + ", not " + r.starts_at);
            if (r.category != wanted->category)
                return at(r.line, "rules.mismatch", "field 'category': rule '" + r.id + "' applies to " +
                                                        std::string(wanted->category) + ", not " + r.category);
        }
        for (const auto& q : required_rules()) {
            bool present = false;
            for (const auto& r : rules) present = present || r.id == q.id;
            if (!present) return make_error("rules.missing", file_ + ": rule '" + std::string(q.id) + "' is missing");
        }
        return RuleCatalogue(file_, std::move(rules));
    }

private:
    std::string file_;
};

std::mutex& install_mutex() {
    static std::mutex m;
    return m;
}
// Every catalogue ever installed, kept alive so that references stay valid.
std::deque<RuleCatalogue>& installed() {
    static std::deque<RuleCatalogue> all;
    return all;
}
std::atomic<const RuleCatalogue*>& active_pointer() {
    static std::atomic<const RuleCatalogue*> active{nullptr};
    return active;
}

}  // namespace

std::string cite(const StatutoryRule& rule) {
    return rule.citation.law + rule.citation.article + "：" + rule.citation.text;
}

const StatutoryRule* RuleCatalogue::find(std::string_view id) const noexcept {
    for (const auto& r : rules_)
        if (r.id == id) return &r;
    return nullptr;
}

const std::vector<RequiredRule>& required_rules() {
    static const std::vector<RequiredRule> rules{
        {"report.drug", "drug", "sample_received"},
        {"notice.nonconformity", "any", "report_issued"},
        {"notice.nonconformity_serious", "any", "report_issued"},
        {"service.report", "any", "report_issued"},
        {"reinspection.drug", "drug", "document_served"},
        {"reinspection.cosmetic", "cosmetic", "document_served"},
        {"reinspection.device", "device", "document_served"},
        {"objection.authenticity", "drug", "document_served"},
        {"case_lead.decision", "any", "lead_received"},
        {"case_lead.extension", "any", "first_period_end"},
        {"case.decision", "any", "case_filed"},
        {"case.extension", "any", "first_period_end"},
        {"seizure.term", "any", "seized"},
        {"seizure.extension", "any", "first_period_end"},
        {"transfer.decision", "any", "transfer_reported"},
        {"transfer.handover", "any", "transfer_approved"},
    };
    return rules;
}

const std::vector<std::string_view>& start_events() {
    static const std::vector<std::string_view> events{"sample_received", "report_issued",     "document_served",
                                                      "lead_received",   "case_filed",        "first_period_end", "seized",
                                                      "transfer_reported", "transfer_approved"};
    return events;
}

std::string_view rule_category_of(std::string_view product_category) {
    if (product_category == "drug" || product_category == "vaccine" || product_category == "biological" ||
        product_category == "tcm_decoction_piece")
        return "drug";
    if (product_category == "cosmetic") return "cosmetic";
    if (product_category == "device") return "device";
    return {};
}

Result<RuleCatalogue> parse_rule_catalogue(std::string_view text, const std::string& file_name) {
    return Reader(file_name).read(text);
}

const RuleCatalogue& shipped_rules() {
    static const RuleCatalogue shipped = [] {
        auto parsed = parse_rule_catalogue(kShippedRulesText, kShippedRulesName);
        // The build compiled the repository's file in; tests parse the same file, so a
        // broken one fails there first.
        if (!parsed) throw std::logic_error("shipped statutory rules: " + parsed.error().message);
        return std::move(*parsed);
    }();
    return shipped;
}

const RuleCatalogue& active_rules() {
    if (const auto* a = active_pointer().load(std::memory_order_acquire)) return *a;
    return shipped_rules();
}

void install_rules(RuleCatalogue catalogue) {
    std::lock_guard lock(install_mutex());
    installed().push_back(std::move(catalogue));
    active_pointer().store(&installed().back(), std::memory_order_release);
}

const StatutoryRule& rule(std::string_view id) {
    if (const auto* r = active_rules().find(id)) return *r;
    throw std::logic_error("statutory rule '" + std::string(id) + "' is not in the catalogue");
}

}  // namespace lims::domain::statutory
