#include "lims/coldchain/detector.hpp"

namespace lims::coldchain {

using domain::make_error;

domain::Status Detector::watch(const LoggerId& logger, std::shared_ptr<const RuleSet> rules, UtcSeconds since) {
    if (loggers_.contains(logger))
        return make_error("coldchain.logger.already_watched", "logger '" + logger + "' is already watched");
    auto created = LoggerDetector::create(logger, std::move(rules), since);
    if (!created) return created.error();
    loggers_.emplace(logger, std::move(created).value());
    return {};
}

domain::Status Detector::restore(const LoggerId& logger, std::shared_ptr<const RuleSet> rules,
                                 std::string_view saved) {
    auto restored = LoggerDetector::restore(logger, std::move(rules), saved);
    if (!restored) return restored.error();
    loggers_.insert_or_assign(logger, std::move(restored).value());
    return {};
}

bool Detector::forget(const LoggerId& logger) { return loggers_.erase(logger) > 0; }

void Detector::feed(const Reading& reading, UtcSeconds now, std::vector<Event>& out) {
    auto it = loggers_.find(reading.logger);
    if (it == loggers_.end()) {
        out.emplace_back(ReadingRejected{reading.logger, reading.at, ReadingIssue::unknown_logger,
                                         "no storage unit or shipment watches logger '" + reading.logger + "'"});
        return;
    }
    it->second.feed(reading, now, out);
}

std::vector<Event> Detector::feed(std::span<const Reading> readings, UtcSeconds now) {
    std::vector<Event> out;
    for (const Reading& r : readings) feed(r, now, out);
    return out;
}

std::vector<Event> Detector::tick(UtcSeconds now) {
    std::vector<Event> out;
    for (auto& [id, d] : loggers_) d.tick(now, out);
    return out;
}

domain::Result<std::string> Detector::save(const LoggerId& logger) const {
    auto it = loggers_.find(logger);
    if (it == loggers_.end())
        return make_error("coldchain.logger.not_watched", "logger '" + logger + "' is not watched");
    return it->second.save();
}

const LoggerDetector* Detector::find(const LoggerId& logger) const {
    auto it = loggers_.find(logger);
    return it == loggers_.end() ? nullptr : &it->second;
}

}  // namespace lims::coldchain
