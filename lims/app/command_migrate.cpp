// `lims migrate`: brings the configured database to the schema this build needs.
#include "lims/app/command.hpp"
#include "lims/store/migrations.hpp"

#include <ostream>

namespace lims::app {

int run_migrate(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: migrate takes no arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
    }
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    auto report = store::migrate(*db);
    if (!report) {
        context.err << "lims: " << report.error().message << "\n";
        return exit_database;
    }
    for (const auto& m : report->applied) context.out << "applied migration " << m << "\n";
    context.out << "database " << db->display_name() << " is at schema version " << report->version_after
                << (report->applied.empty() ? " (already current)" : "") << "\n";
    return exit_ok;
}

}  // namespace lims::app
