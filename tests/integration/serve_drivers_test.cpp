// `lims serve`'s in-process drivers against the real service: an administrator registers an
// HL7 analyzer and its mapping through the API, the periodic registry check starts its
// listener, the analyzer simulator's result becomes pending review, the link state reads
// through the API, changes through the API restart or stop the driver, and instruments
// that cannot run are reported failed with the reason while the service carries on.
#include "lims/app/serve_drivers.hpp"

#include "drivers_test_sink.hpp"

#include "fixtures/simulators/hl7_analyzer.hpp"
#include "fixtures/simulators/modbus_loggers.hpp"
#include "fixtures/simulators/specimens.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "test_service.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <Poco/Path.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace {

using lims::test::HttpClient;
using lims::test::HttpReply;
using lims::test::TestService;

// Long enough for any registry check on a loaded CI machine; the waits end as soon as
// the condition holds, so this only bounds a failing test.
constexpr auto kPatience = std::chrono::seconds(30);
// The registry check period of these tests: short so that API changes show quickly.
constexpr std::chrono::milliseconds kCheckPeriod{100};

// A loopback port free right now.
std::uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

bool connect_refused(std::uint16_t port) {
    try {
        Poco::Net::StreamSocket s;
        s.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(5, 0));
        return false;
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return true;
    }
}

// Polls `condition` until it holds or kPatience passes; false then.
bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

class ServeDrivers : public ::testing::Test {
protected:
    void SetUp() override {
        auto calendar = lims::workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars");
        ASSERT_TRUE(calendar.ok()) << calendar.error().message;
        lims::app::ServeDriversOptions options;
        options.check_period = kCheckPeriod;
        options.policy = TestService::testDevicePolicy();  // loopback simulators, fixture maps
        auto created = lims::app::ServeDrivers::create(service.database(), options, Poco::Logger::get("serve-drivers-test"));
        ASSERT_TRUE(created.ok()) << created.error().message;
        drivers = *created;
        // The service as `lims serve` assembles it with lims.drivers.enabled: the routes
        // read the drivers' links. It shares the harness's database, users and tokens.
        lims::app::ServiceSettings settings;
        settings.server.host = "127.0.0.1";
        settings.server.port = 0;
        settings.server.maxThreads = 4;
        settings.instrumentStatus = drivers;
        settings.devicePolicy = TestService::testDevicePolicy();
        host = std::make_unique<lims::app::ServiceHost>(service.database(), std::move(*calendar), settings);
        host->start();
        EXPECT_EQ(drivers->start(), std::vector<std::string>{});  // nothing configured yet
        admin = HttpClient(host->port(), service.login("administrator_a"));
        analyst = HttpClient(host->port(), service.login("analyst_a"));
    }

    void TearDown() override {
        if (drivers) drivers->stop();
        if (host) host->stop();
    }

    Poco::JSON::Object::Ptr instrument(const std::string& code, const std::string& family, const std::string& transport,
                                       const std::string& address) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("code", code);
        o->set("organisation_code", TestService::kLabA);
        o->set("name", code + " analyzer");
        o->set("family", family);
        o->set("transport", transport);
        o->set("address", address);
        return o;
    }

    // The instrument's link as the API reports it; empty state when there is none.
    std::string link_state(const std::string& code, std::string* last_error = nullptr) {
        auto reply = admin.get("/api/v1/instruments/" + code);
        if (reply.status != 200 || !reply.json() || !reply.json()->has("link")) return "";
        auto link = reply.json()->getObject("link");
        if (last_error) *last_error = link->getValue<std::string>("last_error");
        return link->getValue<std::string>("state");
    }

    // A registered sample of LAB-A with a pending glucose test; returns the test's id.
    std::int64_t count(const std::string& sql) {
        Poco::Int64 n = -1;
        auto ok = service.database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
            tx.session() << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
            return lims::store::Done{};
        });
        EXPECT_TRUE(ok.ok());
        return n;
    }

    std::int64_t sample_with_glucose_test(std::string& number) {
        std::int64_t test_id = 0;
        const auto lab = service.organisationId(TestService::kLabA);
        auto ok = service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
            lims::store::SampleRepository samples(tx);
            lims::store::NewSample s;
            s.org_id = lab;
            s.product_name = "Glucose injection";
            s.batch_number = "B2026";
            s.quantity = "6";
            s.unit = "vial";
            s.sampled_at = "2026-11-20T02:00:00.000Z";
            s.portions = {{lims::domain::PortionKind::test, "2", "vial", std::nullopt},
                          {lims::domain::PortionKind::retained, "2", "vial", std::nullopt}};
            auto sample = samples.register_sample(s, "test");
            if (!sample) return sample.error();
            number = sample->number;
            using namespace Poco::Data::Keywords;
            Poco::Int64 sid = sample->id;
            std::string at = tx.now_utc();
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                            "VALUES ($1, 'glucose', 'pending', $2, $2) RETURNING id",
                bind(sid), bind(at), into(id), now;
            test_id = id;
            return lims::store::Done{};
        });
        EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
        return test_id;
    }

    TestService service;
    std::shared_ptr<lims::app::ServeDrivers> drivers;
    std::unique_ptr<lims::app::ServiceHost> host;
    HttpClient admin{0};
    HttpClient analyst{0};
};

