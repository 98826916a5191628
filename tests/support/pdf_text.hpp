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

inline std::string pdf_text(const std::string& pdf) {
    std::random_device rd;
    const auto path = std::filesystem::temp_directory_path() / ("lims-pdf-text-" + std::to_string(rd()) + ".pdf");
    std::ofstream(path, std::ios::binary) << pdf;
    std::string out;
    if (FILE* pipe = popen(("pdftotext -enc UTF-8 " + path.string() + " - 2>/dev/null").c_str(), "r")) {
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
