// Resolving quarantine entries: assign (the result is recorded like ingest records it),
// discard with a reason, once only, within the laboratory's jurisdiction.
#include "ingest_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include <gtest/gtest.h>

namespace lims::workflow::ingest {
namespace {

using ingest_testing::IngestWorld;

class QuarantineResolutionTest : public ::testing::Test {
protected:
    IngestWorld world;
    Actor technician{.name = "tech1", .org_path = ""};

    void SetUp() override { technician.org_path = world.lab_path; }

    // One quarantined observation: glucose sent for a specimen nobody registered.
    std::int64_t quarantined(const std::string& code = "GLU", const std::string& value = "140",
                             const std::string& units = "mg/dL") {
        protocols::Observation o;
        o.specimen_id = "UNLABELLED-7";
        o.test_code = code;
        o.value = value;
        o.units = units;
        o.abnormal_flags = {"H"};
        IncomingMessage m{"AU-CHEM", "hl7", "MSH|" + code + value, std::chrono::system_clock::now(), {o}, true};
        auto receipt = ingest_message(*world.db, m, "system:ingest");
        EXPECT_TRUE(receipt.ok());
        EXPECT_EQ(receipt->quarantine_ids.size(), 1u);
        return receipt->quarantine_ids.at(0);
    }
};

TEST_F(QuarantineResolutionTest, AssigningRecordsTheConvertedResultOnTheTest) {
    const auto id = quarantined();
    auto resolved = assign_quarantined(*world.db, id, {world.sample_number, "glucose", std::nullopt}, technician);
    ASSERT_TRUE(resolved.ok()) << resolved.error().code << ": " << resolved.error().message;
    ASSERT_TRUE(resolved->result_id);
    EXPECT_EQ(resolved->entry.state, "assigned");
    EXPECT_EQ(resolved->entry.resolved_by, "tech1");
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending_review");
    EXPECT_EQ(world.text("SELECT value_text FROM results WHERE id = " + std::to_string(*resolved->result_id)), "7.77");
    EXPECT_EQ(world.count("SELECT raw_message_id FROM results WHERE id = " + std::to_string(*resolved->result_id)),
              resolved->entry.raw_message_id);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'quarantine.assign' AND actor = 'tech1'"), 1);
    auto verified = store::verify_audit_chain(*world.db);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->intact);
}

TEST_F(QuarantineResolutionTest, SecondResolutionIsRefused) {
    const auto id = quarantined();
    ASSERT_TRUE(assign_quarantined(*world.db, id, {world.sample_number, "glucose", std::nullopt}, technician).ok());
    auto again = discard_quarantined(*world.db, id, "duplicate", std::nullopt, technician);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "ingest.quarantine_resolved");
    EXPECT_NE(again.error().message.find("tech1"), std::string::npos);
    auto reassign = assign_quarantined(*world.db, id, {world.sample_number, "assay", std::nullopt}, technician);
    ASSERT_FALSE(reassign.ok());
    EXPECT_EQ(reassign.error().code, "ingest.quarantine_resolved");
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 1);
}

TEST_F(QuarantineResolutionTest, DiscardNeedsAReasonAndIsAudited) {
    const auto id = quarantined();
    auto blank = discard_quarantined(*world.db, id, "  ", std::nullopt, technician);
    ASSERT_FALSE(blank.ok());
    EXPECT_EQ(blank.error().code, "ingest.reason_required");
    auto discarded = discard_quarantined(*world.db, id, "calibration run, not a sample", std::nullopt, technician);
    ASSERT_TRUE(discarded.ok());
    EXPECT_EQ(discarded->entry.state, "discarded");
    EXPECT_EQ(discarded->entry.resolution_reason, "calibration run, not a sample");
    EXPECT_EQ(world.text("SELECT reason FROM audit_log WHERE action = 'quarantine.discard'"),
              "calibration run, not a sample");
}

TEST_F(QuarantineResolutionTest, OtherLaboratoriesSeeNothing) {
    const auto id = quarantined();
    Actor outsider{.name = "tech2", .org_path = world.other_lab_path};
    auto hidden = discard_quarantined(*world.db, id, "not mine", std::nullopt, outsider);
    ASSERT_FALSE(hidden.ok());
    EXPECT_EQ(hidden.error().code, "ingest.quarantine_not_found");
    auto missing = discard_quarantined(*world.db, id + 100, "gone", std::nullopt, technician);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "ingest.quarantine_not_found");
    // The bureau above the laboratory sees it.
    Actor bureau{.name = "chief", .org_path = world.root_path};
    EXPECT_TRUE(discard_quarantined(*world.db, id, "seen from above", std::nullopt, bureau).ok());
}

TEST_F(QuarantineResolutionTest, StaleVersionAndImpossibleAssignmentsLeaveTheEntryOpen) {
    const auto id = quarantined();
    auto stale = discard_quarantined(*world.db, id, "x", 7, technician);
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error().code, "store.conflict");
    auto no_test = assign_quarantined(*world.db, id, {world.sample_number, "heavy_metals", std::nullopt}, technician);
    ASSERT_FALSE(no_test.ok());
    EXPECT_EQ(no_test.error().code, "ingest.no_such_test");
    auto no_sample = assign_quarantined(*world.db, id, {"D2026-310101-000999-X", "glucose", std::nullopt}, technician);
    ASSERT_FALSE(no_sample.ok());
    EXPECT_EQ(no_sample.error().code, "ingest.unknown_specimen");
    world.exec("UPDATE tests SET state = 'final' WHERE test_code = 'glucose'");
    auto final_test = assign_quarantined(*world.db, id, {world.sample_number, "glucose", std::nullopt}, technician);
    ASSERT_FALSE(final_test.ok());
    EXPECT_EQ(final_test.error().code, "review.test_final");
    EXPECT_EQ(world.text("SELECT state FROM quarantine WHERE id = " + std::to_string(id)), "open");
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
}

TEST_F(QuarantineResolutionTest, UnmappedCodeAssignedIsTakenInTheUnitSent) {
    const auto id = quarantined("PURITY", "99.2", "%");
    auto resolved = assign_quarantined(*world.db, id, {world.sample_number, "assay", std::nullopt}, technician);
    ASSERT_TRUE(resolved.ok()) << resolved.error().message;
    EXPECT_EQ(world.text("SELECT value_text || ' ' || unit FROM results WHERE id = " +
                         std::to_string(*resolved->result_id)),
              "99.2 %");
}

}  // namespace
}  // namespace lims::workflow::ingest
