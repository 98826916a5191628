// `lims calendar recompute`: once the official calendar file for a year that was loaded
// provisionally is in the calendar folder, recounts the open deadlines that were counted
// through the provisional year, each change a new audited revision (fixtures/calendars/README.md).
#include "lims/app/command.hpp"
#include "lims/app/statutory_rules_setting.hpp"
#include "lims/domain/calendar/calendar_outlook.hpp"
#include "lims/store/migrations.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "lims/workflow/admin/deadline_recount.hpp"

#include <ostream>

namespace lims::app {

namespace {

constexpr const char* kDefaultCalendarDir = "fixtures/calendars";  // as `lims serve`
constexpr const char* kRecountActor = "system:calendar-recompute";

}  // namespace

int run_calendar_recompute(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: calendar recompute takes no arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
    }
    if (!install_statutory_rules(context)) return exit_usage;
    const std::string dir = context.option("calendar-dir").value_or(
        context.config.getString("lims.calendar.dir", kDefaultCalendarDir));
    auto files = workflow::load_calendar_files(dir);
    if (!files) {
        context.err << "lims: working calendar: " << files.error().message
                    << " (set lims.calendar.dir or --calendar-dir to the folder of <region>-<year>.txt files)\n";
        return exit_usage;
    }
    for (const auto& note : files->notes) context.out << "calendar: " << note << "\n";
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    if (auto current = store::require_current_schema(*db); !current) {
        context.err << "lims: " << current.error().message << "\n";
        return exit_database;
    }
    auto recount = db->write([&](store::Transaction& tx) {
        return workflow::recount_provisional_deadlines(tx, files->calendar, kRecountActor);
    });
    if (!recount) {
        context.err << "lims: calendar recompute: " << recount.error().message << "\n";
        return recount.error().code == "calendar.year_not_loaded" ? exit_usage : exit_database;
    }
    for (const auto& change : recount->case_leads.changes) context.out << "case lead " << change << "\n";
    for (const auto& change : recount->notices.changes) context.out << "notice " << change << "\n";
    for (const auto& change : recount->cases.changes) context.out << "case " << change << "\n";
    for (const auto& [what, r] : {std::pair{"case leads", &recount->case_leads}, std::pair{"notices", &recount->notices},
                                  std::pair{"cases", &recount->cases}}) {
        context.out << what << " with a provisional deadline: " << r->examined << " open, " << r->changed
                    << " recounted, " << r->still_provisional << " still provisional\n";
    }
    return exit_ok;
}

}  // namespace lims::app
