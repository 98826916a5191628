// Who calls a cold-chain use case and what they may touch: the caller (user, organisation
// and its materialised path, roles) and, inside the use case's own transaction, the ids of
// the organisations of the caller's subtree. Every record a use case touches, named in the
// path or in the body, is checked against it; one outside answers like a missing one.
#pragma once

#include "lims/domain/error.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

namespace lims::workflow::coldchain {

using workflow::Actor;

// The organisations of the caller's subtree, read once in the use case's transaction.
class Subtree {
public:
    static domain::Result<Subtree> of(store::Transaction& tx, const Actor& caller);
    bool contains(std::int64_t org_id) const;
    const std::vector<std::int64_t>& ids() const { return ids_; }

private:
    std::vector<std::int64_t> ids_;  // sorted
};

// A record named in the path that is missing or outside the subtree: not_found ("There is
// no logger 7."), the same answer either way so another jurisdiction's records are never
// admitted to exist.
domain::Error not_visible(std::string_view what, std::int64_t id);

// The organisation owning a logger (nullopt: no such logger).
domain::Result<std::optional<std::int64_t>> logger_org(store::Transaction& tx, std::int64_t logger_id);
// A shipment's sender and receiver (nullopt: no such shipment).
struct ShipmentParties {
    std::int64_t from_org_id = 0;
    std::int64_t to_org_id = 0;
};
domain::Result<std::optional<ShipmentParties>> shipment_parties(store::Transaction& tx, std::int64_t shipment_id);

}  // namespace lims::workflow::coldchain
