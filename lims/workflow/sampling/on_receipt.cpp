#include "lims/workflow/sampling/on_receipt.hpp"

#include <algorithm>
#include <vector>

namespace lims::workflow::sampling {

namespace {

struct NamedHandler {
    std::string name;  // empty: added without a name
    SampleAcceptedHandler run;
};

std::vector<NamedHandler>& handlers() {
    static std::vector<NamedHandler> h;
    return h;
}

ColdChainAssessor& assessor() {
    static ColdChainAssessor a;
    return a;
}

}  // namespace

void add_sample_accepted_handler(SampleAcceptedHandler handler) { handlers().push_back({"", std::move(handler)}); }

bool add_sample_accepted_handler_once(std::string_view name, SampleAcceptedHandler handler) {
    auto& h = handlers();
    if (std::any_of(h.begin(), h.end(), [&](const NamedHandler& x) { return !name.empty() && x.name == name; }))
        return false;
    h.push_back({std::string(name), std::move(handler)});
    return true;
}

void clear_sample_accepted_handlers() { handlers().clear(); }

domain::Result<void> on_sample_accepted(const AcceptedSample& accepted) {
    for (const auto& h : handlers())
        if (auto r = h.run(accepted); !r) return r;
    return {};
}

void set_cold_chain_assessor(ColdChainAssessor a) { assessor() = std::move(a); }

ColdChainVerdict assess_cold_chain(const ColdChainQuestion& q) {
    if (!assessor()) return {kVerdictNotAssessed, "no cold-chain assessor is configured"};
    return assessor()(q);
}

}  // namespace lims::workflow::sampling
