#include "fault_fixture.hpp"

#include "glucose_lab.hpp"
#include "fixtures/simulators/specimens.hpp"
#include "lims/store/transaction.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace lims::fault {

using lims::test::LimsProcess;
using lims::test::run_lims;

void FaultWorld::build(int samples) {
    std::string pattern = (std::filesystem::temp_directory_path() / "lims-fault-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
    db_path = dir + "/lims.db";
    url = "sqlite:" + db_path;
    http_port = lims::test::free_loopback_port();
    hl7_port = lims::test::free_loopback_port();
    astm_port = lims::test::free_loopback_port();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"migrate"},
             {"org", "add", "--code", "PROV", "--name", "Provincial administration", "--kind", "bureau", "--region",
              "310000"},
             {"org", "add", "--code", "LAB", "--name", "Laboratory", "--kind", "inspection_centre", "--region", "310100",
              "--parent", "PROV"}}) {
        auto r = run_lims(args, url);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto admin = run_lims({"user", "add", "admin", "--org", "PROV", "--role", "administrator"}, url, "fault-password-1\n");
    ASSERT_EQ(admin.exit_code, 0) << admin.err;
    auto db = lims::store::Database::open(url);
    ASSERT_TRUE(db.ok()) << db.error().message;
    numbers = lims::test::seed_glucose_lab(
        **db, "LAB",
        {{kHl7, "hl7", "127.0.0.1:" + std::to_string(hl7_port), R"({"max_connections": 8})"},
         {kAstm, "astm", "127.0.0.1:" + std::to_string(astm_port), R"({"max_connections": 8})"}},
        samples, "F");
}

void FaultWorld::TearDown() {
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

std::unique_ptr<LimsProcess> FaultWorld::start_service(bool drivers, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"serve", "--port", std::to_string(http_port), "--calendar-dir",
                                  LIMS_SOURCE_DIR "/fixtures/calendars",
                                  std::string("-Dlims.drivers.enabled=") + (drivers ? "true" : "false"),
                                  "-Dlims.web.root=none"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<LimsProcess>(args, url);
    const auto line = p->wait_for_line("lims: serving http://127.0.0.1:" + std::to_string(http_port));
    EXPECT_NE(line, "") << p->output();
    return p;
}

std::string FaultWorld::ingest_token_file() {
    auto user = run_lims({"user", "add", "gateway", "--org", "LAB", "--role", "ingest_service"}, url, "gateway-password-1\n");
    EXPECT_EQ(user.exit_code, 0) << user.err;
    auto token = run_lims({"token", "issue", "--user", "gateway", "--scope", "ingest"}, url);
    EXPECT_EQ(token.exit_code, 0) << token.err;
    const std::string file = dir + "/ingest.token";
    std::ofstream(file) << token.out;
    return file;
}

std::int64_t FaultWorld::count(const std::string& sql) {
    auto db = lims::store::Database::open(url);
    if (!db) return -1;
    Poco::Int64 n = -1;
    auto ok = (*db)->read([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        tx.session() << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return lims::store::Done{};
    });
    return ok ? n : -1;
}

lims::test::LimsRun FaultWorld::verify_audit() { return run_lims({"audit", "verify"}, url); }

std::string FaultWorld::login() {
    auto answer = http(http_port, "POST", "/api/v1/auth/login", R"({"username":"admin","password":"fault-password-1"})");
    if (answer.status != 200) return "";
    return Poco::JSON::Parser().parse(answer.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
}

void AnalyzerFleet::add_hl7(int count, int per_analyzer, std::uint16_t port, std::chrono::milliseconds pace) {
    using namespace std::chrono_literals;
    for (int a = 0; a < count; ++a) {
        simulators::Hl7AnalyzerOptions o;
        o.port = port;
        o.give_up = 150s;
        o.ack_timeout = 5s;
        o.resend_on_error = 1000;  // an analyzer resends until it is answered AA
        o.resend_pause = 200ms;
        o.pause_before_message = pace;
        for (int i = 0; i < per_analyzer; ++i, ++next_)
            o.messages.push_back(simulators::hl7_oru(kHl7, simulators::chemistry_panel(numbers_.at(next_), next_),
                                                     prefix_ + std::to_string(next_)));
        auto& report = hl7_.emplace_back();
        threads_.emplace_back([o, &report] { report = simulators::run_hl7_analyzer(o); });
    }
}

void AnalyzerFleet::add_astm(int count, int per_analyzer, std::uint16_t port, std::chrono::milliseconds pace) {
    using namespace std::chrono_literals;
    for (int a = 0; a < count; ++a) {
        simulators::AstmAnalyzerOptions o;
        o.port = port;
        o.instrument = kAstm;
        o.give_up = 150s;
        o.pause_before_frame = pace;
        for (int i = 0; i < per_analyzer; ++i, ++next_)
            o.messages.push_back(simulators::astm_result_records(kAstm, simulators::chemistry_panel(numbers_.at(next_), next_)));
        auto& report = astm_.emplace_back();
        threads_.emplace_back([o, &report] { report = simulators::run_astm_analyzer(o); });
    }
}

void AnalyzerFleet::join() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

std::size_t AnalyzerFleet::reconnected() const {
    std::size_t n = 0;
    for (const auto& r : hl7_) n += r.connections > 1;
    for (const auto& r : astm_) n += r.connections > 1;
    return n;
}

std::vector<std::string> AnalyzerFleet::shortfalls(int per_analyzer) const {
    std::vector<std::string> out;
    const auto want = static_cast<std::size_t>(per_analyzer);
    for (std::size_t a = 0; a < hl7_.size(); ++a)
        if (hl7_[a].accepted != want || hl7_[a].rejected != 0)
            out.push_back("HL7 analyzer " + std::to_string(a) + ": " + std::to_string(hl7_[a].accepted) + " AA, " +
                          std::to_string(hl7_[a].rejected) + " AR of " + std::to_string(want) + " (" + hl7_[a].error + ")");
    for (std::size_t a = 0; a < astm_.size(); ++a)
        if (astm_[a].delivered != want || astm_[a].not_delivered != 0)
            out.push_back("ASTM analyzer " + std::to_string(a) + ": " + std::to_string(astm_[a].delivered) + " delivered of " +
                          std::to_string(want) + " (" + astm_[a].error + ")");
    return out;
}

HttpAnswer http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                const std::string& token, std::chrono::seconds timeout,
                const std::vector<std::pair<std::string, std::string>>& headers) {
    HttpAnswer answer;
    const auto started = std::chrono::steady_clock::now();
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        session.setTimeout(Poco::Timespan(static_cast<long>(timeout.count()), 0));
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!token.empty()) request.set("Authorization", "Bearer " + token);
        for (const auto& [name, value] : headers) request.set(name, value);
        if (!body.empty() || method == "POST" || method == "PUT") {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Poco::StreamCopier::copyToString(in, answer.body);
        answer.status = static_cast<int>(response.getStatus());
        answer.retry_after = response.get("Retry-After", "");
    } catch (const std::exception&) {
        answer.status = 0;
    }
    answer.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return answer;
}

}  // namespace lims::fault