TEST_F(ServeDrivers, AnInstrumentCreatedThroughTheApiReceivesResultsAndFollowsItsChanges) {
    std::string number;
    const auto test_id = sample_with_glucose_test(number);
    ASSERT_GT(test_id, 0);
    const auto port = free_port();
    auto created = admin.post("/api/v1/instruments",
                              instrument("AU-SERVE", "hl7", "tcp_listen", "127.0.0.1:" + std::to_string(port)));
    ASSERT_EQ(created.status, 201) << created.describe();
    Poco::JSON::Object::Ptr mapping = new Poco::JSON::Object;
    mapping->set("instrument_test_code", "GLU");
    mapping->set("test_code", "glucose");
    mapping->set("result_unit", "mmol/L");
    auto mapped = admin.post("/api/v1/instruments/AU-SERVE/mappings", mapping);
    ASSERT_EQ(mapped.status, 201) << mapped.describe();

    // No restart: the periodic registry check starts the listener.
    ASSERT_TRUE(eventually([&] { return drivers->listening_port("AU-SERVE") == port; }));
    EXPECT_EQ(link_state("AU-SERVE"), "idle");

    simulators::Hl7AnalyzerOptions send;
    send.port = port;
    send.messages = {simulators::hl7_oru("AU-SERVE", simulators::chemistry_panel(number, 3), "SERVE1")};
    auto report = simulators::run_hl7_analyzer(send);
    EXPECT_EQ(report.error, "");
    EXPECT_EQ(report.accepted, 1u);  // AA only after the commit
    EXPECT_EQ(report.rejected, 0u);

    auto test = analyst.get("/api/v1/tests/" + std::to_string(test_id));
    ASSERT_EQ(test.status, 200) << test.describe();
    EXPECT_EQ(test.json()->getValue<std::string>("state"), "pending_review");
    // The analyzer hung up: the listener waits again, and the link counts what it took.
    ASSERT_TRUE(eventually([&] { return link_state("AU-SERVE") == "idle"; }));
    auto got = admin.get("/api/v1/instruments/AU-SERVE");
    ASSERT_EQ(got.status, 200) << got.describe();
    auto link = got.json()->getObject("link");
    EXPECT_EQ(link->getValue<Poco::UInt64>("messages"), 1u);
    EXPECT_EQ(link->getValue<Poco::UInt64>("connections"), 1u);
    EXPECT_EQ(link->getValue<std::string>("last_error"), "");
    EXPECT_FALSE(link->getValue<std::string>("since").empty());
    // The list shows the link too.
    auto listed = admin.get("/api/v1/instruments");
    ASSERT_EQ(listed.status, 200) << listed.describe();
    ASSERT_EQ(listed.json()->getArray("items")->size(), 1u);
    EXPECT_TRUE(listed.json()->getArray("items")->getObject(0)->has("link"));

    // Moving it to another port restarts its driver there, and only there.
    const auto moved_to = free_port();
    auto body = instrument("AU-SERVE", "hl7", "tcp_listen", "127.0.0.1:" + std::to_string(moved_to));
    auto moved = admin.put("/api/v1/instruments/AU-SERVE", body, {{"If-Match", got.header("etag")}});
    ASSERT_EQ(moved.status, 200) << moved.describe();
    ASSERT_TRUE(eventually([&] { return drivers->listening_port("AU-SERVE") == moved_to; }));
    EXPECT_TRUE(connect_refused(port));
    EXPECT_FALSE(connect_refused(moved_to));

    // Deactivated: its listener closes and the link says stopped.
    body->set("active", false);
    auto deactivated = admin.put("/api/v1/instruments/AU-SERVE", body, {{"If-Match", moved.header("etag")}});
    ASSERT_EQ(deactivated.status, 200) << deactivated.describe();
    ASSERT_TRUE(eventually([&] { return link_state("AU-SERVE") == "stopped"; }));
    EXPECT_EQ(drivers->listening_port("AU-SERVE"), 0);
    EXPECT_TRUE(connect_refused(moved_to));
    EXPECT_TRUE(service.auditChainIntact());
}

