// GET /api/v1/ingest/orders over the real service: a gateway's ingest token asks which
// tests an analyzer should run on the specimens it queried; the instrument must be in the
// token's jurisdiction (another's is 404); bad parameters are 422 naming the field; the
// gateway's RemoteOrdersSink reads the answer (percent-encoded portion barcodes included)
// and reports an unreachable service as a failure. Nothing is written.
#include "test_service.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/ingest/gateway_http.hpp"
#include "lims/workflow/ingest/worklist_remote.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>

using lims::domain::Role;
using lims::test::Jurisdiction;
using lims::test::TestService;

namespace {

class WorklistRoutes : public ::testing::Test {
protected:
    void SetUp() override {
        const auto labA = service.organisation(TestService::laboratory(Jurisdiction::A));
        const auto labB = service.organisation(TestService::laboratory(Jurisdiction::B));
        const auto office = service.organisation(TestService::office(Jurisdiction::A));
        auto ok = service.database()->write([&](lims::store::Transaction& tx) -> lims::store::StoreResult<lims::store::Done> {
            lims::store::InstrumentRepository instruments(tx);
            for (const auto& [code, org] : {std::pair{"AU-A", labA.id}, std::pair{"AU-B", labB.id}}) {
                auto created = instruments.create({code, org, code, "astm", "tcp_listen", "127.0.0.1:0", true}, "test");
                if (!created) return created.error();
                auto mapped = instruments.create_mapping(created->id, {"GLU", "glucose", "", "mmol/L", "1", "0", true}, "test");
                if (!mapped) return mapped.error();
            }
            // Registered by the supervision office, shipped to laboratory A.
            lims::store::SampleRepository samples(tx);
            lims::store::NewSample s;
            s.org_id = office.id;
            s.product_name = "Glucose injection";
            s.quantity = "4";
            s.unit = "vial";
            s.sampled_at = "2026-11-20T02:00:00.000Z";
            s.portions = {{lims::domain::PortionKind::test, "2", "vial", std::nullopt},
                          {lims::domain::PortionKind::retained, "2", "vial", std::nullopt}};
            auto sample = samples.register_sample(s, "test");
            if (!sample) return sample.error();
            number = sample->number;
            const std::string at = tx.now_utc();
            using namespace Poco::Data::Keywords;
            Poco::Int64 sid = sample->id, from = office.id, to = labA.id;
            tx.session() << "INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                            "VALUES ($1, 'glucose', 'pending', $2, $2)",
                bind(sid), bind(at), now;
            tx.session() << "INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) "
                            "VALUES ('SH-WL-1', $1, $2, 'received', $3, $3)",
                bind(from), bind(to), bind(at), now;
            tx.session() << "INSERT INTO shipment_items (shipment_id, sample_id) SELECT id, $1 FROM shipments "
                            "WHERE number = 'SH-WL-1'",
                bind(sid), now;
            return lims::store::Done{};
        });
        ASSERT_TRUE(ok.ok()) << ok.error().message;
        ingestA = service.serviceToken(TestService::username(Role::ingest_service, Jurisdiction::A));
    }

    lims::test::HttpReply orders(const std::string& query) const {
        return service.get("/api/v1/ingest/orders" + query, ingestA);
    }

    static std::string encoded(const std::string& text) {
        std::string out;
        Poco::URI::encode(text, "?#&=+,;/%", out);
        return out;
    }

