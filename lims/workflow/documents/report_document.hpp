// The printed documents of a sample, as plain data: the test report (检验报告书) and the
// sampling record (抽样记录及凭证). The review chain (lims/workflow/review) fills a
// ReportDocument when it issues a report; the renderers (report_pdf.hpp) print them; the
// public check (GET /verify/{number}?h=...) compares report_content_hash() prefixes.
#pragma once

#include "lims/domain/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lims::workflow::documents {

// The verdict on one line of the specification, as the report prints it.
enum class ItemVerdict {
    conforms,         // 符合规定
    does_not_conform, // 不符合规定
    not_judged,       // 不作判定: a line reported for information only (no limit)
};

// The conclusion of the whole report: conforms only if every judged line does.
enum class ReportConclusion {
    conforms,         // 符合规定
    does_not_conform, // 不符合规定
};

std::string_view to_chinese(ItemVerdict verdict);           // "符合规定", ...
std::string_view to_chinese(ReportConclusion conclusion);   // "符合规定" / "不符合规定"
std::string_view to_string(ItemVerdict verdict);            // "conforms", "does_not_conform", "not_judged"
std::string_view to_string(ReportConclusion conclusion);    // "conforms", "does_not_conform"

// One row of the table of items (检验项目).
struct ReportItem {
    std::string item;         // 检验项目, e.g. "含量测定"
    std::string requirement;  // 标准规定, e.g. "应为标示量的95.0%～105.0%"
    std::string result;       // 检验结果 as reported (already rounded), e.g. "98.7" or "符合规定"
    std::string unit;         // "%" or "" when the result carries none
    ItemVerdict verdict = ItemVerdict::conforms;
};

// A signature printed on the report. `meaning` is the signatures table's meaning
// ("performed" 检验 and "verified" 复核 on the results, "approved" 批准/授权签字人 on the report).
struct ReportSignature {
    std::string meaning;
    std::string name;       // the signer's display name
    std::string signed_at;  // UTC instant "YYYY-MM-DDTHH:MM:SSZ"
};

std::string_view signature_meaning_in_chinese(std::string_view meaning);  // "检验人" / "复核人" / "批准人"; "" if unknown

struct ReportDocument {
    std::string report_number;   // reports.number
    std::string sample_number;   // samples.number (printed form)
    std::string issuer;          // 检验机构: the issuing laboratory's name
    std::string product_name;    // 样品名称
    std::string specification;   // 规格
    std::string batch_number;    // 批号
    std::string manufacturer;    // 标示生产企业
    std::string sampled_unit;    // 被抽样单位
    std::string sampling_date;   // 抽样日期 "YYYY-MM-DD" (local)
    std::string receipt_date;    // 收样日期 "YYYY-MM-DD" (local)
    std::string basis;           // 检验依据, e.g. "《中华人民共和国药典》2025年版二部"
    std::vector<ReportItem> items;
    ReportConclusion conclusion = ReportConclusion::conforms;
    std::vector<ReportSignature> signatures;
    std::string issue_date;      // 签发日期 "YYYY-MM-DD" (local)
    // The report this one replaces (a re-inspection report, 复验), empty otherwise.
    std::string supersedes_report_number;
    // A re-inspection report: the laboratory that re-inspected and how it was chosen
    // ("某某药品检验研究院（自复检机构名录随机抽取…）"), and the rule with its citation
    // ("《中华人民共和国药品管理法》第一百零二条"). Printed, not part of the content hash:
    // they come from the re-inspection registered before the report, written once and
    // audited, and re-inspection reports issued before they were printed keep their hashes.
    std::string reinspection_laboratory;
    std::string reinspection_rule;
    // Filled by the renderer's caller from verification_path(); not part of the hash
    // (it contains it).
    std::string verification_url;
};

// What a sampler prints on site and both parties sign (抽样记录及凭证).
struct SamplingRecordSampler {
    std::string name;
    std::string organisation;  // the sampling office
    std::string certificate_number;  // 执法证号 shown on site; empty if not recorded
};

