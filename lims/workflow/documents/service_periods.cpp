#include "lims/workflow/documents/service_periods.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/domain/model/product_category.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace lims::workflow::documents {

namespace {

StatutoryPeriod period_of(const domain::statutory::RuleCatalogue& catalogue, std::string_view id) {
    const auto* rule = catalogue.find(id);
    // A catalogue is only made by the parser, which requires every rule read here.
    if (!rule) throw std::logic_error("statutory rule catalogue without '" + std::string(id) + "'");
    return {rule->id, rule->deadline, rule->starts_at, domain::statutory::cite(*rule)};
}

}  // namespace

ServicePeriods service_periods_of(const domain::statutory::RuleCatalogue& catalogue) {
    return {period_of(catalogue, domain::statutory::kReportService.id),
            period_of(catalogue, domain::statutory::kDrugReinspectionApplication.id),
            period_of(catalogue, domain::statutory::kCosmeticReinspectionApplication.id),
            period_of(catalogue, domain::statutory::kDeviceReinspectionApplication.id),
            period_of(catalogue, domain::statutory::kAuthenticityObjection.id)};
}

const ServicePeriods& default_service_periods() {
    // One set per catalogue ever active (normally one: installed at start-up), kept for the
    // life of the process like the catalogues themselves.
    static std::mutex mutex;
    static std::map<const domain::statutory::RuleCatalogue*, std::unique_ptr<ServicePeriods>> built;
    const auto* active = &domain::statutory::active_rules();
    std::lock_guard lock(mutex);
    auto& slot = built[active];
    if (!slot) slot = std::make_unique<ServicePeriods>(service_periods_of(*active));
    return *slot;
}

domain::Result<const StatutoryPeriod*> reinspection_period(const ServicePeriods& periods, std::string_view category) {
    const auto rule_category = domain::statutory::rule_category_of(category);
    if (rule_category == "cosmetic") return &periods.reinspection_cosmetic;
    if (rule_category == "device") return &periods.reinspection_device;
    if (rule_category == "drug") return &periods.reinspection_drug;
    return domain::errors::conflict("review.reinspection_category",
                                    "'" + std::string(category) + "' is no product category (" +
                                        std::string(domain::kProductCategoryList) +
                                        "): the re-inspection rule cannot be chosen");
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
