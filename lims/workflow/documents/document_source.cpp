#include "lims/workflow/documents/document_source.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/civil_date.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/sampling/field_record.hpp"

#include <Poco/Types.h>

#include <algorithm>
#include <set>

namespace lims::workflow::documents {

using domain::make_error;
using domain::Result;

namespace {

constexpr std::size_t kMaxReportNumberLength = 64;  // far longer than any number the system issues

// The report states in which a report has been issued to someone outside the laboratory.
bool is_issued_state(const std::string& state) { return state == "issued" || state == "superseded"; }

bool is_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Compares without an early exit, so the time taken says nothing of how much matched.
bool same_prefix(std::string_view prefix, std::string_view hash) {
    if (prefix.size() > hash.size()) return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        diff |= static_cast<unsigned>(static_cast<unsigned char>(lower(prefix[i])) ^
                                      static_cast<unsigned char>(hash[i]));
    return diff == 0;
}

// "0.50" → "0.50"; the store keeps limits as exact decimal text.
std::string requirement_text(const SqlRow& line, std::size_t at) {
    // at: limit_kind, lower, upper, lower_inclusive, upper_inclusive, expected_text, unit
    const std::string kind = text_or_empty(line[at]);
    const std::string lo = text_or_empty(line[at + 1]);
    const std::string hi = text_or_empty(line[at + 2]);
    const bool lo_incl = text_or_empty(line[at + 3]) != "0";
    const bool hi_incl = text_or_empty(line[at + 4]) != "0";
    const std::string expected = text_or_empty(line[at + 5]);
    const std::string unit = text_or_empty(line[at + 6]);
    if (kind == "range") {
        if (lo_incl && hi_incl) return "应为" + lo + "～" + hi + unit;
        return std::string(lo_incl ? "≥" : "＞") + lo + unit + "，且" + (hi_incl ? "≤" : "＜") + hi + unit;
    }
    if (kind == "upper") return std::string(hi_incl ? "≤" : "＜") + hi + unit;
    if (kind == "lower") return std::string(lo_incl ? "≥" : "＞") + lo + unit;
    if (kind == "qualitative") return expected.empty() ? "应符合规定" : expected;
    return "";
}

ItemVerdict verdict_of(const std::optional<std::string>& conformity) {
    if (!conformity) return ItemVerdict::not_judged;
    if (*conformity == "nonconforming") return ItemVerdict::does_not_conform;
    return ItemVerdict::conforms;  // "conforming", or "warning": within limits, near one
}

std::string org_path(store::Transaction& tx, const std::optional<std::string>& org_id) {
    if (!org_id) return "";
    auto rows = select_rows(tx, "SELECT path FROM organisations WHERE id = $1", Poco::Int64(std::stoll(*org_id)));
    return rows.empty() ? "" : text_or_empty(rows[0][0]);
}

std::string org_name(store::Transaction& tx, const std::optional<std::string>& org_id) {
    if (!org_id) return "";
    auto rows = select_rows(tx, "SELECT name FROM organisations WHERE id = $1", Poco::Int64(std::stoll(*org_id)));
    return rows.empty() ? "" : text_or_empty(rows[0][0]);
}

struct ReportRow {
    std::string id, number, state, sample_id, sample_org_id, supersedes_id, created_at, round, issued_at;
};

std::optional<ReportRow> find_report(store::Transaction& tx, std::string_view number) {
    auto rows = select_rows(tx,
                            "SELECT r.id, r.number, r.state, r.sample_id, s.org_id, r.supersedes_report_id, r.created_at, r.round, "
                            "r.issued_at "
                            "FROM reports r JOIN samples s ON s.id = r.sample_id WHERE r.number = $1",
                            std::string(number));
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    return ReportRow{text_or_empty(r[0]), text_or_empty(r[1]), text_or_empty(r[2]), text_or_empty(r[3]),
                     text_or_empty(r[4]), text_or_empty(r[5]), text_or_empty(r[6]),
                     r[7] ? *r[7] : "1",  text_or_empty(r[8])};
}

struct SignatureRow {
    std::string meaning, name, signed_at, org_id;
};

std::vector<SignatureRow> report_signatures(store::Transaction& tx, const ReportRow& report) {
    auto rows = select_rows(tx,
                            "SELECT g.meaning, u.display_name, g.signed_at, u.org_id FROM signatures g "
                            "JOIN users u ON u.id = g.signer_user_id WHERE g.entity_type = 'report' "
                            "AND (g.entity_id = $1 OR g.entity_id = $2) "
                            "AND g.meaning IN ('authored', 'reviewed', 'approved', 'released') "
                            "ORDER BY g.signed_at, g.id",
                            report.number, report.id);
    std::vector<SignatureRow> out;
    for (const auto& r : rows)
        out.push_back({text_or_empty(r[0]), text_or_empty(r[1]), text_or_empty(r[2]), text_or_empty(r[3])});
    return out;
}

const SignatureRow* last_approval(const std::vector<SignatureRow>& signatures) {
    const SignatureRow* found = nullptr;
    for (const auto& s : signatures)
        if (s.meaning == "approved") found = &s;
    return found;
}

// What was read on the pack's label at registration (sample_labels): printed where the
// catalogue product says nothing, e.g. for a product linked after registration by label.
struct LabelText {
    std::string dosage_form, specification, approval_number, manufacturer;
};

LabelText label_of(store::Transaction& tx, Poco::Int64 sample_id) {
    auto rows = select_rows(tx,
                            "SELECT dosage_form, specification, approval_number, manufacturer_name FROM sample_labels "
                            "WHERE sample_id = $1",
                            sample_id);
    if (rows.empty()) return {};
    return {text_or_empty(rows[0][0]), text_or_empty(rows[0][1]), text_or_empty(rows[0][2]), text_or_empty(rows[0][3])};
}

// A re-inspection report names the laboratory that re-inspected, how it was chosen, and the
// rule it was applied for with its citation (reinspections, review/reinspection.hpp).
void reinspection_particulars(store::Transaction& tx, Poco::Int64 sample_id, ReportDocument& doc) {
    auto rows = select_rows(tx,
                            "SELECT o.name, ri.laboratory_basis, ri.laboratory_reference, ri.rule_citation, d.seed, "
                            "d.chosen_index FROM reinspections ri "
                            "LEFT JOIN organisations o ON o.id = ri.laboratory_org_id "
                            "LEFT JOIN reinspection_laboratory_draws d ON d.reinspection_id = ri.id WHERE ri.sample_id = $1",
                            sample_id);
    if (rows.empty()) return;
    const auto& r = rows[0];
    const std::string name = text_or_empty(r[0]), basis = text_or_empty(r[1]), reference = text_or_empty(r[2]);
    if (!name.empty()) {
        std::string how;
        if (basis == "original_laboratory") how = "原检验机构";
        else if (basis == "designated_by_higher_bureau") how = "上级药品监督管理部门指定" + (reference.empty() ? "" : "，" + reference);
        else if (basis == "drawn_from_directory") how = "自复检机构名录随机抽取，种子 " + text_or_empty(r[4]) + "，候选序号 " + text_or_empty(r[5]);
        doc.reinspection_laboratory = name + (how.empty() ? "" : "（" + how + "）");
    }
    // The citation as applied: the law and article, without the article's text.
    std::string citation = text_or_empty(r[3]);
    if (const auto colon = citation.find("："); colon != std::string::npos) citation.resize(colon);
    doc.reinspection_rule = citation;
}

void unless_set(std::string& field, const std::string& from_label) {
    if (field.empty()) field = from_label;
}

Result<std::string> local_date_or_error(std::string_view what, const std::string& instant) {
    auto d = local_date_of_instant(instant);
    if (!d) return make_error("documents.report_incomplete", std::string(what) + ": " + d.error().message);
    return d;
}

}  // namespace

Result<domain::Instant> parse_stored_instant(std::string_view instant) {
    auto at = domain::parse_instant(instant);
    if (!at) return domain::errors::internal("documents.instant", at.error().message);
    return at;
}

Result<std::string> local_date_of_instant(std::string_view instant) {
    if (instant.size() == 10) {
        if (auto d = domain::parse_date(instant); d) return std::string(instant);
        return domain::errors::internal("documents.instant", "\"" + std::string(instant) + "\" is not a date YYYY-MM-DD");
    }
    auto at = parse_stored_instant(instant);
    if (!at) return at.error();
    return domain::format_date(domain::beijing_date(*at));
}

std::string storage_condition_in_chinese(std::string_view condition) {
    // 中国药典 凡例: 常温 10～30℃, 阴凉处 不超过20℃, 冷处 2～10℃ (vaccines: 冷藏 2～8℃), 冷冻.
    if (condition == "ambient") return "常温";
    if (condition == "cool") return "阴凉（不超过20℃）";
    if (condition == "refrigerated") return "冷藏（2～8℃）";
    if (condition == "frozen") return "冷冻";
    return std::string(condition);
}

Result<DocumentOwners> report_owners(store::Transaction& tx, std::string_view report_number) {
    auto report = find_report(tx, report_number);
    if (!report) return domain::errors::not_found("documents.report_not_found", "no report " + std::string(report_number));
    DocumentOwners owners;
    owners.sample_org_path = org_path(tx, report->sample_org_id);
    const auto signatures = report_signatures(tx, *report);
    if (const auto* approval = last_approval(signatures)) owners.issuer_org_path = org_path(tx, approval->org_id);
    return owners;
}

Result<ReportDocument> load_report_document(store::Transaction& tx, std::string_view report_number) {
    auto report = find_report(tx, report_number);
    if (!report) return domain::errors::not_found("documents.report_not_found", "no report " + std::string(report_number));
    const Poco::Int64 sample_id = std::stoll(report->sample_id);

    auto samples = select_rows(tx,
                               "SELECT s.number, s.product_name, s.batch_number, s.sampled_at, s.product_id, s.entity_id, "
                               "s.org_id FROM samples s WHERE s.id = $1",
                               sample_id);
    if (samples.empty()) return make_error("documents.report_incomplete", "the report's sample is missing");
    const auto& s = samples[0];
    ReportDocument doc;
    doc.report_number = report->number;
    doc.sample_number = text_or_empty(s[0]);
    doc.product_name = text_or_empty(s[1]);
    doc.batch_number = text_or_empty(s[2]);
    auto sampled = local_date_or_error("sampling date", text_or_empty(s[3]));
    if (!sampled) return sampled.error();
    doc.sampling_date = *sampled;
    if (s[4]) {
        auto p = select_rows(tx,
                             "SELECT p.specification, p.manufacturer_name, e.name FROM products p "
                             "LEFT JOIN regulated_entities e ON e.id = p.manufacturer_entity_id WHERE p.id = $1",
                             Poco::Int64(std::stoll(*s[4])));
        if (!p.empty()) {
            doc.specification = text_or_empty(p[0][0]);
            doc.manufacturer = p[0][2] ? *p[0][2] : text_or_empty(p[0][1]);
        }
    }
    const auto label = label_of(tx, sample_id);
    unless_set(doc.specification, label.specification);
    unless_set(doc.manufacturer, label.manufacturer);
    if (s[5]) {
        auto e = select_rows(tx, "SELECT name FROM regulated_entities WHERE id = $1", Poco::Int64(std::stoll(*s[5])));
        if (!e.empty()) doc.sampled_unit = text_or_empty(e[0][0]);
    }

    // Receipt: the shipment that brought the sample in; else when its tests were created
    // (tests are created on receipt).
    auto received = select_rows(tx,
                                "SELECT MIN(h.received_at) FROM shipments h JOIN shipment_items i ON i.shipment_id = h.id "
                                "WHERE i.sample_id = $1 AND h.received_at IS NOT NULL",
                                sample_id);
    std::string receipt = received.empty() ? "" : text_or_empty(received[0][0]);
    if (receipt.empty()) {
        auto first_test = select_rows(tx, "SELECT MIN(created_at) FROM tests WHERE sample_id = $1", sample_id);
        receipt = first_test.empty() ? "" : text_or_empty(first_test[0][0]);
    }
    if (receipt.empty())
        return make_error("documents.report_incomplete", "sample " + doc.sample_number + " has no receipt and no tests");
    auto receipt_date = local_date_or_error("receipt date", receipt);
    if (!receipt_date) return receipt_date.error();
    doc.receipt_date = *receipt_date;

    // Items: each test with its latest result (a retest or correction replaces the row it names).
    auto tests = select_rows(tx,
                             "SELECT t.id, t.test_code, l.test_name, l.standard_ref, l.limit_kind, l.lower_limit, "
                             "l.upper_limit, l.lower_inclusive, l.upper_inclusive, l.expected_text, l.unit "
                             // The version each test was judged against: a later edit of the
                             // catalogue never changes a report already issued.
                             "FROM tests t LEFT JOIN specification_line_versions l ON l.line_id = t.spec_line_id "
                             "AND l.version = t.spec_line_version "
                             "WHERE t.sample_id = $1 AND t.round = $2 AND t.state NOT IN ('cancelled', 'retracted') "
                             "ORDER BY t.id",
                             sample_id, Poco::Int64(std::stoll(report->round)));
    std::vector<std::string> standards;
    std::vector<ReportSignature> result_signatures;  // 检验人 and 复核人 of the reported results
    for (const auto& t : tests) {
        auto results = select_rows(tx,
                                   "SELECT r.value_text, r.qualitative, r.unit, r.conformity, r.id FROM results r "
                                   "WHERE r.test_id = $1 AND NOT EXISTS (SELECT 1 FROM results n "
                                   "WHERE n.replaces_result_id = r.id) ORDER BY r.id DESC",
                                   Poco::Int64(std::stoll(*t[0])));
        ReportItem item;
        item.item = t[2] ? *t[2] : text_or_empty(t[1]);
        item.requirement = t[4] ? requirement_text(t, 4) : "";
        if (!results.empty()) {
            const auto& r = results[0];
            item.result = r[0] ? *r[0] : text_or_empty(r[1]);
            item.unit = r[0] ? (r[2] && !r[2]->empty() ? *r[2] : text_or_empty(t[10])) : "";
            item.verdict = verdict_of(r[3]);
            for (const auto& g : select_rows(tx,
                                             "SELECT g.meaning, u.display_name, g.signed_at FROM signatures g "
                                             "JOIN users u ON u.id = g.signer_user_id WHERE g.entity_type = 'result' "
                                             "AND g.entity_id = $1 AND g.meaning IN ('performed', 'verified') "
                                             "ORDER BY g.signed_at, g.id",
                                             text_or_empty(r[4]))) {
                ReportSignature sig{text_or_empty(g[0]), text_or_empty(g[1]), text_or_empty(g[2])};
                // One line per person and meaning: the latest time they signed.
                auto same = std::find_if(result_signatures.begin(), result_signatures.end(), [&](const auto& x) {
                    return x.meaning == sig.meaning && x.name == sig.name;
                });
                if (same == result_signatures.end()) result_signatures.push_back(sig);
                else if (same->signed_at < sig.signed_at) same->signed_at = sig.signed_at;
            }
        }
        if (item.result.empty())
            return make_error("documents.report_incomplete", "test " + item.item + " of report " + doc.report_number +
                                                                 " has no result");
        if (t[3] && !t[3]->empty() && std::find(standards.begin(), standards.end(), *t[3]) == standards.end())
            standards.push_back(*t[3]);
        doc.items.push_back(std::move(item));
    }
    for (const auto& st : standards) doc.basis += (doc.basis.empty() ? "" : "、") + st;
    const bool fails = std::any_of(doc.items.begin(), doc.items.end(),
                                   [](const ReportItem& i) { return i.verdict == ItemVerdict::does_not_conform; });
    doc.conclusion = fails ? ReportConclusion::does_not_conform : ReportConclusion::conforms;

    // Performed (检验), then verified (复核), then the report's own (批准).
    std::stable_sort(result_signatures.begin(), result_signatures.end(),
                     [](const auto& a, const auto& b) { return a.meaning == "performed" && b.meaning != "performed"; });
    doc.signatures = result_signatures;
    const auto signatures = report_signatures(tx, *report);
    for (const auto& g : signatures) doc.signatures.push_back({g.meaning, g.name, g.signed_at});
    if (const auto* approval = last_approval(signatures)) {
        doc.issuer = org_name(tx, approval->org_id);
        // 签发日期: when it was issued; before that (printing a draft for approval) the approval.
        auto issued = local_date_or_error("issue time", report->issued_at.empty() ? approval->signed_at
                                                                                   : report->issued_at);
        if (!issued) return issued.error();
        doc.issue_date = *issued;
    } else {
        return make_error("documents.report_incomplete", "report " + doc.report_number + " has no approval signature");
    }
    if (!report->supersedes_id.empty()) {
        auto prior = select_rows(tx, "SELECT number FROM reports WHERE id = $1",
                                 Poco::Int64(std::stoll(report->supersedes_id)));
        if (!prior.empty()) doc.supersedes_report_number = text_or_empty(prior[0][0]);
    }
    if (report->round == "2") reinspection_particulars(tx, Poco::Int64(std::stoll(report->sample_id)), doc);
    if (auto ok = validate(doc); !ok) return ok.error();
    return doc;
}

domain::Status check_verification_input(std::string_view report_number, std::string_view hash_prefix) {
    if (report_number.empty() || report_number.size() > kMaxReportNumberLength)
        return make_error("verify.number", "a report number has 1 to " + std::to_string(kMaxReportNumberLength) +
                                               " characters");
    if (hash_prefix.size() < kMinimumHashPrefixLength)
        return make_error("verify.prefix_too_short", "the check value h needs at least " +
                                                         std::to_string(kMinimumHashPrefixLength) +
                                                         " hexadecimal digits, as printed under the QR code");
    if (hash_prefix.size() > 64)
        return make_error("verify.prefix_too_long", "the check value h has at most 64 hexadecimal digits");
    if (!is_hex(hash_prefix))
        return make_error("verify.prefix_not_hex", "the check value h has hexadecimal digits only (0-9, a-f)");
    return {};
}

Result<bool> verify_report(store::Transaction& tx, std::string_view report_number, std::string_view hash_prefix) {
    if (auto ok = check_verification_input(report_number, hash_prefix); !ok) return ok.error();
    auto report = find_report(tx, report_number);
    if (!report || !is_issued_state(report->state)) return false;
    auto doc = load_report_document(tx, report_number);
    // A report whose data no longer makes a whole document has been altered: not verified.
    if (!doc) return false;
    const std::string hash = report_content_hash(*doc);
    // The hash the issuing transaction stored must still be what the data gives.
    auto stored = select_rows(tx, "SELECT content_sha256 FROM reports WHERE number = $1", std::string(report_number));
    if (stored.empty() || !stored[0][0] || *stored[0][0] != hash) return false;
    return same_prefix(hash_prefix, hash);
}

Result<DocumentOwners> sample_owners(store::Transaction& tx, std::string_view sample_number) {
    auto rows = select_rows(tx, "SELECT org_id FROM samples WHERE number = $1", std::string(sample_number));
    if (rows.empty()) return domain::errors::not_found("documents.sample_not_found", "no sample " + std::string(sample_number));
    return DocumentOwners{org_path(tx, rows[0][0]), ""};
}

namespace {

const char* stage_in_chinese(const std::string& stage) {
    if (stage == "production") return "生产环节";
    if (stage == "distribution") return "经营环节";
    if (stage == "use") return "使用环节";
    return "";
}

const char* payment_in_chinese(const std::string& method) {
    if (method == "cash") return "现金";
    if (method == "bank_card") return "银行卡";
    if (method == "wechat_pay") return "微信支付";
    if (method == "alipay") return "支付宝";
    if (method == "bank_transfer") return "银行转账";
    if (method == "platform_order") return "平台订单支付";
    return "";
}

void add_field_record(SamplingRecordDocument& doc, const sampling::FieldRecord& f) {
    if (f.details) {
        const auto& d = *f.details;
        if (d.sampling_stage) doc.sampling_stage = stage_in_chinese(*d.sampling_stage);
        doc.supplier = d.supplier_name;
        if (!d.supplier_credit_code.empty()) doc.supplier += "（" + d.supplier_credit_code + "）";
        if (d.stock_quantity) doc.stock_quantity = *d.stock_quantity + " " + doc.unit;
        doc.unit_contact = d.unit_contact_name;
        if (!d.unit_contact_phone.empty())
            doc.unit_contact += (doc.unit_contact.empty() ? "" : "  ") + d.unit_contact_phone;
        if (d.purchase_price) {
            doc.purchase = *d.purchase_price + " 元";
            std::string how = d.payment_method ? payment_in_chinese(*d.payment_method) : "";
            if (!d.payment_reference.empty()) how += (how.empty() ? "" : "，") + std::string("凭证号 ") + d.payment_reference;
            if (!how.empty()) doc.purchase += "（" + how + "）";
        }
    }
    if (f.online) {
        const auto& o = *f.online;
        doc.online = {{"网络交易平台", o.platform_name + "（平台经营者 " + o.platform_operator_credit_code + "）"},
                      {"网店名称", o.shop_name},
                      {"网店网址", o.shop_url},
                      {"网店注册地址", o.shop_address.empty() ? o.shop_region_code : o.shop_address + "（" + o.shop_region_code + "）"},
                      {"订单编号", o.order_number},
                      {"收货地址", o.receiving_address}};
        if (o.delivery) {
            std::string parcel = o.delivery->carrier + " " + o.delivery->tracking_number;
            if (o.delivery->received_on) parcel += "，" + *o.delivery->received_on + " 签收";
            doc.online.emplace_back("快递", parcel);
        }
    }
}

}  // namespace

Result<SamplingRecordDocument> load_sampling_record(store::Transaction& tx, std::string_view sample_number) {
    auto rows = select_rows(tx,
                            "SELECT s.id, s.number, s.org_id, s.task_id, s.product_id, s.entity_id, s.product_name, "
                            "s.batch_number, s.production_date, s.expiry_date, s.quantity, s.unit, s.storage_condition, "
                            "s.sampled_at, s.sampling_place FROM samples s WHERE s.number = $1",
                            std::string(sample_number));
    if (rows.empty()) return domain::errors::not_found("documents.sample_not_found", "no sample " + std::string(sample_number));
    const auto& s = rows[0];
    const Poco::Int64 id = std::stoll(*s[0]);
    SamplingRecordDocument doc;
    doc.sample_number = text_or_empty(s[1]);
    doc.sampling_office = org_name(tx, s[2]);
    if (s[3]) {
        auto t = select_rows(tx, "SELECT number FROM tasks WHERE id = $1", Poco::Int64(std::stoll(*s[3])));
        if (!t.empty()) doc.task_number = text_or_empty(t[0][0]);
    }
    doc.product_name = text_or_empty(s[6]);
    if (s[4]) {
        auto p = select_rows(tx,
                             "SELECT p.specification, p.dosage_form, p.approval_number, p.manufacturer_name, e.name "
                             "FROM products p LEFT JOIN regulated_entities e ON e.id = p.manufacturer_entity_id "
                             "WHERE p.id = $1",
                             Poco::Int64(std::stoll(*s[4])));
        if (!p.empty()) {
            doc.specification = text_or_empty(p[0][0]);
            doc.dosage_form = text_or_empty(p[0][1]);
            doc.approval_number = text_or_empty(p[0][2]);
            doc.manufacturer = p[0][4] ? *p[0][4] : text_or_empty(p[0][3]);
        }
    }
    const auto label = label_of(tx, id);
    unless_set(doc.specification, label.specification);
    unless_set(doc.dosage_form, label.dosage_form);
    unless_set(doc.approval_number, label.approval_number);
    unless_set(doc.manufacturer, label.manufacturer);
    if (s[5]) {
        auto e = select_rows(tx, "SELECT name, address, credit_code, licence_number FROM regulated_entities WHERE id = $1",
                             Poco::Int64(std::stoll(*s[5])));
        if (!e.empty()) {
            doc.sampled_unit = text_or_empty(e[0][0]);
            doc.sampled_unit_address = text_or_empty(e[0][1]);
            doc.sampled_unit_credit_code = text_or_empty(e[0][2]);
            doc.sampled_unit_licence = text_or_empty(e[0][3]);
        }
    }
    doc.batch_number = text_or_empty(s[7]);
    doc.production_date = text_or_empty(s[8]);
    doc.expiry_date = text_or_empty(s[9]);
    doc.quantity = text_or_empty(s[10]);
    doc.unit = text_or_empty(s[11]);
    doc.storage_condition = storage_condition_in_chinese(text_or_empty(s[12]));
    doc.sampled_at = text_or_empty(s[13]);
    doc.sampling_place = text_or_empty(s[14]);
    for (const auto& r : select_rows(tx,
                                     "SELECT u.display_name, o.name, c.certificate_number FROM sample_samplers x "
                                     "JOIN users u ON u.id = x.user_id JOIN organisations o ON o.id = u.org_id "
                                     "LEFT JOIN sample_sampler_certificates c ON c.sample_id = x.sample_id AND "
                                     "c.user_id = x.user_id WHERE x.sample_id = $1 ORDER BY u.id",
                                     id))
        doc.samplers.push_back({text_or_empty(r[0]), text_or_empty(r[1]), text_or_empty(r[2])});
    add_field_record(doc, sampling::load_field_record(tx, id));
    for (const auto& r : select_rows(tx, "SELECT seal_number FROM sample_seals WHERE sample_id = $1 ORDER BY seal_number", id))
        doc.seal_numbers.push_back(text_or_empty(r[0]));
    for (const auto& r : select_rows(tx, "SELECT code FROM sample_trace_codes WHERE sample_id = $1 ORDER BY code", id))
        doc.trace_codes.push_back(text_or_empty(r[0]));
    for (const auto& r : select_rows(tx, "SELECT kind, quantity, unit FROM sample_portions WHERE sample_id = $1 ORDER BY id",
                                     id)) {
        std::string& target = text_or_empty(r[0]) == "retained" ? doc.retained_portion : doc.test_portion;
        target += (target.empty() ? "" : " + ") + text_or_empty(r[1]) + " " + text_or_empty(r[2]);
    }
    if (auto ok = validate(doc); !ok) return ok.error();
    return doc;
}

}  // namespace lims::workflow::documents
