// Acknowledging a nonconformity notice: only a user of the receiving bureau (or of an
// organisation under it) may; a notice delivered outside the system is acknowledged by
// an administrator with the reference of the delivery. Also the overdue listing.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/notice_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>

namespace lims::workflow::review {

struct Acknowledgement {
    std::int64_t notice_id = 0;
    std::int64_t expected_version = 0;  // If-Match
    std::string reference;              // required for an external notice: how it was delivered and received
};

// Errors: notice.not_found, store.conflict, notice.not_recipient (the actor is not in the
// receiving bureau), notice.reference_required (external), transition.* (already
// acknowledged, roles).
domain::Result<store::NoticeRecord> acknowledge_notice(store::Transaction& tx, const Acknowledgement& request,
                                                       const Actor& actor);

}  // namespace lims::workflow::review
