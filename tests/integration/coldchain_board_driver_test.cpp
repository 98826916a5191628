// Issue 19 item 5 through the real driver: `lims serve`'s in-process poller reads a
// third-party Modbus peer (Debian's python3-pymodbus) for a refrigerator's logger; the
// peer is killed, and the site board says "no data since" the last reading within seconds
// (the poller's link is down) instead of "ok" for 90 minutes. The polling answer carries
// no warning here: this service runs the drivers.
#include "lims/app/serve_drivers.hpp"
#include "lims/app/service_host.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "test_service.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace {

using lims::test::HttpClient;
using lims::test::TestService;

constexpr auto kPatience = std::chrono::seconds(30);

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

bool accepts(std::uint16_t port) {
    try {
        Poco::Net::StreamSocket s;
        s.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(1, 0));
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

std::uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

// python3-pymodbus serving 5.0 °C (50 tenths) in holding register 0, as a child process.
class PymodbusPeer {
public:
    explicit PymodbusPeer(std::uint16_t port)
        : script_(std::filesystem::temp_directory_path() / ("board_pymodbus_" + std::to_string(port) + ".py")) {
        std::ofstream(script_) << "from pymodbus.server import StartTcpServer\n"
                                  "from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, "
                                  "ModbusServerContext\n"
                                  "block = ModbusSequentialDataBlock(0, [50, 50, 515, 0, 0, 371] + [0] * 10)\n"
                                  "store = ModbusSlaveContext(hr=block, ir=block, zero_mode=True)\n"
                                  "StartTcpServer(context=ModbusServerContext(slaves=store, single=True), "
                                  "address=('127.0.0.1', "
                               << port << "))\n";
        pid_ = ::fork();
        if (pid_ == 0) {
            const std::string script = script_.string();
            ::execl("/usr/bin/python3", "python3", script.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~PymodbusPeer() {
        kill();
        std::filesystem::remove(script_);
    }
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    std::filesystem::path script_;
    pid_t pid_ = -1;
};

Poco::JSON::Object::Ptr object(std::initializer_list<std::pair<std::string, Poco::Dynamic::Var>> fields) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    for (const auto& [k, v] : fields) o->set(k, v);
    return o;
}

class ColdChainBoardDriver : public ::testing::Test {
protected:
    void SetUp() override {
        auto calendar = lims::workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars");
        ASSERT_TRUE(calendar.ok()) << calendar.error().message;
        lims::app::ServeDriversOptions options;
        options.check_period = std::chrono::milliseconds(100);
        options.retry_failed_after = std::chrono::milliseconds(200);
        options.policy = TestService::testDevicePolicy();
        auto created = lims::app::ServeDrivers::create(service.database(), options, Poco::Logger::get("board-driver-test"));
        ASSERT_TRUE(created.ok()) << created.error().message;
        drivers = *created;
        lims::app::ServiceSettings settings;
        settings.server.host = "127.0.0.1";
        settings.server.port = 0;
        settings.server.maxThreads = 4;
        settings.instrumentStatus = drivers;
        settings.devicePolicy = TestService::testDevicePolicy();
        host = std::make_unique<lims::app::ServiceHost>(service.database(), std::move(*calendar), settings);
        host->start();
        EXPECT_EQ(drivers->start(), std::vector<std::string>{});
        admin = HttpClient(host->port(), service.login("administrator_a"));
    }
    void TearDown() override {
        if (drivers) drivers->stop();
        if (host) host->stop();
    }
    Poco::JSON::Object::Ptr board_row() {
        auto board = admin.get("/api/v1/coldchain/site-status");
        EXPECT_EQ(board.status, 200) << board.describe();
        if (!board.json() || board.json()->getArray("items")->size() != 1) return nullptr;
        return board.json()->getArray("items")->getObject(0);
    }
    std::int64_t last_reading(std::int64_t logger_id) {
        Poco::Int64 at = 0;
        auto ok = service.database()->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
            tx.session() << "SELECT coalesce(max(at_utc), 0) FROM readings WHERE logger_id = $1",
                Poco::Data::Keywords::bind(logger_id), Poco::Data::Keywords::into(at), Poco::Data::Keywords::now;
            return lims::store::Done{};
        });
        EXPECT_TRUE(ok.ok());
        return at;
    }

    TestService service;
    std::shared_ptr<lims::app::ServeDrivers> drivers;
    std::unique_ptr<lims::app::ServiceHost> host;
    HttpClient admin{0};
};

TEST_F(ColdChainBoardDriver, APeerThatStopsAnsweringIsNoDataOnTheBoardWithinSeconds) {
    const auto office = service.organisationId(TestService::kOfficeA1);
    auto unit = admin.post("/api/v1/coldchain/storage-units",
                           object({{"code", "PY-FRIDGE"}, {"name", "vaccine refrigerator"}, {"kind", "refrigerator"},
                                   {"storage_class", "refrigerated"}, {"org_id", office}, {"min_centi_celsius", 200},
                                   {"max_centi_celsius", 800}}));
    ASSERT_EQ(unit.status, 201) << unit.describe();
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(admin.post("/api/v1/coldchain/contacts", object({{"org_id", office}, {"name", "duty " + std::to_string(i)},
                                                                   {"email", "duty" + std::to_string(i) + "@office.example"}}))
                      .status,
                  201);
    auto logger = service.database()->write([&](lims::store::Transaction& tx) {
        return lims::store::ReadingRepository(tx).create_logger("PY-FRIDGE-L1", "pymodbus", office, "test");
    });
    ASSERT_TRUE(logger.ok()) << logger.error().message;
    const std::string base = "/api/v1/coldchain/loggers/" + std::to_string(logger->id);
    // Placed from now (from_utc left out, issue 19 item 6).
    auto placed = admin.post(base + "/placements", object({{"storage_unit_id", unit.json()->getValue<Poco::Int64>("id")}}));
    ASSERT_EQ(placed.status, 201) << placed.describe();

    const auto port = free_port();
    auto peer = std::make_unique<PymodbusPeer>(port);
    // The peer takes a moment to start; the poller's first failed connection would wait
    // for its retry (tens of seconds), so the settings go in once it listens.
    ASSERT_TRUE(eventually([&] { return accepts(port); })) << "python3-pymodbus did not start on " << port;
    auto polling = admin.put(base + "/polling",
                             object({{"transport", "modbus_tcp"}, {"address", "127.0.0.1:" + std::to_string(port)},
                                     {"map_file", std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json"},
                                     {"point", "chamber_temperature"}, {"interval_seconds", 1}, {"timeout_ms", 300},
                                     {"retries", 0}}),
                             {{"If-None-Match", "*"}});
    ASSERT_EQ(polling.status, 200) << polling.describe();
    EXPECT_EQ(polling.json()->getArray("warnings")->size(), 0u) << polling.describe();  // the drivers run here

    // Polled: readings of 5.0 °C arrive and the board says ok, with the poller's link.
    ASSERT_TRUE(eventually([&] {
        auto row = board_row();
        return row && row->has("last_reading_utc") && row->getValue<std::string>("state") == "ok";
    })) << admin.get("/api/v1/coldchain/site-status").body << "\n" << admin.get(base + "/polling").body;
    auto row = board_row();
    EXPECT_EQ(row->getValue<int>("last_centi_celsius"), 500);
    EXPECT_EQ(row->getValue<Poco::Int64>("stale_after_s"), 2);  // two polling intervals
    EXPECT_FALSE(row->has("no_data_since_utc"));

    // The peer dies: within seconds the board says no data since the last reading.
    peer->kill();
    const auto killed = std::chrono::steady_clock::now();
    ASSERT_TRUE(eventually([&] {
        auto r = board_row();
        return r && r->getValue<std::string>("state") == "no_data";
    })) << admin.get("/api/v1/coldchain/site-status").body;
    EXPECT_LT(std::chrono::steady_clock::now() - killed, std::chrono::seconds(10));
    row = board_row();
    ASSERT_TRUE(row->has("no_data_since_utc")) << row->has("state");
    EXPECT_EQ(row->getValue<Poco::Int64>("no_data_since_utc"), last_reading(logger->id));
    EXPECT_EQ(row->getValue<Poco::Int64>("no_data_since_utc"), row->getValue<Poco::Int64>("last_reading_utc"));
}

}  // namespace
