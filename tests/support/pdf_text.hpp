// A PDF's text as a reader sees it: pdftotext (poppler-utils) on a temporary copy, UTF-8.
// Header-only so the workflow unit tests, which do not link the test support library, can
// use it as well as the e2e tests.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace lims::testing {

// `tool` is "pdftotext -enc UTF-8" (the default), "pdftotext -layout -enc UTF-8" (the
// physical layout: a table row on one line) or "pdfinfo" (page size and count).
inline std::string pdf_text(const std::string& pdf, const std::string& tool = "pdftotext -enc UTF-8") {
    std::random_device rd;
    const auto path = std::filesystem::temp_directory_path() / ("lims-pdf-text-" + std::to_string(rd()) + ".pdf");
    std::ofstream(path, std::ios::binary) << pdf;
    std::string out;
    const std::string to_stdout = tool.rfind("pdftotext", 0) == 0 ? " -" : "";
    if (FILE* pipe = popen((tool + " " + path.string() + to_stdout + " 2>/dev/null").c_str(), "r")) {
        std::array<char, 4096> buf{};
        std::size_t n = 0;
        while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
        pclose(pipe);
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return out;
}

}  // namespace lims::testing
