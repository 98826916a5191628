// An .xlsx workbook of text tables, written by libxlsxwriter (Debian's libxlsxwriter-dev):
// one worksheet per table, its header row bold and frozen, columns as wide as their text,
// every cell a string (batch numbers such as "040501" and sample numbers keep their leading
// zeros and are never read as numbers or dates). Used by the publication list and the
// national platform export; the CSV of the same tables is figures::to_csv.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/workflow/figures/csv.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::publication {

struct Worksheet {
    std::string name;  // at most 31 characters, none of []:*?/\ (Excel's rule)
    figures::Table table;
};

// The workbook's bytes. Errors: xlsx.sheet_name (a name Excel refuses), xlsx.write (naming
// libxlsxwriter's error: a cell longer than 32,767 characters, no room for the temporary file).
domain::Result<std::string> xlsx_workbook(const std::vector<Worksheet>& sheets);

inline constexpr std::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace lims::workflow::publication
