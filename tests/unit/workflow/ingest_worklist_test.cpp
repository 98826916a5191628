// Host query answers (find_orders) against a real SQLite store: which tests are still to
// run, in the instrument's codes; retests, finished and reviewed tests, tests assigned to
// another instrument or not mapped; unknown, closed and out-of-jurisdiction specimens;
// refused queries; and that answering writes nothing.
#include "ingest_fixture.hpp"

#include "lims/domain/identifiers/sample_number.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/worklist.hpp"

#include <gtest/gtest.h>

namespace lims::workflow::ingest {
namespace {

using ingest_testing::IngestWorld;
using Codes = std::vector<std::string>;

class WorklistTest : public ::testing::Test {
protected:
    Worklist ask(const std::vector<std::string>& specimens, const std::string& instrument = "AU-CHEM") {
        auto found = find_orders(*world.db, instrument, specimens);
        EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().code + ": " + found.error().message);
        return found.ok() ? *found : Worklist{};
    }
    Codes codes_for(const std::string& specimen, const std::string& instrument = "AU-CHEM") {
        Worklist w = ask({specimen}, instrument);
        return w.orders.empty() ? Codes{} : w.orders.front().instrument_test_codes;
    }
    std::string no_order_code(const std::string& specimen, const std::string& instrument = "AU-CHEM") {
        Worklist w = ask({specimen}, instrument);
        EXPECT_TRUE(w.orders.empty());
        return w.no_orders.empty() ? "(orders)" : w.no_orders.front().code;
    }
    void set_state(const std::string& test_code, const std::string& state) {
        world.exec("UPDATE tests SET state = '" + state + "' WHERE test_code = '" + test_code + "'");
    }
    std::int64_t add_instrument_of(std::int64_t org_id, const std::string& code) {
        std::int64_t id = 0;
        auto ok = world.db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::InstrumentRepository instruments(tx);
            auto created = instruments.create({code, org_id, code, "astm", "tcp_listen", "127.0.0.1:0", true}, "test");
            if (!created) return created.error();
            id = created->id;
            auto mapped = instruments.create_mapping(id, {"G", "glucose", "", "mmol/L", "1", "0", true}, "test");
            if (!mapped) return mapped.error();
            return store::Done{};
        });
        EXPECT_TRUE(ok.ok());
        return id;
    }

    IngestWorld world;
};

TEST_F(WorklistTest, PendingTestsInTheInstrumentsCodesByTest) {
    // glucose is mapped from GLU and 14749-6: the first mapping (GLU) is the one sent.
    EXPECT_EQ(codes_for(world.sample_number), (Codes{"GLU", "ASSAY", "STER"}));
    Worklist w = ask({world.sample_number});
    ASSERT_EQ(w.orders.size(), 1u);
    EXPECT_EQ(w.orders[0].specimen_id, world.sample_number);
    EXPECT_TRUE(w.no_orders.empty());
}

TEST_F(WorklistTest, TestsWithTheirResultAreNotSentAgainButRetestsAre) {
    set_state("glucose", "pending_review");
    set_state("assay", "final");
    set_state("sterility", "retest_ordered");
    EXPECT_EQ(codes_for(world.sample_number), (Codes{"STER"}));
    for (const char* state : {"accepted", "verified", "cancelled"}) {
        set_state("sterility", state);
        EXPECT_EQ(no_order_code(world.sample_number), "ingest.nothing_to_run") << state;
    }
    for (const char* state : {"rejected", "retracted", "pending"}) {
        set_state("sterility", state);
        EXPECT_EQ(codes_for(world.sample_number), (Codes{"STER"})) << state;
    }
}

TEST_F(WorklistTest, AllFinalMeansNothingToRunWithTheReason) {
    for (const char* code : {"glucose", "assay", "sterility"}) set_state(code, "final");
    Worklist w = ask({world.sample_number});
    EXPECT_TRUE(w.orders.empty());
    ASSERT_EQ(w.no_orders.size(), 1u);
    EXPECT_EQ(w.no_orders[0].code, "ingest.nothing_to_run");
    EXPECT_NE(w.no_orders[0].reason.find(world.sample_number), std::string::npos);
}

TEST_F(WorklistTest, ARetestRowIsRunWhileTheFinalOneItRepeatsIsNot) {
    set_state("glucose", "final");
    world.exec("INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) SELECT id, 'glucose', "
               "'pending', created_at, created_at FROM samples");
    EXPECT_EQ(codes_for(world.sample_number), (Codes{"ASSAY", "STER", "GLU"}));  // by test: the retest is newest
}

TEST_F(WorklistTest, TestsAssignedToAnotherInstrumentOrNotMappedAreLeftOut) {
    const auto other = world.add_instrument("HPLC-1", "csv", "file_drop", {{"ASY", "assay", "", "%", "1", "0", true}});
    world.exec("UPDATE tests SET instrument_id = " + std::to_string(other) + " WHERE test_code = 'assay'");
    world.exec("UPDATE tests SET instrument_id = " + std::to_string(world.instrument_id) +
               " WHERE test_code = 'sterility'");
    world.add_test_to_samples("heavy_metals");  // no mapping on AU-CHEM
    EXPECT_EQ(codes_for(world.sample_number), (Codes{"GLU", "STER"}));
    EXPECT_EQ(codes_for(world.sample_number, "HPLC-1"), (Codes{"ASY"}));
    // An inactive mapping is no mapping.
    world.exec("UPDATE instrument_test_mappings SET active = 0 WHERE instrument_test_code = 'ASY'");
    EXPECT_EQ(no_order_code(world.sample_number, "HPLC-1"), "ingest.nothing_to_run");
}

