// The account and service commands of the `lims` executable, run as processes the way an
// operator does: org add, user add (password on stdin), token issue, and serve answering
// on the port it printed until SIGTERM.
#include "lims/store/audit.hpp"
#include "lims/store/database.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

namespace {

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Run runLims(const std::vector<std::string>& args, const std::string& url, const std::string& input = "") {
    Poco::Pipe inPipe, outPipe, errPipe;
    Poco::Process::Env env;
    env["LIMS_DATABASE"] = url;
    auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims", args, ".", &inPipe, &outPipe, &errPipe, env);
    {
        Poco::PipeOutputStream in(inPipe);
        in << input;
    }
    inPipe.close();
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    Run r;
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, r.err); });
    Poco::StreamCopier::copyToString(outStream, r.out);
    errReader.join();
    r.exitCode = handle.wait();
    return r;
}

class LimsServeCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "lims-cli-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir = pattern;
        url = "sqlite:" + dir + "/lims.db";
        auto m = runLims({"migrate"}, url);
        ASSERT_EQ(m.exitCode, 0) << m.err;
        auto org = runLims({"org", "add", "--code", "PROV", "--name", "Provincial administration", "--kind", "bureau",
                            "--region", "310000"},
                           url);
        ASSERT_EQ(org.exitCode, 0) << org.err;
        auto lab = runLims({"org", "add", "--code", "LAB", "--name", "Laboratory", "--kind", "inspection_centre",
                            "--region", "310100", "--parent", "PROV"},
                           url);
        ASSERT_EQ(lab.exitCode, 0) << lab.err;
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string dir;
    std::string url;
};

TEST_F(LimsServeCliTest, OrgAddRefusesBadInputByName) {
    auto region = runLims({"org", "add", "--code", "X", "--name", "X", "--kind", "bureau", "--region", "99999"}, url);
    EXPECT_EQ(region.exitCode, 2);
    EXPECT_NE(region.err.find("X"), std::string::npos) << region.err;
    auto kind = runLims({"org", "add", "--code", "X", "--name", "X", "--kind", "ministry", "--region", "310000"}, url);
    EXPECT_EQ(kind.exitCode, 2);
    EXPECT_NE(kind.err.find("ministry"), std::string::npos) << kind.err;
    auto taken = runLims({"org", "add", "--code", "PROV", "--name", "Again", "--kind", "bureau", "--region", "310000"}, url);
    EXPECT_EQ(taken.exitCode, 2) << taken.err;
    auto parent = runLims({"org", "add", "--code", "Y", "--name", "Y", "--kind", "bureau", "--region", "310000",
                           "--parent", "NOPE"},
                          url);
    EXPECT_EQ(parent.exitCode, 2);
    EXPECT_NE(parent.err.find("NOPE"), std::string::npos) << parent.err;
}

TEST_F(LimsServeCliTest, UserAddReadsThePasswordFromStandardInput) {
    auto added = runLims({"user", "add", "root", "--org", "PROV", "--role", "administrator", "--name", "Root"}, url,
                         "first-admin-password\n");
    ASSERT_EQ(added.exitCode, 0) << added.err;
    EXPECT_NE(added.out.find("user root"), std::string::npos) << added.out;

    auto again = runLims({"user", "add", "root", "--org", "PROV", "--role", "administrator"}, url, "another-password\n");
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("taken"), std::string::npos) << again.err;
    auto shortPassword = runLims({"user", "add", "li", "--org", "PROV", "--role", "planner"}, url, "short\n");
    EXPECT_EQ(shortPassword.exitCode, 2);
    auto role = runLims({"user", "add", "li", "--org", "PROV", "--role", "superuser"}, url, "long-enough-pw\n");
    EXPECT_EQ(role.exitCode, 2);
    EXPECT_NE(role.err.find("superuser"), std::string::npos) << role.err;
    auto org = runLims({"user", "add", "li", "--org", "NOWHERE", "--role", "planner"}, url, "long-enough-pw\n");
    EXPECT_EQ(org.exitCode, 2);
    EXPECT_NE(org.err.find("NOWHERE"), std::string::npos) << org.err;
    auto missing = runLims({"user", "add", "li", "--org", "PROV"}, url, "long-enough-pw\n");
    EXPECT_EQ(missing.exitCode, 2);

    auto db = lims::store::Database::open(url);
    ASSERT_TRUE(db);
    auto chain = lims::store::verify_audit_chain(**db);
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->intact) << chain->problem;
}

