// The statutory periods that concern the service of documents (送达), as configuration:
// each period has its length and unit, the event it counts from and the citation of the
// text it rests on, shown with every deadline counted from it. The service use cases
// (service_of_documents.hpp) count the deadline to serve an issued report and the windows
// that run from a proven date of service; re-inspection (review/reinspection.hpp) takes
// its window from here, so both count alike. The periods are the statutory rule catalogue's
// (fixtures/statutory-rules.txt or lims.statutory.rules), with their citations.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/statutory_rules.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

struct StatutoryPeriod {
    std::string key;            // the statutory rule's id: "service.report", "reinspection.drug", ...
    domain::DeadlineRule rule;  // length and unit
    std::string starts_at;      // the event counted from: "report_issued" or "document_served"
    std::string citation;       // the text in force it rests on, as shown to people
};

struct ServicePeriods {
    // The issued report (and the 检验结果告知书) is served on the sampled unit and the
    // labelled manufacturer within this period of issue; past it, an unserved recipient is
    // in the overdue list.
    StatutoryPeriod service;
    // Re-inspection (复验 / 复检) windows, counted from the proven date of service on the
    // applicant: drugs (and vaccines, biologicals, TCM), cosmetics, devices.
    StatutoryPeriod reinspection_drug;
    StatutoryPeriod reinspection_cosmetic;
    StatutoryPeriod reinspection_device;
    // The labelled manufacturer's objection that the sample is not its product (样品真实性
    // 异议), counted from service on the manufacturer.
    StatutoryPeriod authenticity_objection;

    std::vector<const StatutoryPeriod*> all() const {
        return {&service, &reinspection_drug, &reinspection_cosmetic, &reinspection_device, &authenticity_objection};
    }
};

// The periods of a statutory rule catalogue (domain/calendar/statutory_rules.hpp).
ServicePeriods service_periods_of(const domain::statutory::RuleCatalogue& catalogue);

// The periods of the active catalogue (the one `lims serve` loaded, else the shipped one).
// The reference stays valid for the life of the process.
const ServicePeriods& default_service_periods();

// The re-inspection window for a product category (products.category, or the label's
// category for a sample registered from its label: never a default category). Errors:
// review.reinspection_category (a word that is no product category).
domain::Result<const StatutoryPeriod*> reinspection_period(const ServicePeriods& periods, std::string_view category);

// The instant at which a date of service is taken to start: the beginning of that day in
// Beijing (a period counted from the day of service does not count that day itself).
domain::Instant start_of_service_day(domain::Date served_on);

// The deadline of `period` counted from a date of service. Errors: deadline_for's
// (calendar.year_not_loaded naming the date).
domain::Result<domain::CountedDeadline> counted_from_service(const domain::WorkingCalendar& calendar,
                                                             const StatutoryPeriod& period, domain::Date served_on);

// "7 个工作日" / "7 日" / "24 小时": a period's length as printed for people.
std::string describe_in_chinese(const domain::DeadlineRule& rule);

}  // namespace lims::workflow::documents
