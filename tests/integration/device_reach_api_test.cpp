// What a device configured through the API may reach on the service's machine and network
// (issue 15 items 7 and 8), through the real HTTP service:
//   - a file_drop folder lies inside lims.drivers.file_drop_root (no "..", no symbolic link
//     out, not the data folder), a map_file inside lims.drivers.map_root, and an answer
//     about a map file never carries the file's text;
//   - tcp_connect instruments and modbus_tcp loggers connect only where lims.drivers.allow
//     allows (unset: the private ranges), refused with 422 naming it;
//   - the drivers of `lims serve` check the same again when they connect or open a folder:
//     a row stored before these rules (written straight to the store here), or a host name
//     that resolves elsewhere now, reaches nothing and says why on its link.
#include "lims/app/serve_drivers.hpp"

#include "lims/api/json_text.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/logger_polling_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "test_service.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace lims::test {
namespace {

namespace fs = std::filesystem;
using domain::Role;

constexpr auto kPatience = std::chrono::seconds(30);

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

std::shared_ptr<const drivers::DevicePolicy> policy(const std::string& allow, const std::string& drops,
                                                    const std::string& maps) {
    auto p = drivers::make_device_policy(allow, drops, maps);
    if (auto* why = std::get_if<std::string>(&p)) throw std::runtime_error(*why);
    return std::make_shared<const drivers::DevicePolicy>(std::get<drivers::DevicePolicy>(std::move(p)));
}

// The problem's error for `field`, or "" when it names no such field.
std::string errorFor(const HttpReply& reply, const std::string& field) {
    if (!reply.json() || !reply.json()->has("errors")) return "";
    auto errors = reply.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
        auto e = errors->getObject(static_cast<unsigned>(i));
        if (e->getValue<std::string>("field") == field) return e->getValue<std::string>("problem");
    }
    return "";
}

Poco::JSON::Object::Ptr instrument(const std::string& code, const std::string& family, const std::string& transport,
                                   const std::string& address) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("code", code);
    o->set("organisation_code", TestService::kLabA);
    o->set("name", code + " instrument");
    o->set("family", family);
    o->set("transport", transport);
    o->set("address", address);
    return o;
}

Poco::JSON::Object::Ptr inlineMap() {
    Poco::JSON::Parser parser;
    return parser
        .parse(R"({"points": [{"name": "t", "function": "holding_registers", "address": 0, "type": "int16",
                               "scale": 0.1, "unit": "Cel"}]})")
        .extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr polling(const std::string& address, const std::string& map_file = "") {
    Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
    p->set("transport", "modbus_tcp");
    p->set("address", address);
    if (map_file.empty()) p->set("register_map", inlineMap());
    else p->set("map_file", map_file);
    p->set("interval_seconds", 1);
    return p;
}

Poco::JSON::Object::Ptr logger(const std::string& serial, Poco::JSON::Object::Ptr polling) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("serial", serial);
    o->set("model", "FL-20");
    o->set("organisation_code", TestService::kOfficeA1);
    o->set("polling", polling);
    return o;
}

// A scratch tree: drops/ (the file_drop root), maps/ (the map root) with a usable map and
// a file that is JSON but no map, outside/ with secrets, and links from the roots out.
class DeviceReach : public ::testing::Test {
protected:
    void SetUp() override {
        base = fs::temp_directory_path() / ("lims-reach-" + std::to_string(::getpid()));
        fs::remove_all(base);
        for (auto d : {"drops", "maps", "outside"}) fs::create_directories(base / d);
        fs::copy_file(fs::path(LIMS_SOURCE_DIR) / "fixtures/messages/modbus/freezer_logger.json",
                      base / "maps/fl20.json");
        std::ofstream(base / "maps/notes.json") << R"({"points": [{"name": "SECRET-IN-ROOT-42", "address": "x"}]})";
        std::ofstream(base / "outside/secret.json") << R"({"name": "SECRET-OUTSIDE-17", "points": []})";
        fs::create_directory_symlink(base / "outside", base / "drops/escape");
        fs::create_symlink(base / "outside/secret.json", base / "maps/escape.json");
    }
    void TearDown() override { fs::remove_all(base); }

