#include "fault_fixture.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"
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
    auto done = (*db)->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
        auto lab = lims::store::OrganisationRepository(tx).get_by_code("LAB");
        if (!lab) return lab.error();
        lims::store::InstrumentRepository instruments(tx);
        const std::vector<std::tuple<const char*, const char*, std::uint16_t>> devices{
            {kHl7, "hl7", hl7_port}, {kAstm, "astm", astm_port}};
        for (const auto& [code, family, port] : devices) {
            lims::store::InstrumentFields f;
            f.code = code;
            f.org_id = lab->id;
            f.name = std::string("Chemistry analyzer (") + family + ")";
            f.family = family;
            f.transport = "tcp_listen";
            f.address = "127.0.0.1:" + std::to_string(port);
            f.options_json = R"({"max_connections": 8})";
            auto instrument = instruments.create(f, "test");
            if (!instrument) return instrument.error();
            lims::store::TestMappingFields m;
            m.instrument_test_code = "GLU";
            m.test_code = "glucose";
            m.result_unit = "mmol/L";
            if (auto mapped = instruments.create_mapping(instrument->id, m, "test"); !mapped) return mapped.error();
        }
        lims::store::SampleRepository repository(tx);
        for (int i = 0; i < samples; ++i) {
            lims::store::NewSample s;
            s.org_id = lab->id;
            s.product_name = "Glucose injection";
            s.batch_number = "F" + std::to_string(i);
            s.quantity = "6";
            s.unit = "vial";
            s.sampled_at = "2026-11-20T02:00:00.000Z";
            s.portions = {{lims::domain::PortionKind::test, "2", "vial", std::nullopt},
                          {lims::domain::PortionKind::retained, "2", "vial", std::nullopt}};
            auto sample = repository.register_sample(s, "test");
            if (!sample) return sample.error();
            numbers.push_back(sample->number);
            using namespace Poco::Data::Keywords;
            Poco::Int64 sid = sample->id;
            std::string at = tx.now_utc();
            tx.session() << "INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                            "VALUES ($1, 'glucose', 'pending', $2, $2)",
                bind(sid), bind(at), now;
        }
        return lims::store::Done{};
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
}

void FaultWorld::TearDown() {
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

std::unique_ptr<LimsProcess> FaultWorld::start_service(bool drivers) {
    auto p = std::make_unique<LimsProcess>(
        std::vector<std::string>{"serve", "--port", std::to_string(http_port), "--calendar-dir",
                                 LIMS_SOURCE_DIR "/fixtures/calendars",
                                 std::string("-Dlims.drivers.enabled=") + (drivers ? "true" : "false"),
                                 "-Dlims.web.root=none"},
        url);
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
