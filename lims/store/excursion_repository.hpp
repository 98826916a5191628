// Cold-chain excursions as stored: opened when a rule's duration is reached, closed with
// their figures (start, end, minimum, maximum, time out of range, MKT). The ingest's event
// handling writes them; the API lists them; the retention job protects their windows.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct ExcursionRow {
    std::int64_t id = 0;
    std::int64_t logger_id = 0;
    std::int64_t placement_id = 0;
    std::optional<std::int64_t> storage_unit_id;
    std::optional<std::int64_t> shipment_id;
    std::string rule;
    std::string kind;          // heat, freeze
    std::string accumulation;  // consecutive, cumulative
    std::int64_t start_utc = 0;
    std::int64_t opened_at_utc = 0;
    std::optional<std::int64_t> end_utc;
    std::optional<std::int32_t> min_centi_celsius;
    std::optional<std::int32_t> max_centi_celsius;
    std::optional<std::int64_t> time_out_of_range_s;
    std::optional<double> mkt_celsius;
    std::optional<std::int64_t> readings;
    std::string ended_by;  // empty while open
    std::string state;     // open, closed
    std::optional<std::int64_t> case_lead_id;
    // Which rule fired: "default" (the WHO/GSP default of the storage class), "product_class"
    // or "storage_unit" (an administrator's rule, rule_version_id its version's row in
    // excursion_rules), and the rule in words (rule_detail).
    std::string rule_source = "default";
    std::optional<std::int64_t> rule_version_id;
    std::string rule_detail;
};

struct ExcursionFigures {
    std::int64_t end_utc = 0;
    std::int32_t min_centi_celsius = 0;
    std::int32_t max_centi_celsius = 0;
    std::int64_t time_out_of_range_s = 0;
    double mkt_celsius = 0;
    std::int64_t readings = 0;
    std::string ended_by;
};

struct ExcursionFilter {
    std::optional<std::int64_t> logger_id;
    std::optional<std::int64_t> storage_unit_id;
    std::optional<std::int64_t> shipment_id;
    std::vector<std::int64_t> org_ids;  // non-empty: only units/shipments of these organisations
    std::size_t limit = 100;
    std::int64_t after_id = 0;  // keyset
};

class ExcursionRepository {
public:
    explicit ExcursionRepository(Transaction& tx) : tx_(tx) {}

    // Idempotent on (logger, rule, start): an excursion already stored is returned as is.
    StoreResult<ExcursionRow> open(const ExcursionRow& row, const std::string& actor);
    // Closes the open excursion (logger, rule, start); not_found when there is none.
    StoreResult<ExcursionRow> close(std::int64_t logger_id, const std::string& rule, std::int64_t start_utc,
                                    const ExcursionFigures& figures, const std::string& actor);
    StoreResult<Done> set_case_lead(std::int64_t excursion_id, std::int64_t case_lead_id);
    StoreResult<ExcursionRow> get(std::int64_t id);
    StoreResult<std::vector<ExcursionRow>> list(const ExcursionFilter& filter);
    // [start, end] of every excursion of the logger (end = `open_until` while open).
    StoreResult<std::vector<std::pair<std::int64_t, std::int64_t>>> windows(std::int64_t logger_id,
                                                                            std::int64_t open_until);

private:
    StoreResult<std::vector<ExcursionRow>> select(const std::string& where_and_order, std::int64_t key);
    Transaction& tx_;
};

std::string to_json(const ExcursionRow& row);

}  // namespace lims::store
