// Instrument options through the API are checked by name against the drivers' table
// (drivers/registry.hpp): POST and PUT /api/v1/instruments refuse an unknown option, one
// of another transport, a bad value or a transport the family cannot use with 422
// problem+json naming the option and listing the allowed ones, and write nothing.
#include "test_service.hpp"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace lims::test {
namespace {

using domain::Role;

class RegistryOptionsApi : public ::testing::Test {
protected:
    void SetUp() override {
        service = std::make_unique<TestService>();
        admin = service->as(TestService::username(Role::administrator, Jurisdiction::A));
    }

    static Poco::JSON::Object::Ptr instrument(const std::string& code, const std::string& family,
                                              const std::string& transport, const std::string& options) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("code", code);
        o->set("organisation_code", TestService::kLabA);
        o->set("name", code + " analyzer");
        o->set("family", family);
        o->set("transport", transport);
        o->set("address", "127.0.0.1:5100");
        o->set("options", options);
        return o;
    }

    // The problem's error for `field`, or "" when it names no such field.
    static std::string errorFor(const HttpReply& reply, const std::string& field) {
        if (!reply.json() || !reply.json()->has("errors")) return "";
        auto errors = reply.json()->getArray("errors");
        for (std::size_t i = 0; i < errors->size(); ++i) {
            auto e = errors->getObject(static_cast<unsigned>(i));
            if (e->getValue<std::string>("field") == field) return e->getValue<std::string>("problem");
        }
        return "";
    }

    std::unique_ptr<TestService> service;
    HttpClient admin{0};
};

TEST_F(RegistryOptionsApi, AnUnknownOptionIsRefusedNamingItAndTheAllowedOnes) {
    auto reply = admin.post("/api/v1/instruments", instrument("AU-TYPO", "hl7", "tcp_listen", R"({"max_conections": 4})"));
    ASSERT_EQ(reply.status, 422) << reply.describe();
    EXPECT_EQ(reply.contentType.rfind("application/problem+json", 0), 0u) << reply.contentType;
    const auto problem = errorFor(reply, "options.max_conections");
    EXPECT_NE(problem.find("unknown option for hl7 over tcp_listen"), std::string::npos) << reply.body;
    EXPECT_NE(problem.find("allowed: "), std::string::npos) << reply.body;
    EXPECT_NE(problem.find("max_connections"), std::string::npos) << reply.body;
    EXPECT_NE(problem.find("tolerate_lf"), std::string::npos) << reply.body;
    EXPECT_EQ(admin.get("/api/v1/instruments/AU-TYPO").status, 404);  // nothing written
}

// Issue 15 item 9: who may connect to a listener, and how long one frame may take.
TEST_F(RegistryOptionsApi, AllowedPeersAndTheFrameDeadlineAreCheckedAndKept) {
    auto typo = admin.post("/api/v1/instruments", instrument("HL7-PEERS", "hl7", "tcp_listen",
                                                             R"({"allowed_peers": "10.1.2.3, 10.20.3.0/16"})"));
    ASSERT_EQ(typo.status, 422) << typo.describe();
    EXPECT_NE(errorFor(typo, "options.allowed_peers").find("\"10.20.3.0/16\" has bits set after its /16 prefix; the "
                                                           "range is 10.20.0.0/16"),
              std::string::npos)
        << typo.body;
    auto name = admin.post("/api/v1/instruments",
                           instrument("HL7-PEERS", "hl7", "tcp_listen", R"({"allowed_peers": "analyzer-7.lab"})"));
    ASSERT_EQ(name.status, 422) << name.describe();
    EXPECT_NE(errorFor(name, "options.allowed_peers").find("\"analyzer-7.lab\" is not an IP address"), std::string::npos)
        << name.body;
    auto dialled = admin.post("/api/v1/instruments",
                              instrument("HL7-PEERS", "hl7", "tcp_connect", R"({"allowed_peers": "10.1.2.3"})"));
    ASSERT_EQ(dialled.status, 422) << dialled.describe();
    EXPECT_NE(errorFor(dialled, "options.allowed_peers").find("tcp_listen only"), std::string::npos) << dialled.body;
    auto endless = admin.post("/api/v1/instruments",
                              instrument("HL7-PEERS", "hl7", "tcp_listen", R"({"frame_deadline_s": 0})"));
    ASSERT_EQ(endless.status, 422) << endless.describe();
    EXPECT_NE(errorFor(endless, "options.frame_deadline_s").find("from 1 to 86400"), std::string::npos) << endless.body;
    EXPECT_EQ(admin.get("/api/v1/instruments/HL7-PEERS").status, 404);  // nothing written

    auto created = admin.post("/api/v1/instruments",
                              instrument("HL7-PEERS", "hl7", "tcp_listen",
                                         R"({"allowed_peers": "10.1.2.3, 10.20.0.0/16, fd00::/8", "frame_deadline_s": 30})"));
    ASSERT_EQ(created.status, 201) << created.describe();
}

TEST_F(RegistryOptionsApi, EveryBadOptionIsNamedInOneProblem) {
    auto reply = admin.post("/api/v1/instruments",
                            instrument("AU-BAD", "astm", "tcp_connect",
                                       R"({"framing": "E1394", "max_connections": 2, "ack": "after_commit",
                                           "idle_timeout_s": -5, "colour": "blue"})"));
    ASSERT_EQ(reply.status, 422) << reply.describe();
    EXPECT_NE(errorFor(reply, "options.framing").find("must be one of e1381, bare_records, got \"E1394\""),
              std::string::npos)
        << reply.body;
    EXPECT_NE(errorFor(reply, "options.max_connections").find("applies to astm over tcp_listen only, not tcp_connect"),
              std::string::npos)
        << reply.body;
    EXPECT_NE(errorFor(reply, "options.idle_timeout_s").find("must be an integer from 0 to 86400, got \"-5\""),
              std::string::npos)
        << reply.body;
    EXPECT_NE(errorFor(reply, "options.colour").find("unknown option"), std::string::npos) << reply.body;
    EXPECT_EQ(errorFor(reply, "options.ack"), "");  // the good one is not blamed
}

