// The web interface's built files (lims/web/dist: index.html and hashed assets/), served
// by `lims serve` from the API's own origin so the browser needs no CORS and no CDN. The
// dispatcher asks it for GET requests that match no route outside /api/; it answers the
// file, or index.html for any other path so that the single-page application's deep links
// work. Never a file outside the root: `..`, encoded or not, and symlinks leaving it are 404.
#pragma once

#include "lims/api/response.hpp"
#include "lims/domain/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace lims::api {

// What the pages may load: scripts and styles only from this origin, nothing inline. Vite
// emits no inline script or style element; Element Plus and ECharts set styles through the
// CSSOM at run time, which CSP does not govern (the browser journeys, tests/web, fail on
// any violation Chromium reports).
inline constexpr const char* kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

// Hashed file names (Vite's assets/name-<hash>.js) never change content: cached a year.
inline constexpr const char* kImmutableCacheControl = "public, max-age=31536000, immutable";

class StaticFiles {
public:
    // `root` must be a folder holding index.html; the error says which is missing.
    static domain::Result<StaticFiles> open(const std::filesystem::path& root);

    // Whether the dispatcher should hand it an unmatched request: GET outside /api/.
    static bool serves(std::string_view method, std::string_view rawPath);

    // The answer to GET `rawPath` (undecoded, without the query): the file with its
    // content type and cache headers; index.html (no-store) for a path naming no file;
    // 404 for a missing file under /assets/ (a stale chunk must fail, not load HTML) and
    // for paths that try to leave the root.
    Response serve(std::string_view rawPath) const;

    const std::filesystem::path& root() const { return root_; }

private:
    explicit StaticFiles(std::filesystem::path canonicalRoot) : root_(std::move(canonicalRoot)) {}
    Response file(const std::filesystem::path& path, bool immutable) const;

    std::filesystem::path root_;  // canonical: symlinks resolved
};

// The Content-Type for a file name by its extension (application/octet-stream if unknown).
std::string contentTypeFor(const std::filesystem::path& file);

}  // namespace lims::api
