// `lims version`: what this build is, for support requests and deployment checks.
#include "lims/app/command.hpp"
#include "lims/store/migrations.hpp"

#include <Poco/Environment.h>
#include <sqlite3.h>

#include <ostream>

#ifndef LIMS_VERSION
#define LIMS_VERSION "unknown"
#endif

namespace lims::app {

int run_version(CommandContext& context) {
    const auto poco = Poco::Environment::libraryVersion();
    context.out << "lims " << LIMS_VERSION << "\n"
                << "schema version " << store::builtin_migrations().size() << "\n"
                << "Poco " << (poco >> 24) << "." << ((poco >> 16) & 0xFF) << "." << ((poco >> 8) & 0xFF) << "\n"
                << "SQLite " << sqlite3_libversion() << "\n";
    return exit_ok;
}

}  // namespace lims::app
