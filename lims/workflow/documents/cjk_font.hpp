// Where the CJK font for printed documents comes from: a configured path, else the
// LIMS_CJK_FONT environment variable, else the TrueType files of known Debian packages.
// libharu embeds only TrueType outlines (glyf), so Noto CJK (CFF outlines) cannot serve;
// the renderers (report_pdf.hpp) call locate_cjk_font() and name the package when none is found.
#pragma once

#include "lims/domain/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

// The Debian package scripts/debian-packages installs for this, named in errors.
inline constexpr std::string_view kCjkFontPackage = "fonts-wqy-zenhei";

// TrueType CJK fonts of Debian packages, in order of preference.
const std::vector<std::string>& known_cjk_font_paths();

// `configured` when not empty (it must exist: a configured path is never silently
// replaced), else $LIMS_CJK_FONT when set, else the first known path that exists.
// Errors: documents.font_missing (naming the path or the package to install).
domain::Result<std::string> locate_cjk_font(std::string_view configured = {});

}  // namespace lims::workflow::documents
