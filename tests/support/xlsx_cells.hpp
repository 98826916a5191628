// The cells of an .xlsx workbook as a reader sees them: python3-openpyxl (Debian's
// python3-openpyxl, in scripts/debian-packages) loads a temporary copy and prints one line
// per non-empty cell, "sheet<TAB>row<TAB>column<TAB>python type<TAB>value" (line breaks in a
// value as the two characters \n). Header-only, like pdf_text.hpp, for the workflow unit
// tests and the e2e tests alike.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace lims::testing {

inline std::string xlsx_cells(const std::string& bytes) {
    std::random_device rd;
    const auto path = std::filesystem::temp_directory_path() / ("lims-xlsx-cells-" + std::to_string(rd()) + ".xlsx");
    const auto script_path = path.string() + ".py";
    std::ofstream(path, std::ios::binary) << bytes;
    std::ofstream(script_path) << "import sys, openpyxl\n"
                                  "wb = openpyxl.load_workbook(sys.argv[1])\n"
                                  "for ws in wb.worksheets:\n"
                                  "    for row in ws.iter_rows():\n"
                                  "        for c in row:\n"
                                  "            if c.value is not None:\n"
                                  "                v = str(c.value).replace('\\n', '\\\\n')\n"
                                  "                print('%s\\t%d\\t%d\\t%s\\t%s' % (ws.title, c.row, c.column, "
                                  "type(c.value).__name__, v))\n";
    std::string out;
    // Debian's interpreter, where python3-openpyxl is installed (a python3 earlier on PATH,
    // e.g. pyenv's, has its own site-packages).
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    if (FILE* pipe = popen((python + " " + script_path + " " + path.string() + " 2>&1").c_str(), "r")) {
        std::array<char, 4096> buf{};
        std::size_t n = 0;
        while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
        pclose(pipe);
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(script_path, ignored);
    return out;
}

}  // namespace lims::testing
