// The web interface's files served by the real service (TestService with a web root):
// content types, cache headers, the Content-Security-Policy, index.html for deep links,
// 404 for a stale asset, and no way out of the root (`..` plain or encoded, symlinks).
// The API, /healthz and /metrics answer as before.
#include "lims/api/static_files.hpp"
#include "test_service.hpp"

#include <gtest/gtest.h>

#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using lims::api::StaticFiles;
using lims::test::TestService;

namespace {

constexpr const char* kIndexHtml = "<!doctype html><html><head><script type=\"module\" src=\"/assets/index-AbC123.js\"></script></head><body><div id=\"app\"></div></body></html>";
constexpr const char* kScript = "console.log('lims');";
constexpr const char* kSecret = "SECRET-OUTSIDE-THE-ROOT";

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// A scratch folder: site/ is the web root (index.html, assets/, favicon.svg, symlinks out),
// secret.txt and outside/ lie beside it.
class ScratchSite {
public:
    ScratchSite() {
        std::string pattern = (fs::temp_directory_path() / "lims-web-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
        dir = pattern;
        write(root() / "index.html", kIndexHtml);
        write(root() / "assets" / "index-AbC123.js", kScript);
        write(root() / "assets" / "index-AbC123.css", "body{margin:0}");
        write(root() / "favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        write(dir / "secret.txt", kSecret);
        write(dir / "outside" / "secret.txt", kSecret);
        fs::create_symlink(dir / "secret.txt", root() / "escape.txt");
        fs::create_symlink(dir / "outside", root() / "assets" / "linked");
    }
    ~ScratchSite() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    fs::path root() const { return dir / "site"; }
    fs::path dir;
};

class StaticFilesTest : public ::testing::Test {
protected:
    ScratchSite site;
    TestService service{TestService::Options{.webRoot = site.root().string()}};
};

TEST_F(StaticFilesTest, RootIsIndexHtmlNeverCachedWithAStrictPolicy) {
    auto r = service.anonymous().get("/");
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.body, kIndexHtml);
    EXPECT_EQ(r.contentType, "text/html; charset=utf-8");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    const std::string csp = r.header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
    EXPECT_NE(csp.find("style-src 'self';"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-"), std::string::npos) << csp;  // neither inline nor eval
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(service.anonymous().get("/index.html").header("cache-control"), "no-store");
}

TEST_F(StaticFilesTest, DeepLinksOfTheApplicationAreIndexHtml) {
    for (const char* path : {"/sampler/register", "/case-leads/XS2026-000001", "/samples/S%20X?tab=custody", "/assets"}) {
        auto r = service.anonymous().get(path);
        EXPECT_EQ(r.status, 200) << path << ": " << r.describe();
        EXPECT_EQ(r.body, kIndexHtml) << path;
        EXPECT_EQ(r.header("cache-control"), "no-store") << path;
    }
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirContentType) {
    auto js = service.anonymous().get("/assets/index-AbC123.js");
    ASSERT_EQ(js.status, 200) << js.describe();
    EXPECT_EQ(js.body, kScript);
    EXPECT_EQ(js.contentType, "text/javascript; charset=utf-8");
    EXPECT_EQ(js.header("cache-control"), "public, max-age=31536000, immutable");
    auto css = service.anonymous().get("/assets/index-AbC123.css");
    EXPECT_EQ(css.contentType, "text/css; charset=utf-8");
    auto icon = service.anonymous().get("/favicon.svg");
    EXPECT_EQ(icon.status, 200);
    EXPECT_EQ(icon.contentType, "image/svg+xml");
    EXPECT_EQ(icon.header("cache-control"), "no-cache");  // not hashed: revalidated
}

TEST_F(StaticFilesTest, AMissingAssetIs404NotThePage) {
    auto r = service.anonymous().get("/assets/index-Old999.js");
    EXPECT_EQ(r.status, 404) << r.describe();
    EXPECT_EQ(r.body.find("<html"), std::string::npos);
}

TEST_F(StaticFilesTest, NoPathLeavesTheRoot) {
    for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
                             "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
                             "/assets/..%5c..%5csecret.txt", "/escape.txt", "/assets/linked/secret.txt",
                             "/./index.html", "/.hidden", "/assets/%00.js", "/assets/%zz.js"}) {
        auto r = service.anonymous().get(path);
        EXPECT_EQ(r.status, 404) << path << ": " << r.describe();
        EXPECT_EQ(r.body.find(kSecret), std::string::npos) << path;
    }
}

TEST_F(StaticFilesTest, TheApiHealthAndMetricsAreUnaffected) {
    auto unknown = service.anonymous().get("/api/v1/no-such-thing");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.contentType, "application/problem+json; charset=utf-8");
    auto encoded = service.anonymous().get("/%61pi/v1/no-such-thing");  // decodes to /api/...
    EXPECT_EQ(encoded.status, 404);
    EXPECT_EQ(encoded.contentType, "application/problem+json; charset=utf-8");
    auto unauthenticated = service.anonymous().get("/api/v1/me");
    EXPECT_EQ(unauthenticated.status, 401) << unauthenticated.describe();
    auto health = service.anonymous().get("/healthz");
    EXPECT_EQ(health.status, 200) << health.describe();
    EXPECT_TRUE(health.isJson());
    auto post = service.anonymous().post("/sampler/register", "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(post.status, 404) << post.describe();  // only GET reads the page
    EXPECT_EQ(post.body.find("<html"), std::string::npos);

    service.anonymous().get("/");
    auto metrics = service.as("admin").get("/metrics");
    ASSERT_EQ(metrics.status, 200) << metrics.describe();
    EXPECT_NE(metrics.body.find("route=\"webStatic\""), std::string::npos);
}

TEST(StaticFilesWithoutRoot, NonApiPathsStay404) {
    TestService service;
    auto r = service.anonymous().get("/sampler/register");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.contentType, "application/problem+json; charset=utf-8");
}

TEST(StaticFilesOpen, NamesWhatIsMissing) {
    ScratchSite site;
    auto missing = StaticFiles::open(site.dir / "nowhere");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("nowhere"), std::string::npos) << missing.error().message;
    auto noIndex = StaticFiles::open(site.dir / "outside");
    ASSERT_FALSE(noIndex);
    EXPECT_NE(noIndex.error().message.find("index.html"), std::string::npos) << noIndex.error().message;
    EXPECT_TRUE(StaticFiles::open(site.root()));
}

