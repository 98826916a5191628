// The caller of a use case, from the request's authenticated principal (cold-chain and
// administration routes; the unified workflow::Actor of issue 14 will replace it).
#pragma once

#include "lims/api/router.hpp"
#include "lims/workflow/caller.hpp"

namespace lims::api {

workflow::Caller caller_of(const Request& r);

}  // namespace lims::api
