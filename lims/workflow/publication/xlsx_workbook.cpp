#include "lims/workflow/publication/xlsx_workbook.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace lims::workflow::publication {

namespace {

// Excel's limits (Microsoft, "Excel specifications and limits"): a sheet name of at most
// 31 characters without []:*?/\, at most 255 characters shown in a column's width.
constexpr std::size_t kMaxSheetNameChars = 31;
constexpr double kMaxColumnWidth = 60.0;

std::size_t utf8_chars(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// Column width in Excel's units (the width of '0'): a CJK character takes about two.
double display_width(std::string_view s) {
    double w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        w += len >= 3 ? 2.0 : 1.0;
        i += len;
    }
    return w;
}

domain::Error write_error(lxw_error e, const std::string& where) {
    return domain::make_error("xlsx.write", "the workbook could not be written (" + where + "): " + lxw_strerror(e));
}

// A temporary file of our own, removed whatever happens.
struct TemporaryFile {
    std::string path;
    TemporaryFile() {
        std::string pattern = (std::filesystem::temp_directory_path() / "lims-xlsx-XXXXXX").string();
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        const int fd = mkstemp(buffer.data());
        if (fd >= 0) {
            ::close(fd);
            path = buffer.data();
        }
    }
    ~TemporaryFile() {
        if (!path.empty()) std::remove(path.c_str());
    }
};

}  // namespace

domain::Result<std::string> xlsx_workbook(const std::vector<Worksheet>& sheets) {
    for (const auto& s : sheets)
        if (s.name.empty() || utf8_chars(s.name) > kMaxSheetNameChars || s.name.find_first_of("[]:*?/\\") != std::string::npos)
            return domain::make_error("xlsx.sheet_name", "\"" + s.name + "\" is not a worksheet name Excel accepts "
                                                         "(1 to 31 characters, none of []:*?/\\)");
    TemporaryFile file;
    if (file.path.empty()) return domain::make_error("xlsx.write", "no temporary file could be made for the workbook");
    lxw_workbook* book = workbook_new(file.path.c_str());
    if (!book) return domain::make_error("xlsx.write", "libxlsxwriter could not start a workbook");
    lxw_format* heading = workbook_add_format(book);
    format_set_bold(heading);
    format_set_text_wrap(heading);
    lxw_format* text = workbook_add_format(book);
    format_set_num_format(text, "@");  // Text: what is typed into the cell later stays text too
    lxw_error failed = LXW_NO_ERROR;
    std::string where;
    for (const auto& s : sheets) {
        lxw_worksheet* sheet = workbook_add_worksheet(book, s.name.c_str());
        if (!sheet) {
            workbook_close(book);
            return domain::make_error("xlsx.sheet_name", "worksheet \"" + s.name + "\" could not be added (a repeated name?)");
        }
        std::vector<double> widths(s.table.columns.size(), 8.0);
        auto put = [&](lxw_row_t row, const std::vector<std::string>& cells, lxw_format* format) {
            for (std::size_t c = 0; c < cells.size() && failed == LXW_NO_ERROR; ++c) {
                failed = worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), cells[c].c_str(), format);
                if (failed != LXW_NO_ERROR) where = s.name + " row " + std::to_string(row + 1) + " column " + std::to_string(c + 1);
                if (c < widths.size()) widths[c] = std::max(widths[c], std::min(kMaxColumnWidth, display_width(cells[c]) + 2));
            }
        };
        put(0, s.table.columns, heading);
        for (std::size_t r = 0; r < s.table.rows.size() && failed == LXW_NO_ERROR; ++r)
            put(static_cast<lxw_row_t>(r + 1), s.table.rows[r], text);
        for (std::size_t c = 0; c < widths.size(); ++c)
            worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr);
        worksheet_freeze_panes(sheet, 1, 0);
        if (failed != LXW_NO_ERROR) break;
    }
    const lxw_error closed = workbook_close(book);  // frees the workbook whatever it answers
    if (failed != LXW_NO_ERROR) return write_error(failed, where);
    if (closed != LXW_NO_ERROR) return write_error(closed, "closing the workbook");
    std::ifstream in(file.path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return domain::make_error("xlsx.write", "the written workbook could not be read back");
    return bytes.str();
}

}  // namespace lims::workflow::publication
