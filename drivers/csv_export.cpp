#include "drivers/csv_export.hpp"

#include <protocols/hl7/oru.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace drivers {

using protocols::DecodeError;

namespace {

std::string normalize(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header, const std::vector<std::string>& names) {
    for (const auto& name : names)
        for (std::size_t i = 0; i < header.size(); ++i)
            if (normalize(header[i]) == name) return i;
    return std::nullopt;
}

}  // namespace

std::variant<std::vector<std::vector<std::string>>, DecodeError> split_csv(std::string_view text, char delimiter) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    bool field_started = false;
    std::size_t quote_offset = 0;
    // A UTF-8 byte order mark from Windows exports is not part of the first header.
    std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    auto end_row = [&] {
        row.push_back(std::move(field));
        field.clear();
        field_started = false;
        const bool blank = row.size() == 1 && row[0].empty();
        if (!blank) rows.push_back(std::move(row));
        row.clear();
    };
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"' && !field_started) {
            quoted = true;
            field_started = true;
            quote_offset = i;
        } else if (c == delimiter) {
            row.push_back(std::move(field));
            field.clear();
            field_started = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            // CR LF: the LF ends the row
        } else if (c == '\n') {
            end_row();
        } else {
            field += c;
            field_started = true;
        }
    }
    if (quoted) return DecodeError{"csv.bad_quote", quote_offset, "quoted field never closed"};
    if (field_started || !row.empty()) end_row();
    return rows;
}

std::variant<std::vector<protocols::Observation>, DecodeError> parse_cds_csv(std::string_view text,
                                                                             std::string_view instrument_id,
                                                                             const CsvLayout& layout) {
    if (text.size() > kMaxCsvBytes)
        return DecodeError{"csv.too_large", kMaxCsvBytes, "file of " + std::to_string(text.size()) + " bytes"};
    auto split = split_csv(text, layout.delimiter);
    if (auto* e = std::get_if<DecodeError>(&split)) return *e;
    auto& rows = std::get<0>(split);
    if (rows.empty()) return DecodeError{"csv.empty", 0, "no header row"};
    const auto& header = rows.front();
    auto specimen = find_column(header, layout.specimen);
    auto code = find_column(header, layout.test_code);
    auto value = find_column(header, layout.value);
    if (!specimen) return DecodeError{"csv.missing_column", 0, "no specimen column (e.g. sample_id)"};
    if (!code) return DecodeError{"csv.missing_column", 0, "no test code column (e.g. analyte)"};
    if (!value) return DecodeError{"csv.missing_column", 0, "no value column (e.g. result)"};
    auto units = find_column(header, layout.units);
    auto status = find_column(header, layout.status);
    auto observed = find_column(header, layout.observed_at);
    auto who = find_column(header, layout.operator_id);
    if (rows.size() == 1) return DecodeError{"csv.no_rows", 0, "header only, no results"};

    std::vector<protocols::Observation> out;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        const std::size_t needed = std::max({*specimen, *code, *value}) + 1;
        if (row.size() < needed)
            return DecodeError{"csv.short_row", r, "row " + std::to_string(r + 1) + " has " +
                                                       std::to_string(row.size()) + " fields, header " +
                                                       std::to_string(header.size())};
        auto at = [&](std::optional<std::size_t> c) { return c && *c < row.size() ? trim(row[*c]) : std::string{}; };
        protocols::Observation o;
        o.instrument_id = std::string(instrument_id);
        o.specimen_id = at(specimen);
        o.test_code = at(code);
        o.test_name = o.test_code;
        o.universal_test_id = o.test_code;
        o.value = at(value);
        if (o.specimen_id.empty() || o.test_code.empty() || o.value.empty())
            return DecodeError{"csv.empty_value", r, "row " + std::to_string(r + 1) + " lacks specimen, code or value"};
        protocols::hl7::split_censored(o.value, o.comparator, o.number);
        o.units = at(units);
        o.status = status ? at(status) : "F";
        if (o.status.empty()) o.status = "F";
        o.observed_at = at(observed);
        o.operator_id = at(who);
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace drivers
