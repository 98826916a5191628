// Mean kinetic temperature (USP <1160>, WHO TRS 961 annex 9): the single temperature that
// would degrade a product as much as the fluctuating record did. A reported figure, so
// it is computed in double; no rule compares against it. Used for excursion figures and
// shipment verdicts; the accumulator is part of the detector's saved state.
#pragma once

#include "lims/coldchain/reading.hpp"

#include <cstdint>
#include <optional>

namespace lims::coldchain {

// Σ exp(−ΔH/(R·Tᵢ)) over equally weighted readings; MKT = (ΔH/R) / −ln(Σ/n) − 273.15.
// Readings are weighted equally, as USP <1160> assumes evenly spaced readings; the GSP
// recording intervals keep them close to that.
class MktAccumulator {
public:
    explicit MktAccumulator(double activation_over_r) : activation_over_r_(activation_over_r) {}
    MktAccumulator(double activation_over_r, double sum, std::int64_t count)
        : activation_over_r_(activation_over_r), sum_(sum), count_(count) {}

    void add(Centidegrees t);
    std::int64_t count() const { return count_; }
    double sum() const { return sum_; }
    std::optional<double> celsius() const;  // empty when nothing was added

private:
    double activation_over_r_;
    double sum_ = 0;
    std::int64_t count_ = 0;
};

}  // namespace lims::coldchain