    std::unique_ptr<TestService> serviceWith(std::shared_ptr<const drivers::DevicePolicy> p) {
        TestService::Options o;
        o.devicePolicy = std::move(p);
        return std::make_unique<TestService>(o);
    }
    std::string drops() const { return (base / "drops").string(); }
    std::string maps() const { return (base / "maps").string(); }

    fs::path base;
};

TEST_F(DeviceReach, AFileDropFolderMustLieInsideTheFileDropRoot) {
    auto service = serviceWith(policy("", drops(), maps()));
    auto admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));

    // Inside the root, relative to it or absolute: taken.
    auto relative = admin.post("/api/v1/instruments", instrument("HPLC-1", "csv", "file_drop", "hplc-1"));
    EXPECT_EQ(relative.status, 201) << relative.describe();
    auto absolute = admin.post("/api/v1/instruments", instrument("HPLC-2", "csv", "file_drop", drops() + "/hplc-2"));
    EXPECT_EQ(absolute.status, 201) << absolute.describe();

    // The data folder (whose WAL the watcher would have moved to failed/), anywhere else,
    // "..", a link out of the root, the root itself: refused, naming the key and the rule.
    const std::string dataFolder = service->databasePath().empty()
                                       ? (base / "outside").string()
                                       : fs::path(service->databasePath()).parent_path().string();
    for (const auto& [address, words] : std::vector<std::pair<std::string, std::string>>{
             {dataFolder, "must lie inside lims.drivers.file_drop_root (" + fs::canonical(drops()).string() + ")"},
             {"/var/lib/lims", "must lie inside lims.drivers.file_drop_root"},
             {"../outside", "must not contain \"..\""},
             {"hplc-1/../../outside", "must not contain \"..\""},
             {"escape", "leaves lims.drivers.file_drop_root through a symbolic link"},
             {drops(), "must lie inside lims.drivers.file_drop_root"}}) {
        auto reply = admin.post("/api/v1/instruments", instrument("HPLC-BAD", "csv", "file_drop", address));
        ASSERT_EQ(reply.status, 422) << address << ": " << reply.describe();
        EXPECT_NE(errorFor(reply, "address").find(words), std::string::npos) << address << ": " << reply.body;
    }
    EXPECT_EQ(admin.get("/api/v1/instruments/HPLC-BAD").status, 404);  // nothing written

    // A change that would move one out is refused too, and leaves it as it was.
    auto moved = instrument("HPLC-1", "csv", "file_drop", dataFolder);
    auto refused = admin.put("/api/v1/instruments/HPLC-1", moved, {{"If-Match", relative.header("etag")}});
    ASSERT_EQ(refused.status, 422) << refused.describe();
    EXPECT_NE(errorFor(refused, "address"), "") << refused.body;
    EXPECT_EQ(admin.get("/api/v1/instruments/HPLC-1").json()->getValue<std::string>("address"), "hplc-1");
    EXPECT_TRUE(service->auditChainIntact());
}

TEST_F(DeviceReach, WithoutAFileDropRootNoFolderIsTaken) {
    auto service = serviceWith(std::make_shared<const drivers::DevicePolicy>());  // the product's defaults
    auto admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
    auto reply = admin.post("/api/v1/instruments", instrument("HPLC-1", "csv", "file_drop", "/srv/lims/drops/hplc-1"));
    ASSERT_EQ(reply.status, 422) << reply.describe();
    EXPECT_NE(errorFor(reply, "address").find("lims.drivers.file_drop_root is not set"), std::string::npos)
        << reply.body;
}

