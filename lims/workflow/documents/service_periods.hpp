// The statutory periods that concern the service of documents (送达), as configuration:
// each period has its length and unit, the event it counts from and the citation of the
// text it rests on, shown with every deadline counted from it. The service use cases
// (service_of_documents.hpp) count the deadline to serve an issued report and the windows
// that run from a proven date of service; re-inspection (review/reinspection.hpp) takes
// its window from here, so both count alike. Defaults follow DOMAIN.md; a deployment that
// reads its texts otherwise passes its own ServicePeriods.
#pragma once

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

struct StatutoryPeriod {
    std::string key;            // "document_service", "reinspection_drug", ...
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
    // applicant: drugs (and vaccines, biologicals, TCM), cosmetics and devices.
    StatutoryPeriod reinspection_drug;
    StatutoryPeriod reinspection_cosmetic_device;
    // The labelled manufacturer's objection that the sample is not its product (样品真实性
    // 异议), counted from service on the manufacturer.
    StatutoryPeriod authenticity_objection;

    std::vector<const StatutoryPeriod*> all() const {
        return {&service, &reinspection_drug, &reinspection_cosmetic_device, &authenticity_objection};
    }
};

// The defaults the system ships with (DOMAIN.md "Workflow and statutory clocks").
const ServicePeriods& default_service_periods();

// Errors: deadline.amount (a period not positive), service.period_start (a period counted
// from an event other than its own), service.period_citation (a period without citation).
domain::Status validate(const ServicePeriods& periods);

// The re-inspection window for a product category (the sample's product; never a
// default category when the product is known): cosmetics and devices have their own.
const StatutoryPeriod& reinspection_period(const ServicePeriods& periods, std::string_view category);

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
