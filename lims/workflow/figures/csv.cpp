#include "lims/workflow/figures/csv.hpp"

namespace lims::workflow::figures {

namespace {

// "-1.5", "+3", "12" are numbers a spreadsheet reads as numbers, not formulas.
bool is_plain_number(std::string_view v) {
    std::size_t i = 0;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    bool digits = false, dot = false;
    for (; i < v.size(); ++i) {
        if (v[i] >= '0' && v[i] <= '9') digits = true;
        else if (v[i] == '.' && !dot) dot = true;
        else return false;
    }
    return digits;
}

}  // namespace

std::string csv_field(std::string_view value) {
    std::string v(value);
    if (!v.empty()) {
        const char c = v.front();
        const bool formula_start = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
        if (formula_start && !is_plain_number(v)) v.insert(v.begin(), '\'');
    }
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string to_csv(const Table& table) {
    std::string out = "\xEF\xBB\xBF";
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i) out += ',';
            out += csv_field(cells[i]);
        }
        out += "\r\n";
    };
    line(table.columns);
    for (const auto& row : table.rows) line(row);
    return out;
}

}  // namespace lims::workflow::figures