TEST_F(DeviceReach, AMapFileMustLieInsideTheMapRootAndItsTextIsNeverAnswered) {
    auto service = serviceWith(policy("loopback:*", drops(), maps()));
    auto admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
    const std::string address = "127.0.0.1:1502";

    auto good = admin.post("/api/v1/coldchain/loggers", logger("FL-GOOD", polling(address, "fl20.json")));
    EXPECT_EQ(good.status, 201) << good.describe();

    for (const auto& [file, words] : std::vector<std::pair<std::string, std::string>>{
             {"/etc/passwd", "must lie inside lims.drivers.map_root"},
             {(base / "outside/secret.json").string(), "must lie inside lims.drivers.map_root"},
             {"/nonexistent/map.json", "must lie inside lims.drivers.map_root"},
             {"../outside/secret.json", "must not contain \"..\""},
             {"escape.json", "leaves lims.drivers.map_root through a symbolic link"},
             {"notes.json", "notes.json is not a usable register map: "}}) {
        auto reply = admin.post("/api/v1/coldchain/loggers", logger("FL-BAD", polling(address, file)));
        ASSERT_EQ(reply.status, 422) << file << ": " << reply.describe();
        EXPECT_NE(errorFor(reply, "polling.map_file").find(words), std::string::npos) << file << ": " << reply.body;
        // Not a word of any file's content, inside the root or out.
        for (const char* secret : {"SECRET", "root:", "x:0:0"})
            EXPECT_EQ(reply.body.find(secret), std::string::npos) << file << ": " << reply.body;
    }
    // Whether a file outside exists is not told either: the same answer for both.
    auto exists = admin.post("/api/v1/coldchain/loggers", logger("FL-BAD", polling(address, "/etc/passwd")));
    auto absent = admin.post("/api/v1/coldchain/loggers", logger("FL-BAD", polling(address, "/etc/no-such-file")));
    EXPECT_EQ(errorFor(exists, "polling.map_file"), errorFor(absent, "polling.map_file"));

    // Setting the polling of a logger: the same rule.
    const auto id = good.json()->getValue<Poco::Int64>("id");
    const std::string path = "/api/v1/coldchain/loggers/" + std::to_string(id) + "/polling";
    auto current = admin.get(path);
    ASSERT_EQ(current.status, 200) << current.describe();
    auto put = admin.put(path, polling(address, "/etc/passwd"), {{"If-Match", current.header("etag")}});
    ASSERT_EQ(put.status, 422) << put.describe();
    EXPECT_NE(errorFor(put, "map_file").find("lims.drivers.map_root"), std::string::npos) << put.body;
    EXPECT_EQ(admin.get(path).json()->getValue<std::string>("map_file"), "fl20.json");
}