// Issue 15 item 9 through the service: allowed_peers set through the API reaches the
// listener; a refused peer is shown in the instrument's link (last_error, refused_peers).
TEST_F(ServeDrivers, AllowedPeersSetThroughTheApiCloseOthersAtOnceAndTheLinkShowsThem) {
    const auto port = free_port();
    auto body = instrument("AU-PEERS", "hl7", "tcp_listen", "127.0.0.1:" + std::to_string(port));
    body->set("options", R"({"allowed_peers": "127.0.0.1", "frame_deadline_s": 20})");
    auto created = admin.post("/api/v1/instruments", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    ASSERT_TRUE(eventually([&] { return drivers->listening_port("AU-PEERS") == port; }));

    const auto refused = drivers_test::trickle(port, "\x0bMSH|", std::chrono::milliseconds(20), std::chrono::seconds(10),
                                               "127.0.0.2");
    ASSERT_TRUE(refused.has_value()) << "a peer outside allowed_peers kept its connection";
    Poco::JSON::Object::Ptr link;
    ASSERT_TRUE(eventually([&] {
        auto got = admin.get("/api/v1/instruments/AU-PEERS");
        if (got.status != 200 || !got.json()->has("link")) return false;
        link = got.json()->getObject("link");
        return link->getValue<Poco::UInt64>("refused_peers") == 1u;
    }));
    EXPECT_EQ(link->getValue<std::string>("last_error").rfind("peer.refused: 127.0.0.2:", 0), 0u)
        << link->getValue<std::string>("last_error");
    EXPECT_EQ(link->getValue<Poco::UInt64>("connections"), 0u);

    // The analyzer's own address is served.
    simulators::Hl7AnalyzerOptions send;
    send.port = port;
    send.messages = {simulators::hl7_oru("AU-PEERS", simulators::chemistry_panel("S-NONE", 1), "PEERS1")};
    EXPECT_EQ(simulators::run_hl7_analyzer(send).accepted, 1u);

    // Changed through the API: the driver restarts with the new list, and 127.0.0.1 is out.
    body->set("options", R"({"allowed_peers": "127.0.0.2"})");
    auto changed = admin.put("/api/v1/instruments/AU-PEERS", body, {{"If-Match", created.header("etag")}});
    ASSERT_EQ(changed.status, 200) << changed.describe();
    ASSERT_TRUE(eventually([&] {
        std::string last_error;
        link_state("AU-PEERS", &last_error);
        if (last_error.rfind("peer.refused: 127.0.0.1:", 0) == 0) return true;
        try {  // while the driver restarts, nothing may listen: connecting then throws
            drivers_test::trickle(port, "", std::chrono::milliseconds(20), std::chrono::seconds(1), "127.0.0.1");
        } catch (const boost::system::system_error&) {
        }
        return false;
    }));
}

TEST_F(ServeDrivers, InstrumentsThatCannotRunAreReportedFailedWithTheReasonAndTheServiceCarriesOn) {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine, so binding fails.
    ASSERT_EQ(admin.post("/api/v1/instruments", instrument("AU-NOWHERE", "hl7", "tcp_listen", "192.0.2.1:5100")).status,
              201);
    // The API refuses a misspelt option (registry_options_api_test); one stored before that
    // check existed (written straight to the store here) still fails its driver, by name.
    auto typo = service.database()->write([&](lims::store::Transaction& tx) {
        lims::store::InstrumentFields f;
        f.code = "AU-TYPO";
        f.org_id = service.organisationId(TestService::kLabA);
        f.name = "AU-TYPO analyzer";
        f.family = "hl7";
        f.transport = "tcp_listen";
        f.address = "127.0.0.1:" + std::to_string(free_port());
        f.options_json = R"({"max_conections": 4})";
        return lims::store::InstrumentRepository(tx).create(f, "test");
    });
    ASSERT_TRUE(typo.ok()) << typo.error().message;
    ASSERT_EQ(admin.post("/api/v1/instruments", instrument("LOGGER-AS-INSTRUMENT", "modbus", "modbus_tcp",
                                                           "127.0.0.1:502"))
                  .status,
              201);
    const auto healthy_port = free_port();
    ASSERT_EQ(admin.post("/api/v1/instruments",
                         instrument("AU-FINE", "hl7", "tcp_listen", "127.0.0.1:" + std::to_string(healthy_port)))
                  .status,
              201);

    std::string why;
    ASSERT_TRUE(eventually([&] { return link_state("AU-NOWHERE", &why) == "failed"; }));
    EXPECT_NE(why.find("192.0.2.1"), std::string::npos) << why;
    ASSERT_TRUE(eventually([&] { return link_state("AU-TYPO", &why) == "failed"; }));
    EXPECT_NE(why.find("max_conections"), std::string::npos) << why;
    ASSERT_TRUE(eventually([&] { return link_state("LOGGER-AS-INSTRUMENT", &why) == "failed"; }));
    EXPECT_NE(why.find("logger"), std::string::npos) << why;

    // The others run, and the service answers.
    ASSERT_TRUE(eventually([&] { return drivers->listening_port("AU-FINE") == healthy_port; }));
    EXPECT_EQ(link_state("AU-FINE"), "idle");
    EXPECT_EQ(admin.get("/healthz").status, 200);
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(ServeDrivers, OptionsThatAreNotAFlatJsonObjectAreRefusedWithTheReason) {
    const std::string address = "127.0.0.1:" + std::to_string(free_port());
    for (const auto& [options, expected] : std::vector<std::pair<std::string, std::string>>{
             {"{not json", "not JSON"},
             {"[1, 2]", "JSON object"},
             // The problem+json body escapes the quotes around the setting's name.
             {R"({"serial": {"baud": 9600}})", R"(\"serial\" must be a string, number or boolean)"},
             {R"({"framing": null})", R"(\"framing\" must be a string, number or boolean)"}}) {
        auto body = instrument("AU-BAD", "astm", "tcp_listen", address);
        body->set("options", options);
        auto reply = admin.post("/api/v1/instruments", body);
        EXPECT_EQ(reply.status, 422) << options << ": " << reply.describe();
        EXPECT_NE(reply.body.find("options"), std::string::npos) << reply.body;
        EXPECT_NE(reply.body.find(expected), std::string::npos) << options << ": " << reply.body;
    }
    EXPECT_EQ(admin.get("/api/v1/instruments/AU-BAD").status, 404);  // nothing written

    // Good options are kept as given and reach the driver.
    auto body = instrument("AU-GOOD", "astm", "tcp_listen", address);
    body->set("options", R"({"framing": "bare_records", "max_connections": 2})");
    auto created = admin.post("/api/v1/instruments", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(created.json()->getValue<std::string>("options"), R"({"framing": "bare_records", "max_connections": 2})");
    ASSERT_TRUE(eventually([&] { return link_state("AU-GOOD") == "idle"; }));
}

TEST_F(ServeDrivers, ALoggerWhosePollingIsSetThroughTheApiIsPolledInProcess) {
    simulators::LoggerFarm farm(simulators::LoggerFarmOptions{});
    const auto office = service.organisationId(TestService::kOfficeA1);
    auto logger = service.database()->write([&](lims::store::Transaction& tx) {
        return lims::store::ReadingRepository(tx).create_logger("FRZ-SERVE", "sim", office, "test");
    });
    ASSERT_TRUE(logger.ok()) << logger.error().message;
    const std::string polling = "/api/v1/coldchain/loggers/" + std::to_string(logger->id) + "/polling";
    EXPECT_EQ(admin.get(polling).status, 404);  // not polled yet

    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("transport", "modbus_tcp");
    body->set("address", "127.0.0.1:" + std::to_string(farm.ports()[0]));
    body->set("map_file", std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json");
    body->set("point", "chamber_temperature");
    body->set("interval_seconds", 1);
    body->set("timeout_ms", 500);
    body->set("retries", 1);
    EXPECT_EQ(admin.put(polling, body).status, 428);  // neither If-Match nor If-None-Match: *
    auto set = admin.put(polling, body, {{"If-None-Match", "*"}});
    ASSERT_EQ(set.status, 200) << set.describe();

    // The next registry check starts the poller; its readings are committed in-process.
    const auto readings = "SELECT count(*) FROM readings WHERE logger_id = " + std::to_string(logger->id);
    ASSERT_TRUE(eventually([&] { return count(readings) >= 2; }));
    auto got = admin.get(polling);
    ASSERT_EQ(got.status, 200) << got.describe();
    ASSERT_TRUE(got.json()->has("link")) << got.body;
    EXPECT_NE(got.json()->getObject("link")->getValue<std::string>("state"), "failed") << got.body;
    EXPECT_GE(got.json()->getObject("link")->getValue<Poco::UInt64>("polls"), 1u);

    // Settings exist: replacing them needs their version.
    EXPECT_EQ(admin.put(polling, body).status, 428);
    EXPECT_EQ(admin.put(polling, body, {{"If-None-Match", "*"}}).status, 409);
    // Bad settings are refused naming the field, and nothing changes.
    Poco::JSON::Object::Ptr bad = new Poco::JSON::Object(*body);
    bad->set("address", "no-port-here");
    auto refused = admin.put(polling, bad, {{"If-Match", got.header("etag")}});
    EXPECT_EQ(refused.status, 422) << refused.describe();
    EXPECT_NE(refused.body.find("no-port-here"), std::string::npos) << refused.body;
    Poco::JSON::Object::Ptr unit = new Poco::JSON::Object(*body);
    unit->set("unit_id", 0);
    EXPECT_EQ(admin.put(polling, unit, {{"If-Match", got.header("etag")}}).status, 422);

    // Deactivated: the poller stops polling it, and its link is gone.
    unit->set("unit_id", 1);
    unit->set("active", false);
    auto off = admin.put(polling, unit, {{"If-Match", got.header("etag")}});
    ASSERT_EQ(off.status, 200) << off.describe();
    ASSERT_TRUE(eventually([&] {
        auto r = admin.get(polling);
        return r.status == 200 && !r.json()->has("link");
    }));
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(ServeDrivers, ALoggerRegisteredThroughTheApiWithAnInlineMapIsPolledAndShowsItsLink) {
    simulators::LoggerFarm farm(simulators::LoggerFarmOptions{});
    std::ifstream map_file(std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json");
    std::stringstream map_text;
    map_text << map_file.rdbuf();
    Poco::JSON::Parser parser;
    auto map = parser.parse(map_text.str()).extract<Poco::JSON::Object::Ptr>();

    Poco::JSON::Object::Ptr polling = new Poco::JSON::Object;
    polling->set("transport", "modbus_tcp");
    polling->set("address", "127.0.0.1:" + std::to_string(farm.ports()[0]));
    polling->set("register_map", map);
    polling->set("point", "chamber_temperature");
    polling->set("interval_seconds", 1);
    polling->set("timeout_ms", 500);
    polling->set("retries", 1);
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("serial", "FRZ-REGISTERED");
    body->set("model", "FL-20");
    body->set("organisation_code", TestService::kOfficeA1);
    body->set("polling", polling);
    auto created = admin.post("/api/v1/coldchain/loggers", body);
    ASSERT_EQ(created.status, 201) << created.describe();
    const auto id = created.json()->getValue<Poco::Int64>("id");
    const std::string path = "/api/v1/coldchain/loggers/" + std::to_string(id);

    // The next registry check starts polling it; readings are committed in-process and the
    // logger's own route shows the poller's link.
    const auto readings = "SELECT count(*) FROM readings WHERE logger_id = " + std::to_string(id);
    ASSERT_TRUE(eventually([&] { return count(readings) >= 2; }));
    auto got = admin.get(path);
    ASSERT_EQ(got.status, 200) << got.describe();
    ASSERT_TRUE(got.json()->has("link")) << got.body;
    EXPECT_NE(got.json()->getObject("link")->getValue<std::string>("state"), "failed") << got.body;
    EXPECT_GE(got.json()->getObject("link")->getValue<Poco::UInt64>("polls"), 1u);

    // Its polling switched off through the polling route: the poller lets it go.
    auto settings = admin.get(path + "/polling");
    ASSERT_EQ(settings.status, 200) << settings.describe();
    polling->set("active", false);
    auto off = admin.put(path + "/polling", polling, {{"If-Match", settings.header("etag")}});
    ASSERT_EQ(off.status, 200) << off.describe();
    ASSERT_TRUE(eventually([&] {
        auto r = admin.get(path);
        return r.status == 200 && !r.json()->has("link");
    }));
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(ServeDrivers, ARegistryFileAddsInstrumentsTheDatabaseDoesNotKnowAndABadOneIsRefused) {
    const std::string dir = Poco::Path::temp();
    const std::string bad = dir + "lims-serve-drivers-bad-" + std::to_string(::getpid()) + ".json";
    std::ofstream(bad) << R"({"instruments": [{"id": "X", "family": "telex", "transport": "tcp_listen", "address": "a"}]})";
    lims::app::ServeDriversOptions options;
    options.registry_file = bad;
    auto refused = lims::app::ServeDrivers::create(service.database(), options, Poco::Logger::get("serve-drivers-test"));
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find(bad), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("telex"), std::string::npos) << refused.error().message;
    options.registry_file = dir + "lims-serve-drivers-missing.json";
    EXPECT_FALSE(lims::app::ServeDrivers::create(service.database(), options, Poco::Logger::get("serve-drivers-test")).ok());
    std::remove(bad.c_str());

    // AU-DB is in the database, deactivated: the file's entry of the same code does not run.
    auto db_entry = instrument("AU-DB", "hl7", "tcp_listen", "127.0.0.1:" + std::to_string(free_port()));
    db_entry->set("active", false);
    ASSERT_EQ(admin.post("/api/v1/instruments", db_entry).status, 201);
    const std::string good = dir + "lims-serve-drivers-good-" + std::to_string(::getpid()) + ".json";
    const auto file_port = free_port();
    std::ofstream(good) << R"({"instruments": [{"id": "AU-FILE", "family": "hl7", "transport": "tcp_listen", "address": "127.0.0.1:)"
                        << file_port << R"("}, {"id": "AU-DB", "family": "hl7", "transport": "tcp_listen", "address": "127.0.0.1:)"
                        << free_port() << R"("}]})";
    options.registry_file = good;
    options.check_period = kCheckPeriod;
    auto created = lims::app::ServeDrivers::create(service.database(), options, Poco::Logger::get("serve-drivers-test"));
    std::remove(good.c_str());
    ASSERT_TRUE(created.ok()) << created.error().message;
    auto& from_file = **created;
    EXPECT_EQ(from_file.start(), std::vector<std::string>{});
    EXPECT_EQ(from_file.listening_port("AU-FILE"), file_port);
    EXPECT_EQ(from_file.listening_port("AU-DB"), 0);
    ASSERT_TRUE(from_file.link("AU-FILE").has_value());
    EXPECT_EQ(from_file.link("AU-FILE")->state, "idle");
    from_file.stop();
    EXPECT_TRUE(connect_refused(file_port));
}

}  // namespace
