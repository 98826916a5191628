#include "lims/workflow/cases/case_clocks_due.hpp"

#include "lims/store/case_repository.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/Data/Session.h>

using namespace Poco::Data::Keywords;

namespace lims::workflow::cases {

domain::Result<std::vector<CaseClockDue>> running_case_clocks(store::Transaction& tx,
                                                               const std::string& within_org_path) {
    store::CaseRepository cases(tx);
    store::CaseQuery q;
    q.within_org_path = within_org_path;
    q.open_only = true;
    q.limit = store::CaseRepository::max_page_size;
    std::vector<CaseClockDue> out;
    for (;;) {
        auto page = cases.list(q);
        if (!page) return page.error();
        for (const auto& c : page->items) {
            std::string org, sample;
            std::vector<std::string> samples;
            tx.session() << "SELECT name FROM organisations WHERE id = $1", bind(c.assigned_org_id), into(org), now;
            tx.session() << "SELECT s.number FROM case_leads l JOIN samples s ON s.id = l.sample_id WHERE l.id = $1",
                bind(c.lead_id), into(samples), now;
            if (!samples.empty()) sample = samples.front();
            auto add = [&](const std::string& clock, const std::string& at, bool provisional) -> domain::Status {
                auto due = parse_store_time(at);
                if (!due) return due.error();
                out.push_back({c.number + "/" + clock, sample, c.state, org, *due, provisional});
                return {};
            };
            // The decision clock runs while the case is filed or its transfer is pending.
            if (c.deadline_at && c.state != "transferred") {
                if (auto ok = add("decision", *c.deadline_at, c.deadline_provisional); !ok) return ok.error();
            }
            if (!c.transfers.empty()) {
                const auto& t = c.transfers.back();
                if (c.state == "transfer_proposed") {
                    if (auto ok = add("transfer_decision", t.decision_due_at, t.decision_due_provisional); !ok)
                        return ok.error();
                }
                if (c.state == "transfer_approved" && t.handover_due_at) {
                    if (auto ok = add("handover", *t.handover_due_at, false); !ok) return ok.error();
                }
            }
            for (const auto& m : c.measures) {
                if (m.kind != "seizure" || m.ended_at || !m.decision_due_at) continue;
                if (auto ok = add("seizure-" + std::to_string(m.id), *m.decision_due_at, m.decision_due_provisional); !ok)
                    return ok.error();
            }
        }
        if (!page->next_after_id) break;
        q.after_id = *page->next_after_id;
    }
    return out;
}

}  // namespace lims::workflow::cases
