// Modbus logger polling against the libmodbus logger farm (many ports x unit ids, every
// profile), a python3-pymodbus server, an RTU logger on a socat pty pair, and mbpoll
// reading the farm. Readings land in the in-memory sink.
#include "drivers_test_sink.hpp"
#include "open_files.hpp"

#include "drivers/driver_host.hpp"
#include "fixtures/simulators/modbus_loggers.hpp"
#include "lims/workflow/modbus_map_json.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <algorithm>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using drivers_test::MemorySink;
using lims::testing::OpenFiles;
using lims::testing::raise_open_file_limit;
using drivers_test::wait_for;
using simulators::Profile;

const std::string kMapFile = std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json";

drivers::MapLoader file_loader() {
    return [](const std::string& path) -> std::variant<protocols::modbus::RegisterMap, std::string> {
        std::ifstream in(path);
        if (!in) return "cannot read " + path;
        std::stringstream text;
        text << in.rdbuf();
        auto map = lims::workflow::load_modbus_map(text.str());
        if (auto* errors = std::get_if<std::vector<protocols::modbus::MapError>>(&map))
            return errors->empty() ? std::string("invalid map") : errors->front().message;
        return std::get<protocols::modbus::RegisterMap>(std::move(map));
    };
}

drivers::LoggerConfig logger(const std::string& id, std::uint16_t port, int unit) {
    drivers::LoggerConfig c;
    c.id = id;
    c.address = "127.0.0.1:" + std::to_string(port);
    c.unit_id = unit;
    c.map_file = kMapFile;
    c.point = "chamber_temperature";
    c.interval = std::chrono::milliseconds(200);
    c.timeout = std::chrono::milliseconds(200);
    c.retries = 1;
    c.retry_failed_after = std::chrono::milliseconds(300);
    return c;
}

TEST(DriversModbus, FarmOfLoggersOnPortsAndUnitIdsIsPolled) {
    simulators::LoggerFarmOptions fo;
    fo.ports = 2;
    fo.units_per_port = 3;
    simulators::LoggerFarm farm(fo);
    drivers::Registry r;
    for (int p = 0; p < 2; ++p)
        for (int u = 1; u <= 3; ++u)
            r.loggers.push_back(logger("L" + std::to_string(p) + std::to_string(u), farm.ports()[p], u));
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    ASSERT_TRUE(host.start(r, sink).empty());
    for (const auto& c : r.loggers) {
        ASSERT_TRUE(wait_for([&] { return sink.readings_of(c.id).size() >= 3; })) << c.id;
        for (const auto& reading : sink.readings_of(c.id)) {
            ASSERT_TRUE(reading.centi_celsius.has_value());
            // steady profile: 5.0 + offset (<= 0.9) +- 0.3 °C
            EXPECT_GE(*reading.centi_celsius, 460);
            EXPECT_LE(*reading.centi_celsius, 630);
        }
        EXPECT_EQ(host.state(c.id).state == drivers::DeviceState::failed, false);
    }
}

TEST(DriversModbus, ProfilesArriveAsReadings) {
    simulators::LoggerFarmOptions fo;
    fo.units_per_port = 3;
    fo.event_start_s = 0;
    fo.profile = [](std::size_t i) {
        return i == 0 ? Profile::long_heat : i == 1 ? Profile::freeze : Profile::sensor_fault;
    };
    simulators::LoggerFarm farm(fo);
    drivers::Registry r;
    for (int u = 1; u <= 3; ++u) r.loggers.push_back(logger("P" + std::to_string(u), farm.ports()[0], u));
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] {
        return !sink.readings_of("P1").empty() && !sink.readings_of("P2").empty() && !sink.readings_of("P3").empty();
    }));
    EXPECT_EQ(sink.readings_of("P1").front().centi_celsius, 950);
    EXPECT_EQ(sink.readings_of("P2").front().centi_celsius, -200);
    EXPECT_EQ(sink.readings_of("P3").front().centi_celsius, std::nullopt);  // the map's fault value
}