TEST_F(LimsServeCliTest, TokenIssueIsForIngestServiceAccountsOnly) {
    ASSERT_EQ(runLims({"user", "add", "gw1", "--org", "LAB", "--role", "ingest_service"}, url, "gateway-password\n").exitCode, 0);
    ASSERT_EQ(runLims({"user", "add", "ana", "--org", "LAB", "--role", "analyst"}, url, "analyst-password\n").exitCode, 0);
    auto token = runLims({"token", "issue", "--user", "gw1", "--scope", "ingest"}, url);
    ASSERT_EQ(token.exitCode, 0) << token.err;
    EXPECT_EQ(token.out.rfind("lims_", 0), 0u) << token.out;
    auto person = runLims({"token", "issue", "--user", "ana", "--scope", "ingest"}, url);
    EXPECT_EQ(person.exitCode, 2);
    EXPECT_NE(person.err.find("ingest_service"), std::string::npos) << person.err;
    auto userScope = runLims({"token", "issue", "--user", "gw1", "--scope", "user"}, url);
    EXPECT_EQ(userScope.exitCode, 2);
    auto nobody = runLims({"token", "issue", "--user", "ghost"}, url);
    EXPECT_EQ(nobody.exitCode, 2);

    // The issue is audited, naming who ran the command and the scope (issue 15 item 11);
    // the refused ones left nothing.
    auto db = lims::store::Database::open(url);
    ASSERT_TRUE(db);
    auto entries = lims::store::read_audit_entries(**db, 1, 100000);
    ASSERT_TRUE(entries);
    int issued = 0;
    for (const auto& e : *entries) {
        if (e.record.action != "token.issue") continue;
        ++issued;
        EXPECT_EQ(e.record.entity_id, "gw1");
        EXPECT_EQ(e.record.actor.rfind("system:cli (", 0), 0u) << e.record.actor;
        EXPECT_NE(e.record.after_json.find("\"scope\":\"ingest\""), std::string::npos) << e.record.after_json;
        EXPECT_EQ(e.record.after_json.find(token.out.substr(0, token.out.size() - 1)), std::string::npos);
    }
    EXPECT_EQ(issued, 1);
}

TEST_F(LimsServeCliTest, ServeAnswersOnThePrintedPortUntilTerminated) {
    ASSERT_EQ(runLims({"user", "add", "root", "--org", "PROV", "--role", "administrator"}, url, "first-admin-password\n").exitCode, 0);
    // Both HTTP engines (lims.http.engine) serve, and stop on SIGTERM with exit code 0.
    for (const std::string engine : {"poco", "asio"}) {
        SCOPED_TRACE("lims.http.engine=" + engine);
        Poco::Pipe outPipe, errPipe;
        Poco::Process::Env env;
        env["LIMS_DATABASE"] = url;
        auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims",
                                            {"serve", "--port", "0", "--calendar-dir", LIMS_SOURCE_DIR "/fixtures/calendars",
                                             "-Dlims.http.engine=" + engine},
                                            ".", nullptr, &outPipe, &errPipe, env);
        Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
        std::string err;
        std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, err); });
        std::string line;
        std::getline(outStream, line);  // "lims: serving http://127.0.0.1:PORT over ..."
        const auto colon = line.find("127.0.0.1:");
        if (colon == std::string::npos) {
            Poco::Process::kill(handle);
            handle.wait();
            errReader.join();
            FAIL() << "no serving line: " << line << " / " << err;
        }
        const int port = std::stoi(line.substr(colon + 10));
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
        Poco::Net::HTTPRequest request("POST", "/api/v1/auth/login", Poco::Net::HTTPMessage::HTTP_1_1);
        const std::string body = R"({"username":"root","password":"first-admin-password"})";
        request.setContentType("application/json");
        request.setContentLength64(static_cast<Poco::Int64>(body.size()));
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
        EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_OK) << answer;
        EXPECT_NE(answer.find("\"token\""), std::string::npos) << answer;

        Poco::Process::requestTermination(handle.id());
        EXPECT_EQ(handle.wait(), 0);
        errReader.join();
    }
}

