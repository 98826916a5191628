// Configuration that cannot silently do nothing (issue 19 item 6): a logger's polling set
// through the API is done by `lims serve`'s drivers (lims.drivers.enabled) or by a gateway
// that forwards the logger's readings. When this service runs no drivers and no reading of
// the logger arrived within two polling intervals (nor ever), nothing polls it: the
// polling answer carries a warning, and /healthz counts such loggers.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/logger_polling_repository.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::coldchain {

struct PollingWarning {
    std::string code;  // coldchain.polling.not_polled
    std::string message;
};

// Readings count as arriving when the last one is at most two polling intervals (and a
// minute of grace) old.
inline constexpr std::int64_t kPollingGraceSeconds = 60;

// The warnings of one logger's polling. drivers_running: this service runs the drivers.
domain::Result<std::vector<PollingWarning>> polling_warnings(store::Database& db, const store::LoggerPolling& polling,
                                                             bool drivers_running, std::int64_t now_utc);

// Active pollings that nothing serves (for /healthz and /metrics): with drivers running,
// none; otherwise those whose loggers' readings do not arrive. Each named by its serial.
domain::Result<std::vector<std::string>> unserved_pollings(store::Database& db, bool drivers_running,
                                                           std::int64_t now_utc);

}  // namespace lims::workflow::coldchain