TEST(DriversModbus, LoggerThatNeverAnswersIsMarkedFailedAndPolledAgainLater) {
    simulators::LoggerFarmOptions fo;
    fo.units_per_port = 2;
    fo.event_start_s = 0;
    fo.profile = [](std::size_t i) { return i == 0 ? Profile::going_silent : Profile::steady; };
    simulators::LoggerFarm farm(fo);
    drivers::Registry r;
    r.loggers.push_back(logger("SILENT", farm.ports()[0], 1));
    r.loggers.push_back(logger("ALIVE", farm.ports()[0], 2));
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] { return host.state("SILENT").state == drivers::DeviceState::failed; }));
    EXPECT_NE(host.state("SILENT").last_error.find("after 2 attempts"), std::string::npos)
        << host.state("SILENT").last_error;
    // Polled again after retry_failed_after: more unanswered requests than one poll's two attempts.
    ASSERT_TRUE(wait_for([&] { return farm.unanswered() >= 6; }));
    ASSERT_TRUE(wait_for([&] { return host.state("SILENT").failures >= 3; }));
    EXPECT_TRUE(sink.readings_of("SILENT").empty());
    // Its neighbour on the same line keeps being read.
    ASSERT_TRUE(wait_for([&] { return sink.readings_of("ALIVE").size() >= 3; }));
}

TEST(DriversModbus, NothingListeningMeansFailed) {
    drivers::Registry r;
    r.loggers.push_back(logger("GONE", 1, 1));
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] { return host.state("GONE").state == drivers::DeviceState::failed; }));
    EXPECT_NE(host.state("GONE").last_error.find("connect"), std::string::npos);
}

TEST(DriversModbus, BadLoggerConfigurationIsReportedByName) {
    drivers::Registry r;
    auto c = logger("BAD", 1502, 1);
    c.point = "no_such_point";
    r.loggers.push_back(c);
    auto d = logger("NOMAP", 1502, 1);
    d.map_file = "/nonexistent/map.json";
    r.loggers.push_back(d);
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    auto problems = host.start(r, sink);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_NE(problems[0].find("BAD"), std::string::npos);
    EXPECT_NE(problems[0].find("no_such_point"), std::string::npos);
    EXPECT_NE(problems[1].find("NOMAP"), std::string::npos);
    EXPECT_EQ(host.state("BAD").state, drivers::DeviceState::failed);
}

std::string run(const std::string& command) {
    std::string output;
    if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
        char buf[4096];
        while (auto n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
        ::pclose(p);
    }
    return output;
}

TEST(DriversModbus, MbpollReadsTheLoggerSimulator) {
    simulators::LoggerFarmOptions fo;
    fo.units_per_port = 2;
    fo.event_start_s = 0;
    fo.profile = [](std::size_t i) { return i == 0 ? Profile::freeze : Profile::long_heat; };
    simulators::LoggerFarm farm(fo);
    const auto port = std::to_string(farm.ports()[0]);
    auto out = run("mbpoll -m tcp -a 1 -0 -r 0 -c 3 -t 4 -1 -o 5 -p " + port + " 127.0.0.1");
    EXPECT_NE(out.find("(-20)"), std::string::npos) << out;  // -2.0 °C in tenths, signed
    EXPECT_NE(out.find("[2]: \t515"), std::string::npos) << out;
    out = run("mbpoll -m tcp -a 2 -0 -r 0 -c 1 -t 4 -1 -o 5 -p " + port + " 127.0.0.1");
    EXPECT_NE(out.find("[0]: \t95"), std::string::npos) << out;
}

// A third-party peer as a child process. Its standard error goes to a file, so a peer that
// cannot start (a missing Python module: python3-pymodbus imports serial and serial_asyncio,
// which Debian installs only as Recommends) fails the test at once with its own words
// instead of a minute's wait for readings that never come.
class ChildProcess {
public:
    explicit ChildProcess(std::vector<std::string> argv)
        : errors_(std::filesystem::temp_directory_path() / ("peer_stderr_" + std::to_string(::getpid()) + "_" +
                                                            std::to_string(++count_) + ".txt")) {
        pid_ = ::fork();
        if (pid_ == 0) {
            if (std::FILE* f = std::fopen(errors_.c_str(), "w")) ::dup2(::fileno(f), STDERR_FILENO);
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
            ::_exit(127);
        }
    }
    ~ChildProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        std::filesystem::remove(errors_);
    }
    // True once the peer has ended (by itself: it failed).
    bool exited() {
        if (exited_ || pid_ <= 0) return true;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            status_ = status;
        }
        return exited_;
    }
    std::string describe() const {
        std::ifstream in(errors_);
        std::ostringstream text;
        text << in.rdbuf();
        return "the peer ended (wait status " + std::to_string(status_) + "); its standard error:\n" + text.str();
    }

private:
    static inline int count_ = 0;
    std::filesystem::path errors_;
    pid_t pid_ = -1;
    bool exited_ = false;
    int status_ = 0;
};

std::uint16_t free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

