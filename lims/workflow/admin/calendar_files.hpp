// Loads the working-day calendar from a folder of yearly files (fixtures/calendars/ or the
// directory `lims serve` is configured with, lims.calendar.dir). The service and the test
// harness call it once at start-up; every deadline is then counted on the result.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"

#include <string>
#include <vector>

namespace lims::workflow {

// What a calendar folder gave: the calendar, the files it was built from, and notes for
// the start-up log (a provisional file set aside because the official one is there).
struct CalendarFiles {
    domain::WorkingCalendar calendar;
    std::vector<std::string> loaded;  // file names, in year order
    std::vector<std::string> notes;
};

// Every "*.txt" file in `directory` (README.md and other files are ignored), one year
// each. "<region>-<year>.txt" is the State Council's notice; "<region>-<year>.provisional.txt"
// holds the statutory days only (its 'provisional' line is required, and an official file
// must not have one). When both are there for a year the official file is used and the
// provisional one set aside with a note. Errors: calendar.directory (missing, unreadable or
// holding no year), calendar.provisional_mismatch (name and content disagree), and the
// parser's errors naming the file and line.
domain::Result<CalendarFiles> load_calendar_files(const std::string& directory);

// load_calendar_files(directory).calendar.
domain::Result<domain::WorkingCalendar> load_working_calendar(const std::string& directory);

}  // namespace lims::workflow
