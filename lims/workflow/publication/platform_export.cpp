#include "lims/workflow/publication/platform_export.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/publication/xlsx_workbook.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <Poco/JSON/Object.h>

#include <map>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::publication {

namespace errors = domain::errors;
namespace docs = lims::workflow::documents;
using docs::select_rows;
using docs::text_or_empty;
using domain::Result;

std::string_view to_string(Platform p) {
    switch (p) {
        case Platform::nmpa_drug: return "nmpa_drug";
        case Platform::nmpa_cosmetic: return "nmpa_cosmetic";
        case Platform::nmpa_device: return "nmpa_device";
    }
    return "nmpa_drug";
}

std::string_view platform_title(Platform p) {
    switch (p) {
        case Platform::nmpa_drug: return "国家药品抽检信息系统";
        case Platform::nmpa_cosmetic: return "国家化妆品抽检信息系统";
        case Platform::nmpa_device: return "国家医疗器械抽检信息系统";
    }
    return "";
}

std::optional<Platform> parse_platform(std::string_view s) {
    if (s == "nmpa_drug") return Platform::nmpa_drug;
    if (s == "nmpa_cosmetic") return Platform::nmpa_cosmetic;
    if (s == "nmpa_device") return Platform::nmpa_device;
    return std::nullopt;
}

bool platform_takes(Platform p, std::string_view category) {
    switch (p) {
        case Platform::nmpa_cosmetic: return category == "cosmetic";
        case Platform::nmpa_device: return category == "device";
        case Platform::nmpa_drug: return category != "cosmetic" && category != "device";
    }
    return false;
}

bool is_platform_number(std::string_view text) {
    if (text.size() < 4 || text.size() > 40) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) return false;
    return true;
}

namespace {

Result<std::int64_t> visible_sample(store::Transaction& tx, const Actor& actor, std::string_view number) {
    if (auto held = review::check_held(tx, actor, review::RecordKind::sample, std::string(number)); !held)
        return held.error();
    return review::sample_id_by_number(tx, std::string(number));
}

SamplePlatformNumbers numbers_of(store::Transaction& tx, std::string_view sample_number, std::int64_t sample_id) {
    SamplePlatformNumbers out{std::string(sample_number), {}};
    const auto rows = select_rows(tx,
                                  "SELECT n.id, n.platform, n.platform_number, r.platform_number, n.reason, "
                                  "n.recorded_by_name, n.recorded_at FROM sample_platform_numbers n "
                                  "LEFT JOIN sample_platform_numbers r ON r.id = n.replaces_id "
                                  "WHERE n.sample_id = $1 ORDER BY n.id",
                                  Poco::Int64(sample_id));
    std::map<std::string, std::size_t> latest;  // platform -> index of its newest row
    for (const auto& r : rows) {
        latest[text_or_empty(r[1])] = out.numbers.size();
        out.numbers.push_back({text_or_empty(r[1]), text_or_empty(r[2]), false, text_or_empty(r[3]),
                               text_or_empty(r[4]), text_or_empty(r[5]), text_or_empty(r[6])});
    }
    for (const auto& [platform, index] : latest) out.numbers[index].current = true;
    return out;
}

std::optional<PlatformNumber> current_on(const SamplePlatformNumbers& all, Platform p) {
    for (const auto& n : all.numbers)
        if (n.current && n.platform == to_string(p)) return n;
    return std::nullopt;
}

std::string audit_json(std::string_view platform, std::string_view number) {
    Poco::JSON::Object o;
    o.set("platform", std::string(platform));
    o.set("platform_number", std::string(number));
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
    return out;
}

std::string_view state_in_chinese(std::string_view state) {
    static const std::map<std::string_view, std::string_view> words = {
        {"registered", "已登记"},   {"shipped", "运输中"},      {"received", "已接收"},
        {"rejected", "已拒收"},     {"voided", "已作废"},       {"in_testing", "检验中"},
        {"tested", "检验完成"},     {"reported", "已出报告"},   {"reinspection_requested", "已申请复验"},
        {"in_reinspection", "复验中"}, {"reinspected", "已复验"}};
    auto it = words.find(state);
    return it == words.end() ? state : it->second;
}

}  // namespace