TEST(DriversModbus, APeerThatCannotStartIsReportedWithItsOwnError) {
    ChildProcess peer({"/usr/bin/python3", "-c", "import lims_no_such_module"});
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_for([&] { return peer.exited(); }, std::chrono::seconds(20)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
    EXPECT_NE(peer.describe().find("ModuleNotFoundError: No module named 'lims_no_such_module'"), std::string::npos)
        << peer.describe();
}

// A python3-pymodbus TCP server on 127.0.0.1:port whose chamber temperature reads -5.0 °C
// (0xFFCE tenths), as a child process; its script is removed with it.
class PymodbusServer {
public:
    explicit PymodbusServer(std::uint16_t port)
        : script_(write_script(port)), process_({"/usr/bin/python3", script_.string()}) {}
    ~PymodbusServer() { std::filesystem::remove(script_); }
    bool exited() { return process_.exited(); }
    std::string describe() const { return process_.describe(); }
    static constexpr std::int32_t kCentiCelsius = -500;

private:
    static std::filesystem::path write_script(std::uint16_t port) {
        const auto script =
            std::filesystem::temp_directory_path() / ("drivers_pymodbus_" + std::to_string(port) + ".py");
        std::ofstream out(script);
        out << "import sys\n"
               "from pymodbus.server import StartTcpServer\n"
               "from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext\n"
               "block = ModbusSequentialDataBlock(0, [0xFFCE, 0xFFD1, 515, 0, 0, 371] + [0] * 10)\n"
               "store = ModbusSlaveContext(hr=block, ir=block, zero_mode=True)\n"
               "StartTcpServer(context=ModbusServerContext(slaves=store, single=True), address=('127.0.0.1', "
            << port << "))\n";
        return script;
    }
    std::filesystem::path script_;
    ChildProcess process_;
};

TEST(DriversModbus, PymodbusServerIsPolled) {
    const auto port = free_port();
    PymodbusServer server(port);
    drivers::Registry r;
    auto c = logger("PY-1", port, 1);
    c.retry_failed_after = std::chrono::milliseconds(200);  // the server takes a moment to start
    r.loggers.push_back(c);
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] { return !sink.readings_of("PY-1").empty() || server.exited(); }));
    ASSERT_FALSE(server.exited()) << server.describe();
    EXPECT_EQ(sink.readings_of("PY-1").front().centi_celsius, PymodbusServer::kCentiCelsius);
}

// ---- descriptors above FD_SETSIZE (issue 15 item 5) ---------------------------------------
// libmodbus waits with select(): a socket numbered 1024 or more aborted the whole process
// ("*** bit out of range 0 - FD_SETSIZE on fd_set ***"). A service with a few hundred
// gateways and its HTTP clients has that many open.

int new_socket_number() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) ::close(fd);
    return fd;
}

TEST(DriversModbus, APeerIsPolledWhileMoreThanFdSetsizeDescriptorsAreOpen) {
    ASSERT_TRUE(raise_open_file_limit(4096)) << "the test needs 4096 open files (ulimit -Hn)";
    const auto port = free_port();
    drivers::Registry r;
    auto c = logger("FD-1", port, 1);
    c.retry_failed_after = std::chrono::milliseconds(200);
    r.loggers.push_back(c);
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader(), .descriptors = drivers::LowDescriptorPool::create()});
    ASSERT_TRUE(host.start(r, sink).empty());
    // Nothing listens yet: the line's first connections fail, so the one that succeeds is
    // made with every number below 1024 (and a hundred above) open.
    ASSERT_TRUE(wait_for([&] { return host.state("FD-1").failures >= 1; }));
    OpenFiles files(FD_SETSIZE + 100);
    ASSERT_GE(files.highest(), FD_SETSIZE + 100);
    ASSERT_GE(new_socket_number(), FD_SETSIZE);
    PymodbusServer server(port);
    ASSERT_TRUE(wait_for([&] { return sink.readings_of("FD-1").size() >= 3 || server.exited(); }))
        << host.state("FD-1").last_error;
    ASSERT_FALSE(server.exited()) << server.describe();
    EXPECT_EQ(sink.readings_of("FD-1").front().centi_celsius, PymodbusServer::kCentiCelsius);
}

