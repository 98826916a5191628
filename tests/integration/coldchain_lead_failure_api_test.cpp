// The README's own organisation example, where the provincial administration has no
// enforcement unit, over the real service on SQLite and on PostgreSQL: a gateway posts a
// CDC refrigerator's breach to POST /api/v1/ingest/readings; the readings and the
// excursion are committed although the case lead cannot be opened (issue 19 item 1), the
// unit's contacts get a case_lead_failed alarm naming the reason, /healthz and /metrics
// show the excursion waiting, and once an enforcement unit exists the minute job opens the
// lead and the warning goes.
#include "test_service.hpp"

#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/excursion_leads.hpp"
#include "lims/workflow/coldchain/placements.hpp"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>

namespace lims::test {
namespace {

namespace cc = lims::workflow::coldchain;
using namespace Poco::Data::Keywords;

constexpr std::int64_t kMin = 60;
constexpr std::int64_t kHour = 3600;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

template <typename T>
T must(domain::Result<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

class ColdChainLeadFailureApiTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
        db = service->database();
        prov = service->organisationId(TestService::kProvince);
        options.calendar = &service->host().calendar();
        // A CDC under the provincial administration itself: no enforcement unit at or above it.
        cdc = must(db->write([&](store::Transaction& tx) -> store::StoreResult<std::int64_t> {
            const std::string at = tx.now_utc();
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                            "updated_at) VALUES ('Provincial CDC', 'cdc', $1, '310000', $2, $2) RETURNING id",
                bind(prov), bind(at), into(id), now;
            return static_cast<std::int64_t>(id);
        }));
        logger = must(db->write([&](store::Transaction& tx) {
                     return store::ReadingRepository(tx).create_logger("TL-PROV", "sim", prov, "test");
                 })).id;
        store::StorageUnitRow fridge;
        fridge.code = "PROV-CDC-F1";
        fridge.org_id = prov;
        fridge.entity_id = cdc;
        fridge.name = "vaccine refrigerator";
        fridge.kind = "refrigerator";
        fridge.storage_class = "refrigerated";
        fridge.min_centi_celsius = 200;
        fridge.max_centi_celsius = 800;
        unit = must(cc::register_storage_unit(*db, fridge, "test")).id;
        for (int i = 0; i < 3; ++i) {
            store::ContactRow c;
            c.org_id = prov;
            c.entity_id = cdc;
            c.name = "duty " + std::to_string(i);
            c.email = "duty" + std::to_string(i) + "@cdc.example";
            must(cc::add_site_contact(*db, c, "test"));
        }
        // Readings must be recent (ingest refuses those older than 90 days): two days ago.
        t0 = (unix_now() - 2 * 24 * kHour) / kHour * kHour;
        must(cc::place_logger(*db, {logger, unit, std::nullopt, t0}, t0, options));
    }

    std::int64_t count(const std::string& sql) {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::int64_t> {
            Poco::Int64 n = 0;
            tx.session() << sql, into(n), now;
            return static_cast<std::int64_t>(n);
        }));
    }

    // The /healthz warning about excursions without their lead: its count, 0 when absent.
    std::int64_t waiting_on_healthz() {
        auto reply = service->anonymous().get("/healthz");
        EXPECT_EQ(reply.status, 200) << reply.describe();
        if (!reply.json() || !reply.json()->has("warnings")) return 0;
        auto warnings = reply.json()->getArray("warnings");
        for (std::size_t i = 0; i < warnings->size(); ++i) {
            auto w = warnings->getObject(static_cast<unsigned>(i));
            if (w->getValue<std::string>("code") == "coldchain.excursions_without_case_lead")
                return w->getValue<Poco::Int64>("count");
        }
        return 0;
    }

    std::unique_ptr<TestService> service;
    std::shared_ptr<store::Database> db;
    cc::ColdChainOptions options;
    std::int64_t prov = 0, cdc = 0, logger = 0, unit = 0, t0 = 0;
};

TEST_P(ColdChainLeadFailureApiTest, BreachIsCommittedTheLeadFailureIsShownAndTheLeadOpensOnceAUnitExists) {
    // One hour at 5 °C, eleven at 9.5 °C (the 10-hour heat rule fires), then back to 5 °C.
    Poco::JSON::Array::Ptr readings = new Poco::JSON::Array;
    std::int64_t t = t0;
    auto hold = [&](int centi, std::int64_t duration) {
        for (std::int64_t s = 0; s < duration; s += 5 * kMin, t += 5 * kMin) {
            Poco::JSON::Object::Ptr r = new Poco::JSON::Object;
            r->set("logger", "TL-PROV");
            r->set("at_utc", t);
            r->set("centi_celsius", centi);
            readings->add(r);
        }
    };
    hold(500, kHour);
    hold(950, 11 * kHour);
    hold(500, kHour);
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("readings", readings);
    // The logger is the province's: only a gateway of the province's own subtree may post its
    // readings (an ingest token is bound to its organisation).
    service->addUser("ingest_service_province", TestService::kProvince, {"ingest_service"});
    auto gateway = service->withToken(service->serviceToken("ingest_service_province"));
    auto reply = gateway.post("/api/v1/ingest/readings", body, {{"Idempotency-Key", "breach-1"}});
    ASSERT_EQ(reply.status, 200) << reply.describe();
    EXPECT_EQ(reply.json()->getValue<Poco::UInt64>("stored"), readings->size());
    EXPECT_EQ(reply.json()->getValue<Poco::UInt64>("rejected"), 0u);

    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE logger_id = " + std::to_string(logger)),
              static_cast<std::int64_t>(readings->size()));
    EXPECT_EQ(count("SELECT count(*) FROM excursions WHERE state = 'closed' AND case_lead_id IS NULL AND max_centi_celsius = "
                    "950 AND storage_unit_id = " + std::to_string(unit)),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);
    auto detail = must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
        std::vector<std::string> d;
        tx.session() << "SELECT detail FROM coldchain_alarms WHERE kind = 'case_lead_failed' AND cleared_at_utc IS NULL "
                        "AND storage_unit_id = $1",
            bind(unit), into(d), now;
        return d.empty() ? std::string() : d.front();
    }));
    EXPECT_NE(detail.find("case lead could not be opened: no enforcement unit"), std::string::npos) << detail;
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications n JOIN coldchain_alarms a ON a.id = n.alarm_id WHERE "
                    "a.kind = 'case_lead_failed'"),
              6);  // three contacts, in-app and e-mail each
    EXPECT_EQ(waiting_on_healthz(), 1);
    EXPECT_NE(service->host().api().metrics().render().find("lims_coldchain_excursions_without_case_lead 1"),
              std::string::npos);

    // The administrator adds the enforcement unit; the minute job opens the lead.
    const auto enforcement = must(db->write([&](store::Transaction& tx) {
                                     return store::OrganisationRepository(tx).create(
                                         {"PROV-ENF", "Provincial enforcement", domain::OrganisationKind::enforcement_unit,
                                          prov, "310000"},
                                         "test");
                                 })).id;
    auto done = must(cc::retry_excursion_case_leads(*db, unix_now(), options));
    EXPECT_EQ(done.opened, 1u);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE source = 'cold_chain_break' AND assigned_org_id = " +
                    std::to_string(enforcement)),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM excursions WHERE case_lead_id IS NOT NULL"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE kind = 'case_lead_failed' AND cleared_at_utc IS NULL"), 0);
    EXPECT_EQ(waiting_on_healthz(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ColdChainLeadFailureApiTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backendName);

}  // namespace
}  // namespace lims::test