TEST_F(LimsServeCliTest, ServeRefusesAMissingCalendarOrABadPort) {
    auto calendar = runLims({"serve", "--port", "0", "--calendar-dir", "/nonexistent/calendars"}, url);
    EXPECT_EQ(calendar.exitCode, 2);
    EXPECT_NE(calendar.err.find("/nonexistent/calendars"), std::string::npos) << calendar.err;
    auto port = runLims({"serve", "--port", "70000"}, url);
    EXPECT_EQ(port.exitCode, 2);
    EXPECT_NE(port.err.find("70000"), std::string::npos) << port.err;
    auto deadline = runLims({"serve", "--port", "0", "-Dlims.http.request.deadline.seconds=0"}, url);
    EXPECT_EQ(deadline.exitCode, 2);
    EXPECT_NE(deadline.err.find("lims.http.request.deadline.seconds"), std::string::npos) << deadline.err;
    auto engine = runLims({"serve", "--port", "0", "-Dlims.http.engine=nginx"}, url);
    EXPECT_EQ(engine.exitCode, 2);
    EXPECT_NE(engine.err.find("lims.http.engine must be asio or poco, got \"nginx\""), std::string::npos) << engine.err;
    auto ioThreads = runLims({"serve", "--port", "0", "-Dlims.http.io.threads=0"}, url);
    EXPECT_EQ(ioThreads.exitCode, 2);
    EXPECT_NE(ioThreads.err.find("lims.http.io.threads"), std::string::npos) << ioThreads.err;
    auto inlineReads = runLims({"serve", "--port", "0", "-Dlims.http.io.inline=maybe"}, url);
    EXPECT_EQ(inlineReads.exitCode, 2);
    EXPECT_NE(inlineReads.err.find("lims.http.io.inline must be true or false, got \"maybe\""), std::string::npos)
        << inlineReads.err;
}

// Issue 15 items 7 and 8: what devices may reach is read at start; a value that cannot be
// used stops `lims serve` naming its key, and so does a drop root holding the database.
TEST_F(LimsServeCliTest, ServeRefusesADevicePolicyItCannotUse) {
    const std::string calendars = "--calendar-dir=" LIMS_SOURCE_DIR "/fixtures/calendars";
    auto allow = runLims({"serve", "--port", "0", calendars, "-Dlims.drivers.allow=10.0.0.0/8"}, url);
    EXPECT_EQ(allow.exitCode, 2);
    EXPECT_NE(allow.err.find("lims.drivers.allow: entry \"10.0.0.0/8\": ports are missing"), std::string::npos)
        << allow.err;
    auto relative = runLims({"serve", "--port", "0", calendars, "-Dlims.drivers.map_root=maps"}, url);
    EXPECT_EQ(relative.exitCode, 2);
    EXPECT_NE(relative.err.find("lims.drivers.map_root must be an absolute path"), std::string::npos) << relative.err;
    auto data = runLims({"serve", "--port", "0", calendars, "-Dlims.drivers.file_drop_root=" + dir}, url);
    EXPECT_EQ(data.exitCode, 2);
    EXPECT_NE(data.err.find("lims.drivers.file_drop_root"), std::string::npos) << data.err;
    EXPECT_NE(data.err.find("holds the database's folder"), std::string::npos) << data.err;
}