TEST_F(RegistryOptionsApi, BadValuesOfEachKindAreRefused) {
    struct Case {
        std::string family, transport, options, field, expected;
    };
    for (const auto& c : std::vector<Case>{
             {"hl7", "tcp_listen", R"({"tolerate_lf": "sometimes"})", "options.tolerate_lf", "must be true or false"},
             {"hl7", "tcp_listen", R"({"max_message_bytes": 10})", "options.max_message_bytes", "from 1024 to"},
             {"hl7", "tcp_listen", R"({"local_application": "LIS^A"})", "options.local_application", "HL7 delimiters"},
             {"sics", "serial", R"({"serial": "fast please"})", "options.serial", "like 9600,8N1"},
             {"sics", "tcp_connect", R"({"command": "W"})", "options.command", "must be one of S, SI"},
             {"csv", "file_drop", R"({"delimiter": "||"})", "options.delimiter", "one character"},
             {"csv", "file_drop", R"({"scan_ms": 1.5})", "options.scan_ms", "must be an integer"},
         }) {
        auto reply = admin.post("/api/v1/instruments", instrument("AU-VALUE", c.family, c.transport, c.options));
        ASSERT_EQ(reply.status, 422) << c.options << ": " << reply.describe();
        EXPECT_NE(errorFor(reply, c.field).find(c.expected), std::string::npos) << c.options << ": " << reply.body;
    }
    EXPECT_EQ(admin.get("/api/v1/instruments/AU-VALUE").status, 404);
}

TEST_F(RegistryOptionsApi, ATransportTheFamilyCannotUseIsRefused) {
    auto balance = admin.post("/api/v1/instruments", instrument("BAL-1", "sics", "tcp_listen", "{}"));
    ASSERT_EQ(balance.status, 422) << balance.describe();
    EXPECT_NE(errorFor(balance, "transport").find("not one of tcp_connect, serial for sics"), std::string::npos)
        << balance.body;
    auto folder = admin.post("/api/v1/instruments", instrument("HPLC-1", "csv", "tcp_listen", "{}"));
    ASSERT_EQ(folder.status, 422) << folder.describe();
    EXPECT_NE(errorFor(folder, "transport").find("file_drop"), std::string::npos) << folder.body;
    // A Modbus device is a logger: it may be listed as an instrument, but takes no options.
    auto modbus = admin.post("/api/v1/instruments", instrument("MB-1", "modbus", "modbus_tcp", R"({"unit_id": 3})"));
    ASSERT_EQ(modbus.status, 422) << modbus.describe();
    EXPECT_NE(errorFor(modbus, "options.unit_id").find("take no options"), std::string::npos) << modbus.body;
    EXPECT_EQ(admin.post("/api/v1/instruments", instrument("MB-1", "modbus", "modbus_tcp", "{}")).status, 201);
}

TEST_F(RegistryOptionsApi, PutRefusesBadOptionsAndKeepsTheInstrumentAsItWas) {
    auto created = admin.post("/api/v1/instruments",
                              instrument("AU-PUT", "astm", "tcp_listen", R"({"framing": "bare_records"})"));
    ASSERT_EQ(created.status, 201) << created.describe();
    const auto etag = created.header("etag");

    auto body = instrument("AU-PUT", "astm", "tcp_listen", R"({"framing": "bare_records", "ack": "never"})");
    auto refused = admin.put("/api/v1/instruments/AU-PUT", body, {{"If-Match", etag}});
    ASSERT_EQ(refused.status, 422) << refused.describe();
    EXPECT_NE(errorFor(refused, "options.ack").find("after_commit, immediate"), std::string::npos) << refused.body;
    // Moving it to a serial line keeps max_connections, which only a listener takes.
    auto moved = instrument("AU-PUT", "astm", "serial", R"({"max_connections": 2, "serial": "9600,8N1"})");
    auto refusedMove = admin.put("/api/v1/instruments/AU-PUT", moved, {{"If-Match", etag}});
    ASSERT_EQ(refusedMove.status, 422) << refusedMove.describe();
    EXPECT_NE(errorFor(refusedMove, "options.max_connections").find("tcp_listen only"), std::string::npos)
        << refusedMove.body;

    auto current = admin.get("/api/v1/instruments/AU-PUT");
    ASSERT_EQ(current.status, 200);
    EXPECT_EQ(current.header("etag"), etag);
    EXPECT_EQ(current.json()->getValue<std::string>("options"), R"({"framing": "bare_records"})");
    EXPECT_EQ(current.json()->getValue<std::string>("transport"), "tcp_listen");

    auto good = instrument("AU-PUT", "astm", "serial", R"({"serial": "19200,7E1", "backoff_cap_ms": 5000})");
    auto changed = admin.put("/api/v1/instruments/AU-PUT", good, {{"If-Match", etag}});
    ASSERT_EQ(changed.status, 200) << changed.describe();
    EXPECT_TRUE(service->auditChainIntact());
}

}  // namespace
}  // namespace lims::test
