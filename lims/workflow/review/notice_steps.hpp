// The door of the notice acknowledgement and the re-inspection application
// (api/routes/review_notice_routes.cpp): each takes the Database and the caller, opens and
// owns its write, checks inside it that the caller's subtree holds the record named in the
// path (review/visibility.hpp: outside, or missing, is not_found "review.record_not_found")
// and then runs acknowledge_notice / apply_reinspection in that same transaction, with
// their errors and audit entries unchanged.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/review/notices.hpp"
#include "lims/workflow/review/reinspection.hpp"

#include <string>

namespace lims::workflow::review {

domain::Result<store::NoticeRecord> acknowledge_notice(store::Database& db, const Acknowledgement& request,
                                                       const Actor& actor);

// `application.sample_id` is looked up from `sample_number` in the same transaction.
domain::Result<Reinspection> apply_reinspection(store::Database& db, const domain::WorkingCalendar& calendar,
                                                const std::string& sample_number, ReinspectionApplication application,
                                                const Actor& actor);

// A sample's re-inspection (find_reinspection) if the caller holds the sample.
domain::Result<Reinspection> find_reinspection(store::Database& db, const std::string& sample_number, const Actor& actor);

}  // namespace lims::workflow::review