Result<SamplePlatformNumbers> set_platform_number(store::Database& db, std::string_view sample_number,
                                                  Platform platform, const std::string& platform_number,
                                                  const std::string& reason, const Actor& actor) {
    if (!actor.user_id)
        return errors::forbidden("platform_number.person_required",
                                 "a platform's sample number is recorded by a signed-in person");
    if (!is_platform_number(platform_number))
        return errors::invalid("platform_number", "platform_number.format",
                               "\"" + platform_number.substr(0, 60) +
                                   "\" is not a platform sample number (4 to 40 letters, digits or -)");
    return db.write([&](store::Transaction& tx) -> Result<SamplePlatformNumbers> {
        auto sample_id = visible_sample(tx, actor, sample_number);
        if (!sample_id) return sample_id.error();
        const auto before = numbers_of(tx, sample_number, *sample_id);
        const auto current = current_on(before, platform);
        if (current && current->platform_number == platform_number)
            return errors::conflict("platform_number.unchanged", "sample " + std::string(sample_number) + " already has " +
                                                                     platform_number + " on " +
                                                                     std::string(platform_title(platform)));
        if (current && reason.find_first_not_of(" \t\r\n") == std::string::npos)
            return errors::invalid("reason", "platform_number.reason_required",
                                   "sample " + std::string(sample_number) + " has " + current->platform_number + " on " +
                                       std::string(platform_title(platform)) + ": say why it is corrected");
        const std::string p(to_string(platform));
        auto taken = select_rows(tx,
                                 "SELECT sample_id FROM sample_platform_numbers WHERE platform = $1 AND platform_number = $2",
                                 p, platform_number);
        if (!taken.empty())
            return errors::conflict("platform_number.taken",
                                    platform_number + " is already used on " + std::string(platform_title(platform)) +
                                        (text_or_empty(taken[0][0]) == std::to_string(*sample_id)
                                             ? " by this sample earlier"
                                             : " for another sample") +
                                        ": a platform number belongs to one sample, once");
        Poco::Nullable<Poco::Int64> replaces;
        if (current) {
            auto id = select_rows(tx,
                                  "SELECT id FROM sample_platform_numbers WHERE sample_id = $1 AND platform = $2 "
                                  "ORDER BY id DESC LIMIT 1",
                                  Poco::Int64(*sample_id), p);
            if (!id.empty()) replaces = Poco::Int64(std::stoll(text_or_empty(id[0][0])));
        }
        const Poco::Int64 sid = *sample_id, by = *actor.user_id;
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO sample_platform_numbers (sample_id, platform, platform_number, replaces_id, reason, "
                        "recorded_by, recorded_by_name, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            bind(sid), bind(p), bind(platform_number), bind(replaces), bind(reason), bind(by), bind(actor.name), bind(at),
            now;
        tx.record({actor.name, current ? "sample.platform_number_correct" : "sample.platform_number_set", "sample",
                   std::string(sample_number), current ? audit_json(p, current->platform_number) : "",
                   audit_json(p, platform_number), reason});
        return numbers_of(tx, sample_number, *sample_id);
    });
}

Result<SamplePlatformNumbers> platform_numbers(store::Database& db, std::string_view sample_number, const Actor& actor) {
    return db.read([&](store::Transaction& tx) -> Result<SamplePlatformNumbers> {
        auto sample_id = visible_sample(tx, actor, sample_number);
        if (!sample_id) return sample_id.error();
        return numbers_of(tx, sample_number, *sample_id);
    });
}

Result<PlatformExport> export_for_platform(store::Database& db, const ExportQuery& query, const Actor& actor) {
    if (query.sampled_from > query.sampled_to)
        return errors::invalid("sampled_to", "export.period_order", "the period ends before it begins");
    if ((query.sampled_to - query.sampled_from).count() + 1 > kMaxExportDays)
        return errors::invalid("sampled_to", "export.period_too_long",
                               "one export covers at most " + std::to_string(kMaxExportDays) + " days");
    return db.read([&](store::Transaction& tx) -> Result<PlatformExport> {
        PlatformExport out;
        out.samples.columns = {"平台抽样单编号", "本系统样品编号", "抽样任务编号", "抽样日期",     "抽样单位",
                               "抽样人员",       "被抽样单位名称", "被抽样单位地址", "统一社会信用代码", "许可证编号",
                               "抽样地点",       "产品类别",       "药品名称",     "剂型",         "规格",
                               "批准文号",       "批号",           "生产日期",     "有效期至",     "标示生产企业",
                               "抽样数量",       "单位",           "储藏条件",     "封签编号",     "药品追溯码",
                               "检验机构",       "报告书编号",     "报告日期",     "检验依据",     "检验结论",
                               "不符合规定项目", "复验情况",       "样品状态"};
        out.results.columns = {"平台抽样单编号", "本系统样品编号", "报告书编号", "序号", "检验项目",
                               "标准规定",       "检验结果",       "单位",       "单项结论"};
        const std::string lower = domain::format_date(query.sampled_from - std::chrono::days(1));
        const std::string upper = domain::format_date(query.sampled_to + std::chrono::days(2));
        const std::string platform(to_string(query.platform));
        auto rows = select_rows(tx,
                                "SELECT s.id, s.number, s.sampled_at, s.state, COALESCE(p.category, l.category, ''), "
                                "(SELECT n.platform_number FROM sample_platform_numbers n WHERE n.sample_id = s.id "
                                "AND n.platform = $1 ORDER BY n.id DESC LIMIT 1) "
                                "FROM samples s LEFT JOIN products p ON p.id = s.product_id "
                                "LEFT JOIN sample_labels l ON l.sample_id = s.id "
                                "WHERE s.sampled_at >= $2 AND s.sampled_at < $3 ORDER BY s.sampled_at, s.id",
                                platform, lower, upper);
        for (const auto& r : rows) {
            const std::string category = text_or_empty(r[4]);
            if (!platform_takes(query.platform, category)) continue;
            auto at = docs::parse_stored_instant(text_or_empty(r[2]));
            if (!at) return at.error();
            const auto day = domain::beijing_date(*at);
            if (day < query.sampled_from || day > query.sampled_to) continue;
            const std::int64_t sample_id = std::stoll(text_or_empty(r[0]));
            auto held = review::holds_sample(tx, actor, sample_id);
            if (!held) return held.error();
            if (!*held) continue;
            const std::string number = text_or_empty(r[1]), platform_number = text_or_empty(r[5]);
            auto record = docs::load_sampling_record(tx, number);
            if (!record)
                return errors::conflict("export.sample_unreadable",
                                        "sample " + number + " cannot be exported: " + record.error().message);
            std::vector<std::string> samplers;
            for (const auto& s : record->samplers) samplers.push_back(s.name);
            // The report that stands: the newest issued one (a re-inspection's replaces the first).
            auto issued = select_rows(tx,
                                      "SELECT number FROM reports WHERE sample_id = $1 AND state = 'issued' "
                                      "ORDER BY round DESC, id DESC",
                                      Poco::Int64(sample_id));
            std::string lab, report_number, report_date, basis, conclusion, failing;
            if (!issued.empty()) {
                report_number = text_or_empty(issued[0][0]);
                auto doc = docs::load_report_document(tx, report_number);
                if (!doc)
                    return errors::conflict("export.report_unreadable",
                                            "report " + report_number + " cannot be exported: " + doc.error().message);
                lab = doc->issuer;
                report_date = doc->issue_date;
                basis = doc->basis;
                conclusion = std::string(docs::to_chinese(doc->conclusion));
                std::vector<std::string> failing_items;
                int n = 0;
                for (const auto& item : doc->items) {
                    if (item.verdict == docs::ItemVerdict::does_not_conform) failing_items.push_back(item.item);
                    out.results.rows.push_back({platform_number, number, report_number, std::to_string(++n), item.item,
                                                item.requirement, item.result, item.unit,
                                                std::string(docs::to_chinese(item.verdict))});
                }
                failing = joined(failing_items, "、");
            }
            auto reinspection = select_rows(tx,
                                            "SELECT ri.state, rr.number FROM reinspections ri LEFT JOIN reports rr "
                                            "ON rr.id = ri.result_report_id WHERE ri.sample_id = $1",
                                            Poco::Int64(sample_id));
            std::string reinspected;
            if (!reinspection.empty())
                reinspected = text_or_empty(reinspection[0][0]) == "completed"
                                  ? "已复验（复验报告" + text_or_empty(reinspection[0][1]) + "）"
                                  : "复验中";
            out.samples.rows.push_back(
                {platform_number, number, record->task_number, domain::format_date(day), record->sampling_office,
                 joined(samplers, "、"), record->sampled_unit, record->sampled_unit_address,
                 record->sampled_unit_credit_code, record->sampled_unit_licence, record->sampling_place, category,
                 record->product_name, record->dosage_form, record->specification, record->approval_number,
                 record->batch_number, record->production_date, record->expiry_date, record->manufacturer,
                 record->quantity, record->unit, record->storage_condition, joined(record->seal_numbers, "、"),
                 joined(record->trace_codes, "、"), lab, report_number, report_date, basis, conclusion, failing,
                 reinspected, std::string(state_in_chinese(text_or_empty(r[3])))});
        }
        return out;
    });
}

Result<std::string> export_csv(store::Database& db, const ExportQuery& query, std::string_view part,
                               const Actor& actor) {
    if (part != "samples" && part != "results")
        return errors::invalid("part", "export.part", "part is \"samples\" or \"results\"");
    auto exported = export_for_platform(db, query, actor);
    if (!exported) return exported.error();
    return figures::to_csv(part == "samples" ? exported->samples : exported->results);
}

Result<std::string> export_xlsx(store::Database& db, const ExportQuery& query, const Actor& actor) {
    auto exported = export_for_platform(db, query, actor);
    if (!exported) return exported.error();
    return xlsx_workbook({{"抽样信息", std::move(exported->samples)}, {"检验结果", std::move(exported->results)}});
}

}  // namespace lims::workflow::publication