TEST(StaticFilesOpen, ServesOnlyGetOutsideTheApi) {
    EXPECT_TRUE(StaticFiles::serves("GET", "/"));
    EXPECT_TRUE(StaticFiles::serves("GET", "/sampler/tasks"));
    EXPECT_FALSE(StaticFiles::serves("POST", "/sampler/tasks"));
    EXPECT_FALSE(StaticFiles::serves("GET", "/api/v1/anything"));
    EXPECT_FALSE(StaticFiles::serves("GET", "/api"));
    EXPECT_FALSE(StaticFiles::serves("GET", "/%61pi/v1/x"));
    EXPECT_EQ(lims::api::contentTypeFor("a/b/chunk-X1.JS"), "text/javascript; charset=utf-8");
    EXPECT_EQ(lims::api::contentTypeFor("font.woff2"), "font/woff2");
    EXPECT_EQ(lims::api::contentTypeFor("data.bin"), "application/octet-stream");
}

// `lims serve` with a web root that is not there refuses to start and names it; the
// default root, unbuilt, is only a warning (the API still serves).
TEST(StaticFilesServe, ANamedRootThatIsMissingStopsServe) {
    ScratchSite site;
    const std::string url = "sqlite:" + (site.dir / "lims.db").string();
    Poco::Process::Env env;
    env["LIMS_DATABASE"] = url;
    auto run = [&](const std::vector<std::string>& args) {
        Poco::Pipe outPipe, errPipe;
        auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims", args, ".", nullptr, &outPipe, &errPipe, env);
        Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
        std::string out, err;
        std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, err); });
        Poco::StreamCopier::copyToString(outStream, out);
        errReader.join();
        return std::pair{handle.wait(), err};
    };
    ASSERT_EQ(run({"migrate"}).first, 0);
    const std::string missing = (site.dir / "no-dist").string();
    auto [code, err] = run({"serve", "--port", "0", "--web-root", missing, "--calendar-dir", LIMS_SOURCE_DIR "/fixtures/calendars"});
    EXPECT_EQ(code, 2) << err;
    EXPECT_NE(err.find(missing), std::string::npos) << err;
}

}  // namespace
