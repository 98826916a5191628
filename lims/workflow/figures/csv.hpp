// A list as a table of text, and its CSV form (RFC 4180) for spreadsheet export: every
// list the documents and figures routes answer with can also be fetched as CSV.
// UTF-8 with a byte-order mark so that Excel reads Chinese correctly; cells that a
// spreadsheet would run as a formula are defused (OWASP "CSV injection").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::figures {

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;  // each as wide as columns
};

// One field: quoted when it holds a comma, a quote, CR or LF (quotes doubled); a field
// beginning with = + - @ (or TAB/CR, which some spreadsheets skip before one) is
// prefixed with an apostrophe first, unless it is a plain number such as "-1.5".
std::string csv_field(std::string_view value);

// BOM, header line, one line per row, each ended with CRLF (RFC 4180 §2.1).
std::string to_csv(const Table& table);

inline constexpr std::string_view kCsvContentType = "text/csv; charset=utf-8";

}  // namespace lims::workflow::figures
