// Receipt of a sample at the laboratory (样品接收): the checklist (seals intact and their
// numbers matching the record, labels matching, quantity, package condition, and for
// cold-chain samples the temperature record with the cold-chain area's verdict) and the
// decision: accept (the sample enters the laboratory's "received" state and the review
// chain's on_sample_accepted hook runs) or reject with a reason that is sent back to the
// registering office as a notification. One transaction; If-Match on the sample's version.
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/actor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::sampling {

struct ReceiptChecklist {
    bool seals_intact = false;
    bool seal_numbers_match = false;
    bool labels_match = false;
    bool quantity_matches = false;
    std::string package_condition = "good";     // good, damaged, leaked, missing
    std::optional<bool> temperature_record_ok;  // required for refrigerated and frozen samples
};

struct ReceiptRequest {
    ReceiptChecklist checklist;
    std::string decision;  // accept, reject
    std::string reason;    // required to reject
};

struct ReceiptOutcome {
    domain::Sample sample;  // at its new state and version
    store::SampleReceipt receipt;
};

domain::Result<ReceiptOutcome> receive_sample(store::Database& db, const Actor& actor, const std::string& number,
                                              std::int64_t expected_version, const ReceiptRequest& request);

struct OfficeNotification {
    std::int64_t id = 0;
    std::string kind;  // "sample_rejected"
    std::string sample_number;
    std::string message;
    std::string created_at;
};
struct NotificationPage {
    std::vector<OfficeNotification> items;
    std::optional<std::int64_t> next_after_id;
};
// Messages to the actor's own organisation, oldest first, keyset by id.
domain::Result<NotificationPage> list_notifications(store::Database& db, const Actor& actor, std::int64_t after_id,
                                                    int limit);

// The chain of custody, oldest first, of a sample the actor may see.
struct Custody {
    domain::Sample sample;
    std::vector<store::CustodyEvent> events;
};
domain::Result<Custody> custody_of(store::Database& db, const Actor& actor, const std::string& number);

}  // namespace lims::workflow::sampling
