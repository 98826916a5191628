// Every clock of the open cases that runs now, for the overdue scan
// (workflow/figures/overdue.cpp): the decision deadline of a filed case whose clock is
// not standing, the head's decision on a proposed transfer, the hand-over of an approved
// one, and the decision on goods under a seizure that has not ended.
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/transaction.hpp"

#include <string>
#include <vector>

namespace lims::workflow::cases {

struct CaseClockDue {
    std::string reference;      // "AJ2026-000001/decision", "/transfer_decision", "/handover", "/seizure-2"
    std::string sample_number;  // the lead's sample; empty for a lead opened by hand
    std::string state;          // the case's state
    std::string org_name;       // the enforcement unit holding the case
    domain::Instant due;
    bool provisional = false;
};

// The cases held by organisations of the subtree `within_org_path` ("" for all).
// Errors: time.format for a malformed stored time.
domain::Result<std::vector<CaseClockDue>> running_case_clocks(store::Transaction& tx,
                                                               const std::string& within_org_path);

}  // namespace lims::workflow::cases
