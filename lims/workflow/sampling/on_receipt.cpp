#include "lims/workflow/sampling/on_receipt.hpp"

#include <vector>

namespace lims::workflow::sampling {

namespace {

std::vector<SampleAcceptedHandler>& handlers() {
    static std::vector<SampleAcceptedHandler> h;
    return h;
}

ColdChainAssessor& assessor() {
    static ColdChainAssessor a;
    return a;
}

}  // namespace

void add_sample_accepted_handler(SampleAcceptedHandler handler) { handlers().push_back(std::move(handler)); }
void clear_sample_accepted_handlers() { handlers().clear(); }

domain::Result<void> on_sample_accepted(const AcceptedSample& accepted) {
    for (const auto& h : handlers())
        if (auto r = h(accepted); !r) return r;
    return {};
}

void set_cold_chain_assessor(ColdChainAssessor a) { assessor() = std::move(a); }

ColdChainVerdict assess_cold_chain(const ColdChainQuestion& q) {
    if (!assessor()) return {kVerdictNotAssessed, "no cold-chain assessor is configured"};
    return assessor()(q);
}

}  // namespace lims::workflow::sampling