    TestService service;
    std::string number;
    std::string ingestA;
};

TEST_F(WorklistRoutes, AnswersTheOrdersAndTheSpecimensWithout) {
    const auto audit = service.database()->read([](lims::store::Transaction& tx) -> lims::store::StoreResult<std::int64_t> {
        Poco::Int64 n = 0;
        tx.session() << "SELECT count(*) FROM audit_log", Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    });
    auto reply = orders("?instrument=AU-A&specimen=" + encoded(number + "/1") + ",NOT-A-SAMPLE");
    ASSERT_EQ(reply.status, 200) << reply.describe();
    auto body = reply.json();
    EXPECT_EQ(body->getValue<std::string>("instrument"), "AU-A");
    auto list = body->getArray("orders");
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("specimen"), number + "/1");
    auto tests = list->getObject(0)->getArray("tests");
    ASSERT_EQ(tests->size(), 1u);
    EXPECT_EQ(tests->getElement<std::string>(0), "GLU");
    auto none = body->getArray("noOrders");
    ASSERT_EQ(none->size(), 1u);
    EXPECT_EQ(none->getObject(0)->getValue<std::string>("specimen"), "NOT-A-SAMPLE");
    EXPECT_EQ(none->getObject(0)->getValue<std::string>("code"), "ingest.unknown_specimen");
    const auto after = service.database()->read([](lims::store::Transaction& tx) -> lims::store::StoreResult<std::int64_t> {
        Poco::Int64 n = 0;
        tx.session() << "SELECT count(*) FROM audit_log", Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    });
    ASSERT_TRUE(audit.ok() && after.ok());
    EXPECT_EQ(*after, *audit);  // a query writes nothing
    EXPECT_TRUE(service.auditChainIntact());
}

TEST_F(WorklistRoutes, AnotherJurisdictionsInstrumentOrAnUnknownOneIsNotFound) {
    EXPECT_EQ(orders("?instrument=AU-B&specimen=" + number).status, 404);
    EXPECT_EQ(orders("?instrument=NOPE&specimen=" + number).status, 404);
    // Laboratory B's own gateway may ask for its analyzer, and learns nothing of A's sample.
    const auto ingestB = service.serviceToken(TestService::username(Role::ingest_service, Jurisdiction::B));
    auto reply = service.get("/api/v1/ingest/orders?instrument=AU-B&specimen=" + number, ingestB);
    ASSERT_EQ(reply.status, 200) << reply.describe();
    EXPECT_EQ(reply.json()->getArray("orders")->size(), 0u);
    EXPECT_EQ(reply.json()->getArray("noOrders")->getObject(0)->getValue<std::string>("code"), "ingest.unknown_specimen");
}

TEST_F(WorklistRoutes, BadParametersAre422NamingTheField) {
    for (const std::string& query : std::vector<std::string>{"", "?specimen=" + number, "?instrument=AU-A", "?instrument=AU-A&specimen=",
                                    "?instrument=AU-A&specimen=a,,b", "?instrument=" + std::string(65, 'X') + "&specimen=a"}) {
        auto reply = orders(query);
        EXPECT_EQ(reply.status, 422) << query << ": " << reply.describe();
        EXPECT_NE(reply.contentType.find("application/problem+json"), std::string::npos) << query;
    }
    std::string many = "?instrument=AU-A&specimen=s0";
    for (int i = 1; i <= 1000; ++i) many += ",s" + std::to_string(i);
    EXPECT_EQ(orders(many).status, 422);
}

TEST_F(WorklistRoutes, TheGatewaysRemoteSinkReadsTheAnswer) {
    auto transport = lims::workflow::ingest::HttpIngestTransport::create(
        "http://127.0.0.1:" + std::to_string(service.port()), ingestA, std::chrono::seconds(5));
    ASSERT_TRUE(transport.ok());
    struct NoCommits : drivers::IngestSink {
        drivers::CommitOutcome commit_message(const drivers::InstrumentMessage&) override { return drivers::CommitReceipt{}; }
        drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>&) override {
            return drivers::CommitReceipt{};
        }
    } commits;
    auto& http = **transport;
    lims::workflow::ingest::RemoteOrdersSink sink(commits, [&](const std::string& path) { return http.get(path); });
    auto answer = sink.query_orders({"AU-A", {number + "/1", "NOT-A-SAMPLE", "has,comma"}});
    ASSERT_TRUE(std::holds_alternative<drivers::OrdersAnswer>(answer)) << std::get<drivers::CommitFailure>(answer).reason;
    EXPECT_EQ(std::get<drivers::OrdersAnswer>(answer).orders,
              (std::vector<drivers::SpecimenOrders>{{number + "/1", {"GLU"}}}));
    auto other = sink.query_orders({"AU-B", {number}});
    ASSERT_TRUE(std::holds_alternative<drivers::CommitFailure>(other));
    EXPECT_EQ(std::get<drivers::CommitFailure>(other).code, "ingest.unknown_instrument");
}

}  // namespace