TEST(DriversModbus, WithNoDescriptorBelowFdSetsizeFreeTheLineIsRefusedByNameAndTheProcessLives) {
    ASSERT_TRUE(raise_open_file_limit(4096)) << "the test needs 4096 open files (ulimit -Hn)";
    auto pool = drivers::LowDescriptorPool::create();
    drivers::DriverHost host({.load_map = file_loader(), .descriptors = pool});
    OpenFiles files(FD_SETSIZE);
    ASSERT_GE(files.highest(), FD_SETSIZE);
    drivers::Registry r;
    r.loggers.push_back(logger("FULL-1", free_port(), 1));
    MemorySink sink;
    auto problems = host.start(r, sink);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("logger FULL-1: line tcp:127.0.0.1:"), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("no descriptor below FD_SETSIZE (1024) is free for libmodbus"), std::string::npos)
        << problems[0];
    EXPECT_EQ(host.state("FULL-1").state, drivers::DeviceState::failed);
    EXPECT_EQ(pool->held(), 0u);
}

TEST(DriversModbus, LinesBeyondWhatOneServiceRunsAreRefusedNamingTheirLoggers) {
    drivers::Registry r;
    std::vector<std::uint16_t> ports{free_port(), free_port(), free_port()};
    std::sort(ports.begin(), ports.end());
    for (std::size_t i = 0; i < ports.size(); ++i) {
        r.loggers.push_back(logger("LINE-" + std::to_string(i) + "a", ports[i], 1));
        r.loggers.push_back(logger("LINE-" + std::to_string(i) + "b", ports[i], 2));
    }
    MemorySink sink;
    auto pool = drivers::LowDescriptorPool::create();
    drivers::DriverHost host({.load_map = file_loader(), .descriptors = pool, .max_modbus_lines = 2});
    auto problems = host.start(r, sink);
    // Lines are taken in the order of their keys ("tcp:127.0.0.1:<port>", compared as text).
    std::vector<std::string> keys;
    for (auto p : ports) keys.push_back("tcp:127.0.0.1:" + std::to_string(p));
    const auto last = std::max_element(keys.begin(), keys.end()) - keys.begin();
    ASSERT_EQ(problems.size(), 2u);  // the two loggers of the last line, none of the others
    for (const char* unit : {"a", "b"}) {
        const auto id = "LINE-" + std::to_string(last) + unit;
        EXPECT_EQ(host.state(id).state, drivers::DeviceState::failed);
        EXPECT_NE(host.state(id).last_error.find("3 Modbus lines configured, at most 2 run in this process"),
                  std::string::npos)
            << host.state(id).last_error;
    }
    for (const auto& p : problems) EXPECT_NE(p.find("LINE-" + std::to_string(last)), std::string::npos) << p;
    EXPECT_EQ(pool->held(), 2u);
}

TEST(DriversModbus, TheProcessHoldsAtMostHalfItsOpenFileLimitInLines) {
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    std::string why;
    rlimit low = saved;
    low.rlim_cur = 200;  // the test process has far fewer open now
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    const auto limit = drivers::modbus_line_limit(&why);
    ::setrlimit(RLIMIT_NOFILE, &saved);
    EXPECT_EQ(limit, 100u);
    EXPECT_NE(why.find("half of the process's open-file limit (200; raise it with ulimit -n"), std::string::npos) << why;
    ASSERT_TRUE(raise_open_file_limit(4096));
    EXPECT_EQ(drivers::modbus_line_limit(&why), drivers::kMaxModbusLines);
    EXPECT_EQ(drivers::kMaxModbusLines, 960u);
    EXPECT_NE(why.find("FD_SETSIZE less 64"), std::string::npos) << why;
}

TEST(DriversModbus, RtuLoggerOverSocatPty) {
    const auto dir = std::filesystem::temp_directory_path() / ("drivers_rtu_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto a = (dir / "a").string(), b = (dir / "b").string();
    ChildProcess socat({"/usr/bin/socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b});
    ASSERT_TRUE(wait_for([&] { return std::filesystem::exists(a) && std::filesystem::exists(b); },
                         std::chrono::seconds(20)));
    simulators::RtuLogger device(b, 7, Profile::freeze, 0);
    ASSERT_TRUE(device.ok()) << device.error();
    drivers::Registry r;
    drivers::LoggerConfig c = logger("RTU-7", 0, 7);
    c.transport = "rtu";
    c.address = a;
    c.timeout = std::chrono::milliseconds(1000);
    r.loggers.push_back(c);
    MemorySink sink;
    drivers::DriverHost host({.load_map = file_loader()});
    ASSERT_TRUE(host.start(r, sink).empty());
    ASSERT_TRUE(wait_for([&] { return sink.readings_of("RTU-7").size() >= 2; })) << host.state("RTU-7").last_error;
    EXPECT_EQ(sink.readings_of("RTU-7").front().centi_celsius, -200);
    host.stop();
    device.stop();
    std::filesystem::remove_all(dir);
}

}  // namespace