TEST_F(DeviceReach, OutgoingConnectionsAreRefusedOutsideTheAllowlistNamingIt) {
    {
        // Unset: the private ranges, every port.
        auto service = serviceWith(std::make_shared<const drivers::DevicePolicy>());
        auto admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
        for (const auto& address : {"8.8.8.8:4001", "127.0.0.1:4001", "169.254.169.254:80", "localhost:5432"}) {
            auto reply = admin.post("/api/v1/instruments", instrument("BAL-OUT", "sics", "tcp_connect", address));
            ASSERT_EQ(reply.status, 422) << address << ": " << reply.describe();
            EXPECT_NE(errorFor(reply, "address").find("is not allowed by lims.drivers.allow (the address ranges and "
                                                      "ports this service may connect to: private:*)"),
                      std::string::npos)
                << address << ": " << reply.body;
        }
        EXPECT_EQ(admin.get("/api/v1/instruments/BAL-OUT").status, 404);
        EXPECT_EQ(admin.post("/api/v1/instruments", instrument("BAL-LAN", "sics", "tcp_connect", "10.1.2.3:4001")).status,
                  201);
        // Listening is not connecting: a listener's address is not the allowlist's business.
        EXPECT_EQ(admin.post("/api/v1/instruments", instrument("AU-LISTEN", "astm", "tcp_listen", "0.0.0.0:5000")).status,
                  201);
        // A Modbus logger's polling, when registered and when set.
        auto logged = admin.post("/api/v1/coldchain/loggers", logger("FL-META", polling("169.254.169.254:502")));
        ASSERT_EQ(logged.status, 422) << logged.describe();
        EXPECT_NE(errorFor(logged, "polling.address").find("lims.drivers.allow"), std::string::npos) << logged.body;
        auto lan = admin.post("/api/v1/coldchain/loggers", logger("FL-LAN", polling("192.168.10.5:502")));
        ASSERT_EQ(lan.status, 201) << lan.describe();
        const std::string path = "/api/v1/coldchain/loggers/" + std::to_string(lan.json()->getValue<Poco::Int64>("id")) +
                                 "/polling";
        auto put = admin.put(path, polling("8.8.4.4:502"), {{"If-Match", admin.get(path).header("etag")}});
        ASSERT_EQ(put.status, 422) << put.describe();
        EXPECT_NE(errorFor(put, "address").find("lims.drivers.allow"), std::string::npos) << put.body;
        EXPECT_EQ(admin.get(path).json()->getValue<std::string>("address"), "192.168.10.5:502");
    }
    {
        // Ranges and ports as a deployment sets them.
        auto service = serviceWith(policy("10.0.0.0/8:502,4001-4010", "", ""));
        auto admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
        EXPECT_EQ(admin.post("/api/v1/instruments", instrument("BAL-1", "sics", "tcp_connect", "10.1.2.3:4001")).status,
                  201);
        for (const auto& address : {"10.1.2.3:4011", "10.1.2.3:22", "192.168.1.5:4001"}) {
            auto reply = admin.post("/api/v1/instruments", instrument("BAL-2", "sics", "tcp_connect", address));
            ASSERT_EQ(reply.status, 422) << address << ": " << reply.describe();
            EXPECT_NE(errorFor(reply, "address").find("10.0.0.0/8:502,4001-4010"), std::string::npos) << reply.body;
        }
    }
}

// `lims serve`'s drivers over the same store, as in serve_drivers_test: the rows are
// written straight to the store, as they were before the API refused them.
class DeviceReachAtRunTime : public DeviceReach {
protected:
    void SetUp() override {
        DeviceReach::SetUp();
        auto calendar = workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars");
        ASSERT_TRUE(calendar.ok()) << calendar.error().message;
        app::ServeDriversOptions options;
        options.check_period = std::chrono::milliseconds(100);
        options.policy = std::make_shared<const drivers::DevicePolicy>();  // the product's defaults
        auto created = app::ServeDrivers::create(service.database(), options, Poco::Logger::get("device-reach-test"));
        ASSERT_TRUE(created.ok()) << created.error().message;
        drivers = *created;
        app::ServiceSettings settings;
        settings.server.host = "127.0.0.1";
        settings.server.port = 0;
        settings.server.maxThreads = 4;
        settings.instrumentStatus = drivers;
        host = std::make_unique<app::ServiceHost>(service.database(), std::move(*calendar), settings);
        host->start();
        admin = HttpClient(host->port(), service.login("administrator_a"));
    }
    void TearDown() override {
        if (drivers) drivers->stop();
        if (host) host->stop();
        DeviceReach::TearDown();
    }

    void storeInstrument(const std::string& code, const std::string& family, const std::string& transport,
                         const std::string& address) {
        auto done = service.database()->write([&](store::Transaction& tx) {
            store::InstrumentFields f;
            f.code = code;
            f.org_id = service.organisationId(TestService::kLabA);
            f.name = code;
            f.family = family;
            f.transport = transport;
            f.address = address;
            return store::InstrumentRepository(tx).create(f, "test");
        });
        ASSERT_TRUE(done.ok()) << done.error().message;
    }