// Issue 15 item 14, as an operator runs it: one request thread and a client trickling its
// request a byte at a time (each read well inside the per-read timeout). The deadline cuts
// it off and frees the thread; another client is served meanwhile.
TEST_F(LimsServeCliTest, ServeCutsOffAClientTricklingItsRequest) {
    Poco::Pipe outPipe, errPipe;
    Poco::Process::Env env;
    env["LIMS_DATABASE"] = url;
    auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims",
                                        {"serve", "--port", "0", "--calendar-dir", LIMS_SOURCE_DIR "/fixtures/calendars",
                                         "-Dlims.http.threads=1", "-Dlims.http.request.deadline.seconds=1"},
                                        ".", nullptr, &outPipe, &errPipe, env);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    std::string err;
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, err); });
    std::string line;
    std::getline(outStream, line);
    const auto colon = line.find("127.0.0.1:");
    if (colon == std::string::npos) {
        Poco::Process::kill(handle);
        handle.wait();
        errReader.join();
        FAIL() << "no serving line: " << line << " / " << err;
    }
    const auto port = static_cast<Poco::UInt16>(std::stoi(line.substr(colon + 10)));
    const auto started = std::chrono::steady_clock::now();
    std::thread slow([&] {
        Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
        const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(100, 's');
        try {
            for (char c : request) {  // 10 s if nobody stops it
                s.sendBytes(&c, 1);
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        } catch (const Poco::Exception&) {
            // cut off
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the one thread reads the trickle
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_OK) << answer;
    EXPECT_LT(waited, std::chrono::seconds(4)) << "the trickling client held the only request thread";
    slow.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(6)) << "the trickle was not cut off";

    Poco::Process::requestTermination(handle.id());
    EXPECT_EQ(handle.wait(), 0);
    errReader.join();
}

// Issue 15: the asynchronous front is the default engine. With one request thread and no
// lims.http.engine given, eight clients that sent half a request each hold a socket, not
// a thread: the health check is answered at once (on poco, it waited for the deadline).
TEST_F(LimsServeCliTest, ServeDefaultsToTheAsioEngineWhereSlowClientsHoldNoThread) {
    Poco::Pipe outPipe, errPipe;
    Poco::Process::Env env;
    env["LIMS_DATABASE"] = url;
    auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims",
                                        {"serve", "--port", "0", "--calendar-dir", LIMS_SOURCE_DIR "/fixtures/calendars",
                                         "-Dlims.http.threads=1", "-Dlims.http.request.deadline.seconds=30"},
                                        ".", nullptr, &outPipe, &errPipe, env);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    std::string err;
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, err); });
    std::string line;
    std::getline(outStream, line);
    const auto colon = line.find("127.0.0.1:");
    if (colon == std::string::npos) {
        Poco::Process::kill(handle);
        handle.wait();
        errReader.join();
        FAIL() << "no serving line: " << line << " / " << err;
    }
    EXPECT_NE(line.find("HTTP engine asio"), std::string::npos) << line;
    const auto port = static_cast<Poco::UInt16>(std::stoi(line.substr(colon + 10)));
    std::vector<Poco::Net::StreamSocket> halfSent;
    for (int i = 0; i < 8; ++i) {
        halfSent.emplace_back(Poco::Net::SocketAddress("127.0.0.1", port));
        const std::string head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Waiting: ";
        halfSent.back().sendBytes(head.data(), static_cast<int>(head.size()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto started = std::chrono::steady_clock::now();
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
    int status = 0;
    try {
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
        status = response.getStatus();
    } catch (const Poco::Exception& e) {
        ADD_FAILURE() << "the health check was not answered while 8 clients held half a request: " << e.displayText();
    }
    EXPECT_EQ(status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
    for (auto& s : halfSent) s.close();

    Poco::Process::requestTermination(handle.id());
    EXPECT_EQ(handle.wait(), 0);
    errReader.join();
}

}  // namespace
