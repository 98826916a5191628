// Nonconformity notices as stored: to which bureau (or, outside the system, to which
// region for external delivery), for which report, due when, acknowledged by whom.
// Written by report issuance and the acknowledgement use case; listed for overdue scans.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct NoticeRecord {
    std::int64_t id = 0;
    std::string number;
    std::optional<std::int64_t> sample_id;
    std::optional<std::int64_t> report_id;
    // Read with the notice (not stored in it): what a bureau recognises it by.
    std::optional<std::string> sample_number;
    std::optional<std::string> product_name;
    std::optional<std::string> report_number;
    std::string recipient;  // organising_bureau, sampled_unit_bureau, manufacturer_bureau
    std::optional<std::int64_t> to_org_id;
    bool external = false;  // delivered outside the system (the bureau is not in it)
    std::optional<std::string> external_region_code;
    std::string external_recipient;
    bool serious_risk = false;
    std::string state;
    std::string due_at;
    // due_at was counted through a provisional calendar year: recounted when the year's
    // official calendar is loaded (workflow/admin/deadline_recount.hpp).
    bool deadline_provisional = false;
    std::optional<std::string> acknowledged_at;
    std::optional<std::int64_t> acknowledged_by;
    std::optional<std::string> acknowledgement_reference;
    std::int64_t version = 1;
    std::string created_at;
};

struct NoticeQuery {
    std::optional<std::int64_t> to_org_id;
    // Jurisdiction (an organisation path, "/1/4/"): notices sent to an organisation of this
    // subtree, and external notices (to another province, no to_org_id) about a sample
    // taken in it, which its administrators deliver and acknowledge.
    std::optional<std::string> within_org_path;
    std::optional<std::int64_t> report_id;
    std::optional<std::string> state;
    std::optional<std::string> overdue_at;  // unacknowledged with due_at <= this
    std::int64_t after_id = 0;
    int limit = 50;
};

class NoticeRepository {
public:
    static constexpr int max_page_size = 500;

    explicit NoticeRepository(Transaction& tx) : tx_(tx) {}

    // Numbers the notice ("TZ2026-000001") and audits "notice.send".
    StoreResult<NoticeRecord> create(const NoticeRecord& notice, const std::string& actor);
    StoreResult<NoticeRecord> get(std::int64_t id);
    // Optimistic on notice.version; audited with `action`.
    StoreResult<NoticeRecord> update(const NoticeRecord& notice, const std::string& action, const std::string& actor);
    std::vector<NoticeRecord> list(const NoticeQuery& query);
    std::int64_t count(const NoticeQuery& query);

private:
    std::string where(const NoticeQuery& query, int& next_param) const;
    Transaction& tx_;
};

std::string to_json(const NoticeRecord& notice);

}  // namespace lims::store
