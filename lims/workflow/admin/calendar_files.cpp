#include "lims/workflow/admin/calendar_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lims::workflow {
namespace {

constexpr std::string_view kProvisionalSuffix = ".provisional.txt";

bool named_provisional(const std::string& file_name) { return file_name.ends_with(kProvisionalSuffix); }

struct ParsedFile {
    std::string name;
    domain::CalendarYear year;
};

}  // namespace

domain::Result<CalendarFiles> load_calendar_files(const std::string& directory) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) {
        return domain::make_error("calendar.directory", "calendar directory " + directory + " does not exist");
    }
    std::vector<fs::path> files;
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".txt") files.push_back(it->path());
    }
    if (ec) return domain::make_error("calendar.directory", "cannot list " + directory + ": " + ec.message());
    std::sort(files.begin(), files.end());

    // Official and provisional files apart, by year: the official one wins its year.
    std::map<int, std::vector<ParsedFile>> official;
    std::map<int, std::vector<ParsedFile>> provisional;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) return domain::make_error("calendar.directory", "cannot read " + file.string());
        std::ostringstream text;
        text << in.rdbuf();
        const std::string name = file.filename().string();
        auto year = domain::parse_calendar_year(name, text.str());
        if (!year) return year.error();
        if (year->provisional != named_provisional(name)) {
            return domain::make_error(
                "calendar.provisional_mismatch",
                name + (year->provisional ? ": the file says 'provisional' but its name does not end in .provisional.txt"
                                          : ": a .provisional.txt file needs a 'provisional <why>' line"));
        }
        (year->provisional ? provisional : official)[year->year].push_back({name, std::move(*year)});
    }

    CalendarFiles out;
    std::map<int, std::vector<ParsedFile>> chosen = std::move(official);
    for (auto& [y, candidates] : provisional) {
        if (auto it = chosen.find(y); it != chosen.end()) {
            for (const auto& c : candidates) {
                out.notes.push_back(c.name + " ignored: the official " + it->second.front().name + " is loaded for " +
                                    std::to_string(y));
            }
            continue;
        }
        for (const auto& c : candidates) {
            out.notes.push_back(c.name + " loaded: " + std::to_string(y) + " is PROVISIONAL (" +
                                c.year.provisional_reason + "); deadlines through it are marked provisional");
        }
        chosen[y] = std::move(candidates);
    }
    std::vector<domain::CalendarYear> years;
    for (auto& [y, candidates] : chosen) {
        for (auto& c : candidates) {
            out.loaded.push_back(c.name);
            years.push_back(std::move(c.year));
        }
    }
    if (years.empty()) {
        return domain::make_error("calendar.directory", "calendar directory " + directory + " holds no <region>-<year>.txt file");
    }
    auto calendar = domain::WorkingCalendar::from_years(std::move(years));
    if (!calendar) return calendar.error();
    out.calendar = std::move(*calendar);
    return out;
}

domain::Result<domain::WorkingCalendar> load_working_calendar(const std::string& directory) {
    auto files = load_calendar_files(directory);
    if (!files) return files.error();
    return std::move(files->calendar);
}

}  // namespace lims::workflow