    // The link's last_error once its state is one of `states`; "" if it never is.
    std::string lastError(const std::string& path, const std::vector<std::string>& states) {
        std::string why;
        eventually([&] {
            auto r = admin.get(path);
            if (r.status != 200 || !r.json()->has("link")) return false;
            auto link = r.json()->getObject("link");
            why = link->getValue<std::string>("last_error");
            return std::find(states.begin(), states.end(), link->getValue<std::string>("state")) != states.end() &&
                   !why.empty();
        });
        return why;
    }

    TestService service;
    std::shared_ptr<app::ServeDrivers> drivers;
    std::unique_ptr<app::ServiceHost> host;
    HttpClient admin{0};
};

TEST_F(DeviceReachAtRunTime, ADriverConnectsOnlyWhereTheAllowlistAllowsWhateverTheStoreSays) {
    // Something listens on loopback, where the allowlist (private ranges) does not reach.
    Poco::Net::ServerSocket balance(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::ServerSocket modbus(Poco::Net::SocketAddress("127.0.0.1", 0));
    const auto balancePort = std::to_string(balance.address().port());
    storeInstrument("BAL-LOOP", "sics", "tcp_connect", "localhost:" + balancePort);  // a name: resolved now
    auto logger = service.database()->write([&](store::Transaction& tx) -> store::StoreResult<std::int64_t> {
        auto created = store::ReadingRepository(tx).create_logger(
            "FL-LOOP", "sim", service.organisationId(TestService::kOfficeA1), "test");
        if (!created) return created.error();
        store::LoggerPollingFields f;
        f.transport = "modbus_tcp";
        f.address = "127.0.0.1:" + std::to_string(modbus.address().port());
        f.map_json = api::toJsonText(inlineMap());
        f.interval_seconds = 1;
        auto polled = store::LoggerPollingRepository(tx).put(created->id, std::nullopt, f, "test");
        if (!polled) return polled.error();
        return created->id;
    });
    ASSERT_TRUE(logger.ok()) << logger.error().message;
    EXPECT_EQ(drivers->start(), std::vector<std::string>{});

    const auto instrumentWhy = lastError("/api/v1/instruments/BAL-LOOP", {"backing_off", "failed"});
    EXPECT_NE(instrumentWhy.find("connect to localhost:" + balancePort +
                                 " refused: it resolves to no address lims.drivers.allow allows (private:*)"),
              std::string::npos)
        << instrumentWhy;
    const auto loggerWhy =
        lastError("/api/v1/coldchain/loggers/" + std::to_string(*logger), {"backing_off", "failed", "idle"});
    EXPECT_NE(loggerWhy.find("lims.drivers.allow"), std::string::npos) << loggerWhy;
    // Neither listener was ever connected to.
    EXPECT_FALSE(balance.poll(Poco::Timespan(0, 200'000), Poco::Net::Socket::SELECT_READ));
    EXPECT_FALSE(modbus.poll(Poco::Timespan(0, 200'000), Poco::Net::Socket::SELECT_READ));
}

TEST_F(DeviceReachAtRunTime, AFileDropFolderOutsideTheRootIsNeitherMadeNorWatched) {
    const auto folder = base / "outside" / "cds-export";
    std::ofstream(base / "outside" / "lims.db-wal") << "not an export";
    storeInstrument("HPLC-OUT", "csv", "file_drop", folder.string());
    storeInstrument("HPLC-DATA", "csv", "file_drop", (base / "outside").string());
    drivers->start();
    EXPECT_NE(lastError("/api/v1/instruments/HPLC-OUT", {"failed"}).find("lims.drivers.file_drop_root is not set"),
              std::string::npos);
    EXPECT_NE(lastError("/api/v1/instruments/HPLC-DATA", {"failed"}).find("lims.drivers.file_drop_root"),
              std::string::npos);
    EXPECT_FALSE(fs::exists(folder));
    EXPECT_FALSE(fs::exists(base / "outside" / "failed"));
    EXPECT_TRUE(fs::exists(base / "outside" / "lims.db-wal"));  // not moved away from its database
}

}  // namespace
}  // namespace lims::test
