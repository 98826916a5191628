#include "lims/workflow/admin/calendar_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lims::workflow {

domain::Result<domain::WorkingCalendar> load_working_calendar(const std::string& directory) {
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
    std::vector<domain::CalendarYear> years;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) return domain::make_error("calendar.directory", "cannot read " + file.string());
        std::ostringstream text;
        text << in.rdbuf();
        auto year = domain::parse_calendar_year(file.filename().string(), text.str());
        if (!year) return year.error();
        years.push_back(std::move(*year));
    }
    if (years.empty()) {
        return domain::make_error("calendar.directory", "calendar directory " + directory + " holds no <region>-<year>.txt file");
    }
    return domain::WorkingCalendar::from_years(std::move(years));
}

}  // namespace lims::workflow
