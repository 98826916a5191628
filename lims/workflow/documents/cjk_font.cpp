#include "lims/workflow/documents/cjk_font.hpp"

#include <cstdlib>
#include <filesystem>

namespace lims::workflow::documents {

const std::vector<std::string>& known_cjk_font_paths() {
    static const std::vector<std::string> paths{
        // Not wqy-microhei: libharu 2.3's subsetting drops most of its CJK glyphs (the text
        // extracts, but the page shows blanks).
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  // fonts-wqy-zenhei
        "/usr/share/fonts/truetype/arphic/uming.ttc",    // fonts-arphic-uming
    };
    return paths;
}

namespace {

bool is_file(const std::string& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

domain::Result<std::string> locate_cjk_font(std::string_view configured) {
    if (!configured.empty()) {
        std::string path(configured);
        if (!is_file(path))
            return domain::errors::unavailable("documents.font_missing",
                                      "the configured CJK font " + path + " does not exist or is not a file");
        return path;
    }
    if (const char* env = std::getenv("LIMS_CJK_FONT"); env != nullptr && *env != '\0') {
        std::string path(env);
        if (!is_file(path))
            return domain::errors::unavailable("documents.font_missing",
                                      "LIMS_CJK_FONT names " + path + ", which does not exist or is not a file");
        return path;
    }
    for (const auto& path : known_cjk_font_paths())
        if (is_file(path)) return path;
    return domain::errors::unavailable("documents.font_missing",
                              "no TrueType CJK font found (looked for " + known_cjk_font_paths().front() +
                                  " and others); install the Debian package " + std::string(kCjkFontPackage) +
                                  " or set LIMS_CJK_FONT to a TrueType .ttf/.ttc file");
}

}  // namespace lims::workflow::documents
