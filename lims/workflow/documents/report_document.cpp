#include "lims/workflow/documents/report_document.hpp"

#include "lims/domain/calendar/civil_date.hpp"

#include "lims/domain/text/sha256.hpp"

namespace lims::workflow::documents {

using domain::make_error;
using domain::Status;

std::string_view to_chinese(ItemVerdict verdict) {
    switch (verdict) {
        case ItemVerdict::conforms: return "符合规定";
        case ItemVerdict::does_not_conform: return "不符合规定";
        case ItemVerdict::not_judged: return "不作判定";
    }
    return "不作判定";
}

std::string_view to_chinese(ReportConclusion conclusion) {
    return conclusion == ReportConclusion::conforms ? "符合规定" : "不符合规定";
}

std::string_view to_string(ItemVerdict verdict) {
    switch (verdict) {
        case ItemVerdict::conforms: return "conforms";
        case ItemVerdict::does_not_conform: return "does_not_conform";
        case ItemVerdict::not_judged: return "not_judged";
    }
    return "not_judged";
}

std::string_view to_string(ReportConclusion conclusion) {
    return conclusion == ReportConclusion::conforms ? "conforms" : "does_not_conform";
}

std::string_view signature_meaning_in_chinese(std::string_view meaning) {
    if (meaning == "performed" || meaning == "authored") return "检验人";
    if (meaning == "verified" || meaning == "reviewed") return "复核人";
    if (meaning == "approved") return "批准人";
    if (meaning == "released") return "签发人";
    return "";
}

namespace {

Status missing(std::string_view code, std::string_view field) {
    return make_error(std::string(code) + ".missing_field", std::string(field) + " is empty");
}

Status check_date(std::string_view field, const std::string& text) {
    if (auto parsed = domain::parse_date(text); !parsed)
        return make_error("report_document.date", std::string(field) + " is not a date YYYY-MM-DD: \"" + text +
                                                      "\" (" + parsed.error().message + ")");
    return {};
}

// '\\' and '\n' escaped so that no value can forge another line of the canonical text.
std::string escape_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else out += c;
    }
    return out;
}

void line(std::string& out, std::string_view key, std::string_view value) {
    out += key;
    out += '=';
    out += escape_value(value);
    out += '\n';
}

}  // namespace

Status validate(const ReportDocument& r) {
    const std::pair<std::string_view, const std::string*> required[] = {
        {"report_number", &r.report_number}, {"sample_number", &r.sample_number}, {"issuer", &r.issuer},
        {"product_name", &r.product_name},   {"sampled_unit", &r.sampled_unit},   {"basis", &r.basis},
        {"sampling_date", &r.sampling_date}, {"receipt_date", &r.receipt_date},   {"issue_date", &r.issue_date},
    };
    for (const auto& [name, value] : required)
        if (value->empty()) return missing("report_document", name);
    if (auto s = check_date("sampling_date", r.sampling_date); !s) return s;
    if (auto s = check_date("receipt_date", r.receipt_date); !s) return s;
    if (auto s = check_date("issue_date", r.issue_date); !s) return s;
    if (r.items.empty()) return make_error("report_document.no_items", "the report has no items");
    bool any_fails = false;
    for (std::size_t i = 0; i < r.items.size(); ++i) {
        const auto& item = r.items[i];
        const std::string where = "items[" + std::to_string(i) + "]";
        if (item.item.empty()) return missing("report_document", where + ".item");
        if (item.result.empty()) return missing("report_document", where + ".result");
        any_fails = any_fails || item.verdict == ItemVerdict::does_not_conform;
    }
    const auto expected = any_fails ? ReportConclusion::does_not_conform : ReportConclusion::conforms;
    if (r.conclusion != expected)
        return make_error("report_document.conclusion",
                          std::string("the conclusion is ") + std::string(to_string(r.conclusion)) +
                              " but the items say " + std::string(to_string(expected)) +
                              " (a report conforms only if every judged item does)");
    for (std::size_t i = 0; i < r.signatures.size(); ++i)
        if (r.signatures[i].name.empty())
            return missing("report_document", "signatures[" + std::to_string(i) + "].name");
    return {};
}

Status validate(const SamplingRecordDocument& r) {
    const std::pair<std::string_view, const std::string*> required[] = {
        {"sample_number", &r.sample_number}, {"sampling_office", &r.sampling_office},
        {"sampled_unit", &r.sampled_unit},   {"product_name", &r.product_name},
        {"quantity", &r.quantity},           {"unit", &r.unit},
        {"sampled_at", &r.sampled_at},
    };
    for (const auto& [name, value] : required)
        if (value->empty()) return missing("sampling_record", name);
    // 药品管理法实施条例 第五十二条: sampling is done by at least two people.
    constexpr std::size_t kMinimumSamplers = 2;
    if (r.samplers.size() < kMinimumSamplers)
        return make_error("sampling_record.samplers", "a sampling record needs at least two samplers, it names " +
                                                          std::to_string(r.samplers.size()));
    return {};
}

std::string canonical_text(const ReportDocument& r) {
    std::string out;
    // The first line names the format so that a future change can be told apart.
    line(out, "format", "lims-report-v1");
    line(out, "report_number", r.report_number);
    line(out, "sample_number", r.sample_number);
    line(out, "issuer", r.issuer);
    line(out, "product_name", r.product_name);
    line(out, "specification", r.specification);
    line(out, "batch_number", r.batch_number);
    line(out, "manufacturer", r.manufacturer);
    line(out, "sampled_unit", r.sampled_unit);
    line(out, "sampling_date", r.sampling_date);
    line(out, "receipt_date", r.receipt_date);
    line(out, "basis", r.basis);
    line(out, "items", std::to_string(r.items.size()));
    for (std::size_t i = 0; i < r.items.size(); ++i) {
        const auto& item = r.items[i];
        const std::string p = "item." + std::to_string(i + 1) + ".";
        line(out, p + "item", item.item);
        line(out, p + "requirement", item.requirement);
        line(out, p + "result", item.result);
        line(out, p + "unit", item.unit);
        line(out, p + "verdict", to_string(item.verdict));
    }
    line(out, "conclusion", to_string(r.conclusion));
    line(out, "signatures", std::to_string(r.signatures.size()));
    for (std::size_t i = 0; i < r.signatures.size(); ++i) {
        const auto& s = r.signatures[i];
        const std::string p = "signature." + std::to_string(i + 1) + ".";
        line(out, p + "meaning", s.meaning);
        line(out, p + "name", s.name);
        line(out, p + "signed_at", s.signed_at);
    }
    line(out, "issue_date", r.issue_date);
    line(out, "supersedes_report_number", r.supersedes_report_number);
    return out;
}

std::string report_content_hash(const ReportDocument& report) {
    return domain::sha256_hex(canonical_text(report));
}

std::string verification_path(std::string_view report_number, std::string_view content_hash,
                              std::string_view base_url) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out(base_url);
    while (!out.empty() && out.back() == '/') out.pop_back();
    out += "/verify/";
    // RFC 3986 unreserved characters pass; everything else (including UTF-8) is %XX.
    for (unsigned char c : report_number) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    out += "?h=";
    out += content_hash.substr(0, kPrintedHashPrefixLength);
    return out;
}

}  // namespace lims::workflow::documents
