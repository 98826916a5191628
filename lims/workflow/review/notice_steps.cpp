#include "lims/workflow/review/notice_steps.hpp"

#include "lims/workflow/review/visibility.hpp"

namespace lims::workflow::review {

domain::Result<store::NoticeRecord> acknowledge_notice(store::Database& db, const Acknowledgement& request,
                                                       const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::NoticeRecord> {
        if (auto h = check_held(tx, actor, RecordKind::notice, std::to_string(request.notice_id)); !h) return h.error();
        return acknowledge_notice(tx, request, actor);
    });
}

domain::Result<Reinspection> apply_reinspection(store::Database& db, const domain::WorkingCalendar& calendar,
                                                const std::string& sample_number, ReinspectionApplication application,
                                                const Actor& actor) {
    return db.write([&](store::Transaction& tx) -> domain::Result<Reinspection> {
        if (auto h = check_held(tx, actor, RecordKind::sample, sample_number); !h) return h.error();
        auto sample = sample_id_by_number(tx, sample_number);
        if (!sample) return sample.error();
        application.sample_id = *sample;
        return apply_reinspection(tx, calendar, application, actor);
    });
}

domain::Result<Reinspection> find_reinspection(store::Database& db, const std::string& sample_number, const Actor& actor) {
    return db.read([&](store::Transaction& tx) -> domain::Result<Reinspection> {
        if (auto h = check_held(tx, actor, RecordKind::sample, sample_number); !h) return h.error();
        auto sample = sample_id_by_number(tx, sample_number);
        if (!sample) return sample.error();
        auto found = find_reinspection(tx, *sample);
        if (!found && found.error().code == "review.reinspection_not_found")
            return domain::errors::not_found("review.reinspection_not_found",
                                             "sample " + sample_number + " has no re-inspection");
        return found;
    });
}

}  // namespace lims::workflow::review
