#include "lims/api/static_files.hpp"

#include "lims/api/router.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <system_error>

namespace lims::api {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIndex = "index.html";
constexpr const char* kAssetsFolder = "assets";
// Files without a hash in their name (favicon, robots.txt) are checked again on each use.
constexpr const char* kRevalidateCacheControl = "no-cache";

bool within(const fs::path& root, const fs::path& candidate) {
    auto [r, c] = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
    return r == root.end();
}

// A decoded segment a file path may contain: no `.`/`..`, no hidden file, no separator
// or NUL smuggled in through percent-encoding (%2F, %5C, %00).
bool safeSegment(const std::string& s) {
    if (s.empty() || s.front() == '.') return false;
    return s.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

Response withSiteHeaders(Response r) {
    return std::move(r)
        .withHeader("Content-Security-Policy", kWebContentSecurityPolicy)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer");
}

Response notFound(std::string_view rawPath) {
    return withSiteHeaders(Response::problem(problems::notFound("There is no file at " + std::string(rawPath) + ".")));
}

}  // namespace

std::string contentTypeFor(const fs::path& file) {
    static const std::map<std::string, std::string> kTypes{
        {".html", "text/html; charset=utf-8"},       {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},  {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"}, {".map", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},       {".svg", "image/svg+xml"},
        {".png", "image/png"},                        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},                      {".webp", "image/webp"},
        {".ico", "image/x-icon"},                     {".woff2", "font/woff2"},
        {".woff", "font/woff"},                       {".ttf", "font/ttf"},
        {".wasm", "application/wasm"}};
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto it = kTypes.find(ext);
    return it == kTypes.end() ? "application/octet-stream" : it->second;
}

domain::Result<StaticFiles> StaticFiles::open(const fs::path& root) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(root, ec);
    if (ec || !fs::is_directory(canonical, ec)) {
        return domain::Error{"web.root_missing", "the web interface folder " + root.string() +
                                                     " does not exist (build it: cd lims/web && npm ci && npm run build)"};
    }
    if (!fs::is_regular_file(canonical / kIndex, ec)) {
        return domain::Error{"web.index_missing", "the web interface folder " + root.string() +
                                                      " has no index.html (build it: cd lims/web && npm ci && npm run build)"};
    }
    return StaticFiles(canonical);
}

bool StaticFiles::serves(std::string_view method, std::string_view rawPath) {
    if (method != "GET") return false;
    // Decoded as the router decodes, so /%61pi/... is the API too and never the page.
    const auto segments = splitPath(std::string(rawPath));
    return !segments || segments->empty() || segments->front() != "api";
}

Response StaticFiles::serve(std::string_view rawPath) const {
    const auto segments = splitPath(std::string(rawPath));
    if (!segments) return notFound(rawPath);
    fs::path relative;
    for (const auto& s : *segments) {
        if (!safeSegment(s)) return notFound(rawPath);
        relative /= s;
    }
    const bool underAssets = segments->size() > 1 && segments->front() == kAssetsFolder;
    if (!relative.empty()) {
        std::error_code ec;
        const fs::path resolved = fs::weakly_canonical(root_ / relative, ec);
        // A symlink inside the root that points out of it is refused like `..`.
        if (ec || !within(root_, resolved)) return notFound(rawPath);
        if (fs::is_regular_file(resolved, ec)) return file(resolved, underAssets);
        if (underAssets) return notFound(rawPath);
    }
    // Any other path is a page of the application: its router reads the path.
    return file(root_ / kIndex, false);
}

Response StaticFiles::file(const fs::path& path, bool immutable) const {
    std::ifstream in(path, std::ios::binary);
    if (!in) return notFound(path.filename().string());
    std::ostringstream body;
    body << in.rdbuf();
    const bool index = path.filename() == kIndex;
    const char* cache = index ? "no-store" : immutable ? kImmutableCacheControl : kRevalidateCacheControl;
    return withSiteHeaders(Response::text(200, contentTypeFor(path), std::move(body).str()).withHeader("Cache-Control", cache));
}

}  // namespace lims::api
