// The detector for a fleet of loggers: one LoggerDetector per watched logger, readings
// routed by logger id, readings of unknown loggers rejected with a reason. The ingest
// path feeds it batches; a timer ticks it for offline detection; the store saves each
// logger's state (save/restore) with the readings so a restart resumes exactly.
#pragma once

#include "lims/coldchain/logger_detector.hpp"

#include <span>
#include <unordered_map>

namespace lims::coldchain {

class Detector {
public:
    // Starts watching a logger; coldchain.logger.already_watched or coldchain.rules.*.
    domain::Status watch(const LoggerId& logger, std::shared_ptr<const RuleSet> rules, UtcSeconds since);
    // Resumes a logger from a saved state (replacing any detector it had).
    domain::Status restore(const LoggerId& logger, std::shared_ptr<const RuleSet> rules, std::string_view saved);
    // Stops watching (the logger moved to another place); its state should be saved first.
    bool forget(const LoggerId& logger);

    void feed(const Reading& reading, UtcSeconds now, std::vector<Event>& out);
    std::vector<Event> feed(std::span<const Reading> readings, UtcSeconds now);
    std::vector<Event> tick(UtcSeconds now);

    domain::Result<std::string> save(const LoggerId& logger) const;
    const LoggerDetector* find(const LoggerId& logger) const;
    std::size_t size() const { return loggers_.size(); }

private:
    std::unordered_map<LoggerId, LoggerDetector> loggers_;
};

}  // namespace lims::coldchain
