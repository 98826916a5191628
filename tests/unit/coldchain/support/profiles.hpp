// Builds logger reading profiles like the ones the logger simulator plays (steady, spike,
// long heat, freeze, sensor fault, silence) and runs them through a detector, for the
// cold-chain unit tests.
#pragma once

#include "lims/coldchain/events.hpp"
#include "lims/coldchain/logger_detector.hpp"
#include "lims/coldchain/reading.hpp"

#include <string>
#include <vector>

namespace lims::coldchain::testing {

class ProfileBuilder {
public:
    ProfileBuilder(LoggerId logger, UtcSeconds start, Seconds step) : logger_(std::move(logger)), t_(start), step_(step) {}

    // Readings of `value` every step for `duration` (first at the current time).
    ProfileBuilder& hold(Centidegrees value, Seconds duration) {
        for (Seconds s = 0; s < duration; s += step_) add(Reading::temperature_at(logger_, t_, value));
        return *this;
    }
    // One reading at the current time, then the next step.
    ProfileBuilder& at(Centidegrees value) { add(Reading::temperature_at(logger_, t_, value)); return *this; }
    ProfileBuilder& fault(Seconds duration) {
        for (Seconds s = 0; s < duration; s += step_) add(Reading::fault_at(logger_, t_));
        return *this;
    }
    ProfileBuilder& silence(Seconds duration) { t_ += duration; return *this; }
    UtcSeconds now() const { return t_; }
    std::vector<Reading> build() const { return readings_; }

private:
    void add(Reading r) { readings_.push_back(std::move(r)); t_ += step_; }
    LoggerId logger_;
    UtcSeconds t_;
    Seconds step_;
    std::vector<Reading> readings_;
};

inline std::vector<std::string> describe_all(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(describe(e));
    return out;
}

// Feeds every reading with the ingest clock equal to its time.
inline std::vector<Event> run(LoggerDetector& d, const std::vector<Reading>& readings) {
    std::vector<Event> out;
    for (const auto& r : readings) d.feed(r, r.at, out);
    return out;
}

}  // namespace lims::coldchain::testing