struct SamplingRecordDocument {
    std::string sample_number;          // printed as text and as a Code 128 barcode
    std::string task_number;            // 抽样任务编号, may be empty
    std::string sampling_office;        // 抽样单位
    std::string sampled_unit;           // 被抽样单位
    std::string sampled_unit_address;
    std::string sampled_unit_credit_code;  // 统一社会信用代码, may be empty
    std::string sampled_unit_licence;      // 许可证编号, may be empty
    std::string product_name;
    std::string specification;
    std::string dosage_form;
    std::string approval_number;        // 批准文号
    std::string manufacturer;           // 标示生产企业
    std::string batch_number;
    std::string production_date;        // "YYYY-MM-DD" or ""
    std::string expiry_date;            // "YYYY-MM-DD" or ""
    std::string quantity;               // decimal text
    std::string unit;
    std::string storage_condition;      // the storage condition as printed, e.g. "冷藏 2～8℃"
    std::string sampling_place;         // 抽样地点
    std::string sampled_at;             // UTC instant "YYYY-MM-DDTHH:MM:SSZ"
    std::vector<SamplingRecordSampler> samplers;  // at least two (药品管理法实施条例 第五十二条)
    std::vector<std::string> seal_numbers;        // 封签编号
    std::vector<std::string> trace_codes;         // 药品追溯码
    std::string test_portion;           // "3 盒"
    std::string retained_portion;       // "3 盒"
    // Issue 16 items 8 and 9 (workflow/sampling/field_record.hpp); empty where not recorded.
    std::string sampling_stage;   // 生产环节 / 经营环节 / 使用环节
    std::string supplier;         // 供货单位 (with its credit code)
    std::string stock_quantity;   // 库存数量, "120 盒"
    std::string unit_contact;     // 被抽样单位联系人 and telephone
    std::string purchase;         // 购样费用: "36.50 元（微信支付，交易号 …）"
    // 网络抽样: label and value rows (网络交易平台, 网店名称, 网店网址, 订单编号, 收货地址, 快递).
    std::vector<std::pair<std::string, std::string>> online;
};

// Checks that a report can be printed and hashed: required fields present, dates
// "YYYY-MM-DD", at least one item, the conclusion agreeing with the items (conforms only
// if no item does_not_conform). Errors: report_document.missing_field,
// report_document.date, report_document.no_items, report_document.conclusion.
domain::Status validate(const ReportDocument& report);

// Errors: sampling_record.missing_field, sampling_record.samplers (fewer than two).
domain::Status validate(const SamplingRecordDocument& record);

// The canonical text of a report: one "key=value" line per field in a fixed order,
// items and signatures numbered in their order, values with '\\' and '\n' escaped; the
// verification_url is left out. Stable across releases: changing it breaks every printed QR.
std::string canonical_text(const ReportDocument& report);

// SHA-256 of canonical_text() as 64 lowercase hex digits. The issuing transaction stores
// it (signatures.content_sha256 of the approval, entity_type "report"); the public check
// recomputes it from the store and compares.
std::string report_content_hash(const ReportDocument& report);

// Hex digits of the hash printed in the QR code (64 bits: guessing is hopeless) and the
// fewest the public check accepts (48 bits), so a truncated or guessed prefix says nothing.
inline constexpr std::size_t kPrintedHashPrefixLength = 16;
inline constexpr std::size_t kMinimumHashPrefixLength = 12;

// "/verify/{report_number}?h={first kPrintedHashPrefixLength hex digits}", the number
// percent-encoded where needed. `base_url` (e.g. "https://lims.example.gov.cn") is
// prepended without a doubled slash; empty gives the path alone.
std::string verification_path(std::string_view report_number, std::string_view content_hash,
                              std::string_view base_url = {});

}  // namespace lims::workflow::documents