TEST_F(WorklistTest, PortionBarcodesAndCompactNumbersAreAnsweredAsSent) {
    const std::string portion = world.sample_number + "/2";
    Worklist w = ask({portion});
    ASSERT_EQ(w.orders.size(), 1u);
    EXPECT_EQ(w.orders[0].specimen_id, portion);
    EXPECT_EQ(w.orders[0].instrument_test_codes, (Codes{"GLU", "ASSAY", "STER"}));
    EXPECT_EQ(no_order_code(world.sample_number + "/3"), "ingest.unknown_specimen");  // two test portions
    const std::string compact = domain::SampleNumber::parse(world.sample_number)->compact();
    EXPECT_EQ(codes_for(compact), (Codes{"GLU", "ASSAY", "STER"}));
}

TEST_F(WorklistTest, UnknownSpecimensGetNoOrdersWithTheReason) {
    auto parts = domain::SampleNumber::parse(world.sample_number)->parts();
    parts.serial = 999;
    const std::string unregistered = domain::SampleNumber::from_parts(parts)->text();
    std::string misread = world.sample_number;
    misread.back() = misread.back() == 'A' ? 'B' : 'A';
    Worklist w = ask({unregistered, misread, "", "NOT-A-NUMBER", world.sample_number});
    ASSERT_EQ(w.no_orders.size(), 4u);
    for (const auto& n : w.no_orders) EXPECT_EQ(n.code, "ingest.unknown_specimen") << n.specimen_id;
    EXPECT_EQ(w.no_orders[0].specimen_id, unregistered);
    EXPECT_NE(w.no_orders[0].reason.find("no sample"), std::string::npos);
    EXPECT_NE(w.no_orders[1].reason.find("check"), std::string::npos);
    ASSERT_EQ(w.orders.size(), 1u);  // the good one is still answered
}

TEST_F(WorklistTest, AVoidedOrRejectedSampleIsNotRun) {
    for (const char* state : {"voided", "rejected"}) {
        world.exec(std::string("UPDATE samples SET state = '") + state + "'");
        EXPECT_EQ(no_order_code(world.sample_number), "ingest.sample_closed") << state;
    }
}

TEST_F(WorklistTest, AnInstrumentOfAnotherJurisdictionLearnsNothing) {
    add_instrument_of(world.other_lab_id, "OTHER-CHEM");
    Worklist w = ask({world.sample_number}, "OTHER-CHEM");
    EXPECT_TRUE(w.orders.empty());
    ASSERT_EQ(w.no_orders.size(), 1u);
    EXPECT_EQ(w.no_orders[0].code, "ingest.unknown_specimen");  // the same words as for a sample that does not exist
    EXPECT_NE(w.no_orders[0].reason.find("jurisdiction"), std::string::npos);
    // An instrument of the bureau above both laboratories sees the sample.
    const auto root = world.count("SELECT parent_id FROM organisations WHERE id = " + std::to_string(world.lab_id));
    add_instrument_of(root, "BUREAU-CHEM");
    EXPECT_EQ(codes_for(world.sample_number, "BUREAU-CHEM"), (Codes{"G"}));
}

TEST_F(WorklistTest, ASampleShippedToTheLaboratoryIsInItsJurisdiction) {
    // Registered by another organisation (as samples are, by the supervision office) ...
    world.exec("UPDATE samples SET org_id = " + std::to_string(world.other_lab_id));
    EXPECT_EQ(no_order_code(world.sample_number), "ingest.unknown_specimen");
    // ... and shipped to the laboratory that owns the instrument.
    world.exec("INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) VALUES ('SH-1', " +
               std::to_string(world.other_lab_id) + ", " + std::to_string(world.lab_id) +
               ", 'received', '2026-11-20T02:00:00.000Z', '2026-11-20T02:00:00.000Z')");
    world.exec("INSERT INTO shipment_items (shipment_id, sample_id) SELECT h.id, s.id FROM shipments h, samples s");
    EXPECT_EQ(codes_for(world.sample_number), (Codes{"GLU", "ASSAY", "STER"}));
}

TEST_F(WorklistTest, RefusedQueries) {
    auto unknown = find_orders(*world.db, "NOPE", {world.sample_number});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, kUnknownInstrument);
    world.exec("UPDATE instruments SET active = 0 WHERE code = 'AU-CHEM'");
    auto retired = find_orders(*world.db, "AU-CHEM", {world.sample_number});
    ASSERT_FALSE(retired.ok());
    EXPECT_EQ(retired.error().code, kUnknownInstrument);
    EXPECT_NE(retired.error().message.find("retired"), std::string::npos);
    auto nameless = find_orders(*world.db, "", {world.sample_number});
    ASSERT_FALSE(nameless.ok());
    EXPECT_EQ(nameless.error().code, kBadMessage);
    auto too_many = find_orders(*world.db, "AU-CHEM", std::vector<std::string>(kMaxWorklistSpecimens + 1, "x"));
    ASSERT_FALSE(too_many.ok());
    EXPECT_EQ(too_many.error().code, "ingest.too_many_specimens");
}

TEST_F(WorklistTest, ASpecimenAskedTwiceIsAnsweredOnceInTheOrderAsked) {
    Worklist w = ask({"NOT-A-NUMBER", world.sample_number, world.sample_number, "NOT-A-NUMBER"});
    EXPECT_EQ(w.orders.size(), 1u);
    EXPECT_EQ(w.no_orders.size(), 1u);
}

TEST_F(WorklistTest, AnsweringWritesNothing) {
    const auto audit = world.count("SELECT count(*) FROM audit_log");
    const auto raw = world.count("SELECT count(*) FROM raw_messages");
    (void)ask({world.sample_number, "NOT-A-NUMBER"});
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log"), audit);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), raw);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
}

}  // namespace
}  // namespace lims::workflow::ingest
