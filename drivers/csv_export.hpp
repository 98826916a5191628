// Result exports from chromatography data systems (CSV files with a header row) turned
// into observations. The file-drop watcher calls it on each settled file; the columns are
// found by name so Empower, Chromeleon and OpenLab report layouts all fit once configured.
#pragma once

#include <protocols/decode_error.hpp>
#include <protocols/observation.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace drivers {

struct CsvLayout {
    char delimiter = ',';
    // Header names accepted for each column (compared case-insensitively, trimmed). The
    // defaults cover the report column names of the common CDS packages.
    std::vector<std::string> specimen{"specimen_id", "sample_id", "sample name", "samplename", "sample"};
    std::vector<std::string> test_code{"test_code", "analyte", "component", "component name", "peak name", "name"};
    std::vector<std::string> value{"value", "result", "amount", "concentration"};
    std::vector<std::string> units{"units", "unit", "amount units"};
    std::vector<std::string> status{"status", "result status"};
    std::vector<std::string> observed_at{"observed_at", "acquired", "date acquired", "injection date"};
    std::vector<std::string> operator_id{"operator", "analyst", "acquired by"};
};

// 16 MiB: far above a sequence report (a few hundred rows); guards memory on a bad drop.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{16} << 20;

// Error codes: csv.empty (no header), csv.missing_column (detail names it), csv.bad_quote
// (unterminated quoted field, offset of its start), csv.too_large, csv.no_rows,
// csv.short_row (fewer fields than the header) and csv.empty_value, whose offset is the
// row's index (0 is the header).
std::variant<std::vector<protocols::Observation>, protocols::DecodeError> parse_cds_csv(
    std::string_view text, std::string_view instrument_id, const CsvLayout& layout = {});

// RFC 4180 rows: quoted fields, doubled quotes, CR LF or LF line ends.
std::variant<std::vector<std::vector<std::string>>, protocols::DecodeError> split_csv(std::string_view text,
                                                                                      char delimiter);

}  // namespace drivers
