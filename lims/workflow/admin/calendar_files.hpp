// Loads the working-day calendar from a folder of yearly files (fixtures/calendars/ or the
// directory `lims serve` is configured with, lims.calendar.dir). The service and the test
// harness call it once at start-up; every deadline is then counted on the result.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"

#include <string>

namespace lims::workflow {

// Every "*.txt" file in `directory` (README.md and other files are ignored), one year
// each. Errors: calendar.directory (missing, unreadable or holding no year), and the
// parser's errors naming the file and line.
domain::Result<domain::WorkingCalendar> load_working_calendar(const std::string& directory);

}  // namespace lims::workflow
