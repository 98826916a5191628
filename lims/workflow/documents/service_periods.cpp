#include "lims/workflow/documents/service_periods.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"

namespace lims::workflow::documents {

namespace {

// Serving the report: 药品质量抽查检验管理办法 (国药监药管〔2019〕34号) has the bureau that
// organised the sampling serve the report on the sampled unit and the labelled MAH after
// it receives it; 5 working days is the period this system ships with (check the text in
// force and the province's rules: it is configuration).
constexpr domain::DeadlineRule kServeReport{5, domain::DeadlineUnit::working_days};
// The labelled manufacturer's objection to the sample's authenticity: 7 working days from
// receipt of the report, as the re-inspection window of the same 办法.
constexpr domain::DeadlineRule kAuthenticityObjection{7, domain::DeadlineUnit::working_days};

}  // namespace

const ServicePeriods& default_service_periods() {
    static const ServicePeriods periods{
        {"document_service", kServeReport, "report_issued",
         "药品质量抽查检验管理办法（国药监药管〔2019〕34号）：组织抽检的药品监督管理部门将检验报告书送达被抽样单位和"
         "标示药品上市许可持有人（期限以本省规定为准）"},
        {"reinspection_drug", domain::statutory::kDrugReinspectionApplication, "document_served",
         "《中华人民共和国药品管理法》第一百零二条：自收到药品检验结果之日起七日内申请复验"},
        {"reinspection_cosmetic_device", domain::statutory::kCosmeticDeviceReinspectionApplication, "document_served",
         "《化妆品监督管理条例》第五十八条、《医疗器械监督管理条例》第七十五条：自收到检验结论之日起7个工作日内申请复检"},
        {"authenticity_objection", kAuthenticityObjection, "document_served",
         "药品质量抽查检验管理办法（国药监药管〔2019〕34号）：标示生产企业对样品真实性有异议的，自收到检验报告书之日起"
         "7个工作日内提出并提供证明材料"},
    };
    return periods;
}

domain::Status validate(const ServicePeriods& periods) {
    for (const auto* p : periods.all()) {
        if (auto ok = domain::validate(p->rule); !ok)
            return domain::Error(ok.error().code, p->key + ": " + ok.error().message);
        if (p->citation.empty())
            return domain::make_error("service.period_citation", p->key + ": a statutory period needs its citation");
    }
    if (periods.service.starts_at != "report_issued")
        return domain::make_error("service.period_start", "document_service counts from report_issued");
    for (const auto* p : {&periods.reinspection_drug, &periods.reinspection_cosmetic_device, &periods.authenticity_objection})
        if (p->starts_at != "document_served")
            return domain::make_error("service.period_start", p->key + " counts from document_served");
    return domain::Status{};
}

const StatutoryPeriod& reinspection_period(const ServicePeriods& periods, std::string_view category) {
    if (category == "cosmetic" || category == "device") return periods.reinspection_cosmetic_device;
    return periods.reinspection_drug;
}

domain::Instant start_of_service_day(domain::Date served_on) {
    return domain::Instant{served_on} - std::chrono::duration_cast<std::chrono::seconds>(domain::kBeijingUtcOffset);
}

domain::Result<domain::CountedDeadline> counted_from_service(const domain::WorkingCalendar& calendar,
                                                             const StatutoryPeriod& period, domain::Date served_on) {
    return domain::counted_deadline_for(calendar, period.rule, start_of_service_day(served_on));
}

std::string describe_in_chinese(const domain::DeadlineRule& rule) {
    switch (rule.unit) {
        case domain::DeadlineUnit::working_days: return std::to_string(rule.amount) + " 个工作日";
        case domain::DeadlineUnit::calendar_days: return std::to_string(rule.amount) + " 日";
        case domain::DeadlineUnit::hours: return std::to_string(rule.amount) + " 小时";
    }
    return std::to_string(rule.amount);
}

}  // namespace lims::workflow::documents
