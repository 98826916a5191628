#include "lims/workflow/review/notices.hpp"

#include "lims/domain/state_machine/machines.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

namespace {

bool within_org(store::Transaction& tx, std::int64_t root_org, std::int64_t org) {
    if (root_org == org) return true;
    int inside = 0;
    tx.session() << "SELECT count(*) FROM organisations a JOIN organisations r ON r.id = $1 "
                    "WHERE a.id = $2 AND substr(a.path, 1, length(r.path)) = r.path",
        bind(root_org), bind(org), into(inside), now;
    return inside > 0;
}

}  // namespace

domain::Result<store::NoticeRecord> acknowledge_notice(store::Transaction& tx, const Acknowledgement& request,
                                                       const Actor& actor) {
    store::NoticeRepository notices(tx);
    auto notice = notices.get(request.notice_id);
    if (!notice)
        return domain::errors::not_found("notice.not_found", "notice " + std::to_string(request.notice_id) + " does not exist");
    if (notice->version != request.expected_version)
        return store::store_error(store::StoreErrorKind::conflict,
                                  "notice " + notice->number + " is at version " + std::to_string(notice->version) +
                                      ", not " + std::to_string(request.expected_version) + ": changed meanwhile");
    const bool external = notice->external;
    const bool recipient = !external && notice->to_org_id && actor.org_id && within_org(tx, *notice->to_org_id, *actor.org_id);
    if (!external && !recipient)
        return domain::errors::forbidden("notice.not_recipient",
                                  "notice " + notice->number + " is addressed to another bureau; only its users may acknowledge it");
    if (external && request.reference.empty())
        return domain::errors::invalid("reference", "notice.reference_required",
                                  "notice " + notice->number + " went outside the system: record how it was delivered");
    domain::RecordSet supplied;
    if (!request.reference.empty()) supplied.add(domain::Recorded::reference);
    auto to = domain::apply(domain::machines::notice(), notice->state,
                            {.action = external ? "record_external_acknowledgement" : "acknowledge",
                             .actor_roles = actor.roles, .supplied = supplied,
                             .guard_holds = [&](std::string_view g) {
                                 return (g == "actor_in_recipient_bureau" && recipient) ||
                                        (g == "external_recipient" && external);
                             }});
    if (!to) return to.error();
    store::NoticeRecord next = *notice;
    next.state = std::string(*to);
    next.acknowledged_at = tx.now_utc();
    next.acknowledged_by = actor.user_id;
    if (!request.reference.empty()) next.acknowledgement_reference = request.reference;
    return notices.update(next, "notice.acknowledge", actor.name);
}

}  // namespace lims::workflow::review
