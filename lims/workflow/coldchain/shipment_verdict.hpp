// The cold-chain verdict on a shipment at receipt: the trip logger's readings (placement
// on the shipment, or the shipment's logger from dispatch) judged under the transport
// box's rules, with the figures and a chart series, and the verdict per cold-chain
// sample. The sampling receipt calls it through its assessor seam (register it with
// register_receipt_assessor()); GET /api/v1/coldchain/shipments/{id}/verdict shows it.
#pragma once

#include "lims/coldchain/series.hpp"
#include "lims/coldchain/shipment_verdict.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

struct SampleColdChainVerdict {
    std::int64_t sample_id = 0;
    std::string sample_number;
    std::string storage_condition;
    bool cold_chain = false;  // refrigerated or frozen: the trip's verdict applies
    std::string verdict;      // held, excursion, no_data (cold chain); not_applicable otherwise
};

struct TripVerdict {
    std::int64_t shipment_id = 0;
    std::optional<std::int64_t> logger_id;
    std::int64_t departure_utc = 0;
    std::int64_t receipt_utc = 0;
    lims::coldchain::ShipmentVerdict verdict;
    std::string verdict_word;  // held, excursion, no_data
    std::string summary;       // one sentence for the receiver and the audit entry
    // The range the trip was judged against: the transport box's, or the refrigerated
    // default (2–8 °C) when the shipment has no box. Drawn as the chart's band.
    lims::coldchain::TemperatureRange range;
    std::vector<lims::coldchain::SeriesBucket> chart;
    std::vector<SampleColdChainVerdict> samples;
};

// Errors: store.not_found (shipment), coldchain.shipment.* (receipt before departure).
// A shipment without a logger gets no_data.
domain::Result<TripVerdict> trip_verdict(store::Transaction& tx, std::int64_t shipment_id, std::int64_t receipt_utc,
                                         std::size_t chart_points = 500);
domain::Result<TripVerdict> trip_verdict(store::Database& db, std::int64_t shipment_id, std::int64_t receipt_utc,
                                         std::size_t chart_points = 500);

// Installs the sampling receipt's cold-chain assessor (workflow::sampling::set_cold_chain_assessor).
void register_receipt_assessor();

}  // namespace lims::workflow::coldchain
