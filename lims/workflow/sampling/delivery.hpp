// The parcel of a sample bought online (网络抽样): carrier, tracking number and the date it
// was received, recorded by a sampler of the sample's office after registration. A new
// record each time (the newest counts), the sample's version moves on (If-Match), audited.
// Called by the API's sample routes and the tests.
#pragma once

#include "lims/domain/model/sample.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/sampling/field_record.hpp"

namespace lims::workflow::sampling {

// Errors: sampling.not_found (no such sample in the caller's jurisdiction),
// sampling.forbidden (not a sampler of the sample's office), sampling.conflict (not bought
// online), sampling.stale_version, sampling.invalid_field:<carrier|tracking_number|received_on>.
domain::Result<domain::Sample> record_sample_delivery(store::Database& db, const Actor& actor, const std::string& number,
                                                      std::int64_t expected_version, const Delivery& delivery);

}  // namespace lims::workflow::sampling
