#include "lims/coldchain/mkt.hpp"

#include "lims/coldchain/standards.hpp"

#include <cmath>

namespace lims::coldchain {

void MktAccumulator::add(Centidegrees t) {
    const double kelvin = t / 100.0 + standard::kKelvinAtZeroCelsius;
    sum_ += std::exp(-activation_over_r_ / kelvin);
    ++count_;
}

std::optional<double> MktAccumulator::celsius() const {
    if (count_ == 0) return std::nullopt;
    return activation_over_r_ / -std::log(sum_ / static_cast<double>(count_)) - standard::kKelvinAtZeroCelsius;
}

}  // namespace lims::coldchain
