// The in-process ingest use case against a real (SQLite) store: matching, conversion,
// quarantine reasons, duplicates, refusals and rollback.
#include "ingest_fixture.hpp"

#include "lims/domain/identifiers/sample_number.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/quarantine_repository.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"

#include <gtest/gtest.h>

namespace lims::workflow::ingest {
namespace {

using ingest_testing::IngestWorld;

protocols::Observation glucose(const std::string& specimen, const std::string& value = "140",
                               const std::string& units = "mg/dL") {
    protocols::Observation o;
    o.specimen_id = specimen;
    o.test_code = "GLU";
    o.test_name = "Glucose";
    o.value_type = "NM";
    o.value = value;
    o.number = value;
    o.units = units;
    o.status = "F";
    o.abnormal_flags = {"H"};
    return o;
}

IncomingMessage message(std::vector<protocols::Observation> observations, std::string raw = "MSH|1") {
    IncomingMessage m;
    m.instrument_code = "AU-CHEM";
    m.protocol = "hl7";
    m.raw = std::move(raw);
    m.received_at = std::chrono::system_clock::now();
    m.observations = std::move(observations);
    return m;
}

class IngestMessageTest : public ::testing::Test {
protected:
    IngestWorld world;

    std::string quarantine_reason(std::int64_t id) {
        return world.text("SELECT reason_code FROM quarantine WHERE id = " + std::to_string(id));
    }
    void expect_chain_intact() {
        auto verified = store::verify_audit_chain(*world.db);
        ASSERT_TRUE(verified.ok());
        EXPECT_TRUE(verified->intact) << verified->problem;
    }
};

TEST_F(IngestMessageTest, MatchedObservationBecomesPendingReviewResultConvertedExactly) {
    auto receipt = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_TRUE(receipt.ok()) << receipt.error().message;
    EXPECT_FALSE(receipt->duplicate);
    EXPECT_EQ(receipt->accepted, 1u);
    EXPECT_EQ(receipt->quarantined, 0u);
    ASSERT_EQ(receipt->result_ids.size(), 1u);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending_review");
    const auto id = std::to_string(receipt->result_ids[0]);
    // 140 mg/dL * 0.0555 = 7.7700 mmol/L exactly; zeros beyond the measured places dropped.
    EXPECT_EQ(world.text("SELECT value_text FROM results WHERE id = " + id), "7.77");
    EXPECT_EQ(world.text("SELECT unit FROM results WHERE id = " + id), "mmol/L");
    EXPECT_EQ(world.text("SELECT source FROM results WHERE id = " + id), "instrument");
    EXPECT_EQ(world.text("SELECT flags FROM results WHERE id = " + id), "H");
    EXPECT_EQ(world.count("SELECT raw_message_id FROM results WHERE id = " + id), receipt->raw_message_id);
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations WHERE outcome = 'result' AND raw_message_id = " +
                          std::to_string(receipt->raw_message_id) + " AND result_id = " + id),
              1);
    EXPECT_EQ(world.text("SELECT bytes FROM raw_messages WHERE id = " + std::to_string(receipt->raw_message_id)),
              "MSH|1");
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'result.record'"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'raw_message.store'"), 1);
    expect_chain_intact();
}

TEST_F(IngestMessageTest, SameBytesAgainAreOneMessageAndWriteNothing) {
    auto first = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_TRUE(first.ok());
    const auto audit_before = world.count("SELECT count(*) FROM audit_log");
    auto again = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->duplicates, 1u);
    EXPECT_EQ(again->accepted, 0u);
    EXPECT_EQ(again->raw_message_id, first->raw_message_id);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM quarantine"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log"), audit_before);
}

TEST_F(IngestMessageTest, UnknownSpecimenGoesToQuarantineWithTheRawMessage) {
    // A well-formed number of a sample nobody registered, and one with a wrong check character.
    auto parts = domain::SampleNumber::parse(world.sample_number)->parts();
    parts.serial = 999;
    const std::string unregistered = domain::SampleNumber::from_parts(parts)->text();
    std::string misread = world.sample_number;
    misread.back() = misread.back() == 'A' ? 'B' : 'A';
    auto receipt = ingest_message(*world.db, message({glucose(misread), glucose("NOT-A-NUMBER")}), "system:ingest");
    ASSERT_TRUE(receipt.ok()) << receipt.error().message;
    EXPECT_EQ(receipt->accepted, 0u);
    EXPECT_EQ(receipt->quarantined, 2u);
    ASSERT_EQ(receipt->quarantine_ids.size(), 2u);
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[0]), "ingest.unknown_specimen");
    EXPECT_NE(world.text("SELECT reason FROM quarantine WHERE id = " + std::to_string(receipt->quarantine_ids[0]))
                  .find("check"),
              std::string::npos);
    EXPECT_EQ(world.count("SELECT raw_message_id FROM quarantine WHERE id = " + std::to_string(receipt->quarantine_ids[1])),
              receipt->raw_message_id);
    EXPECT_EQ(world.count("SELECT org_id FROM quarantine WHERE id = " + std::to_string(receipt->quarantine_ids[0])),
              world.lab_id);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
    EXPECT_EQ(world.count("SELECT count(*) FROM instrument_observations WHERE outcome = 'quarantined'"), 2);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'quarantine.add'"), 2);

    auto unregistered_receipt = ingest_message(*world.db, message({glucose(unregistered)}, "MSH|2"), "system:ingest");
    ASSERT_TRUE(unregistered_receipt.ok());
    ASSERT_EQ(unregistered_receipt->quarantine_ids.size(), 1u);
    EXPECT_EQ(quarantine_reason(unregistered_receipt->quarantine_ids[0]), "ingest.unknown_specimen");
    EXPECT_NE(world.text("SELECT reason FROM quarantine WHERE id = " +
                         std::to_string(unregistered_receipt->quarantine_ids[0]))
                  .find("no sample"),
              std::string::npos);
}

TEST_F(IngestMessageTest, UnmappedCodeUnconvertibleUnitAndNonReportableStatusAreQuarantined) {
    auto unmapped = glucose(world.sample_number);
    unmapped.test_code = "K";
    auto wrong_unit = glucose(world.sample_number, "7.8", "g/L");
    auto preliminary = glucose(world.sample_number);
    preliminary.status = "P";
    auto receipt = ingest_message(*world.db, message({unmapped, wrong_unit, preliminary}), "system:ingest");
    ASSERT_TRUE(receipt.ok());
    ASSERT_EQ(receipt->quarantine_ids.size(), 3u);
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[0]), "ingest.unmapped_code");
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[1]), "ingest.unit_unconvertible");
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[2]), "ingest.status_not_reportable");
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
}

TEST_F(IngestMessageTest, AFinalTestIsNeverOverwritten) {
    world.exec("UPDATE tests SET state = 'final' WHERE test_code = 'glucose'");
    auto receipt = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_TRUE(receipt.ok());
    ASSERT_EQ(receipt->quarantine_ids.size(), 1u);
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[0]), "review.test_final");
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "final");
}

TEST_F(IngestMessageTest, ASecondResultForTheSameTestInOneMessageIsQuarantined) {
    auto receipt = ingest_message(*world.db, message({glucose(world.sample_number), glucose(world.sample_number, "150")}),
                                  "system:ingest");
    ASSERT_TRUE(receipt.ok());
    EXPECT_EQ(receipt->accepted, 1u);
    ASSERT_EQ(receipt->quarantine_ids.size(), 1u);
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[0]), "review.result_awaiting_review");
}

TEST_F(IngestMessageTest, AbnormallyTerminatedMessageIsQuarantinedWhole) {
    auto m = message({glucose(world.sample_number)});
    m.terminated_normally = false;
    auto receipt = ingest_message(*world.db, m, "system:ingest");
    ASSERT_TRUE(receipt.ok());
    ASSERT_EQ(receipt->quarantine_ids.size(), 1u);
    EXPECT_EQ(quarantine_reason(receipt->quarantine_ids[0]), "ingest.message_incomplete");
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);

    auto empty = message({}, "H|aborted");
    empty.terminated_normally = false;
    auto whole = ingest_message(*world.db, empty, "system:ingest");
    ASSERT_TRUE(whole.ok());
    ASSERT_EQ(whole->quarantine_ids.size(), 1u);
    EXPECT_EQ(world.count("SELECT position FROM quarantine WHERE id = " + std::to_string(whole->quarantine_ids[0])), -1);
}

TEST_F(IngestMessageTest, TestPortionBarcodeFindsTheSample) {
    auto receipt = ingest_message(*world.db, message({glucose(world.sample_number + "/2")}), "system:ingest");
    ASSERT_TRUE(receipt.ok());
    EXPECT_EQ(receipt->accepted, 1u);
    auto beyond = ingest_message(*world.db, message({glucose(world.sample_number + "/3")}, "MSH|3"), "system:ingest");
    ASSERT_TRUE(beyond.ok());
    ASSERT_EQ(beyond->quarantine_ids.size(), 1u);
    EXPECT_EQ(quarantine_reason(beyond->quarantine_ids[0]), "ingest.unknown_specimen");
}

TEST_F(IngestMessageTest, CensoredAndQualitativeValuesKeepTheirText) {
    protocols::Observation assay;
    assay.specimen_id = world.sample_number;
    assay.test_code = "ASSAY";
    assay.value = ">101.5";
    assay.comparator = ">";
    assay.number = "101.5";
    assay.units = "%";
    protocols::Observation sterility;
    sterility.specimen_id = world.sample_number;
    sterility.test_code = "STER";
    sterility.value = "No growth";
    auto receipt = ingest_message(*world.db, message({assay, sterility}), "system:ingest");
    ASSERT_TRUE(receipt.ok());
    ASSERT_EQ(receipt->result_ids.size(), 2u);
    EXPECT_EQ(world.text("SELECT value_text FROM results WHERE id = " + std::to_string(receipt->result_ids[0])), ">101.5");
    EXPECT_EQ(world.text("SELECT qualitative FROM results WHERE id = " + std::to_string(receipt->result_ids[1])),
              "No growth");
}

TEST_F(IngestMessageTest, UnknownOrRetiredInstrumentIsRefusedAndNothingWritten) {
    auto m = message({glucose(world.sample_number)});
    m.instrument_code = "NOBODY";
    auto refused = ingest_message(*world.db, m, "system:ingest");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, kUnknownInstrument);
    EXPECT_FALSE(is_retryable(refused.error()));
    world.exec("UPDATE instruments SET active = 0 WHERE code = 'AU-CHEM'");
    auto retired = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_FALSE(retired.ok());
    EXPECT_EQ(retired.error().code, kUnknownInstrument);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
}

TEST_F(IngestMessageTest, AFailureInsideTheTransactionLeavesNothing) {
    // The last write of the message fails: the raw message, the result and the test's
    // state change before it must all be rolled back.
    world.exec("CREATE TRIGGER refuse_observations BEFORE INSERT ON instrument_observations "
               "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    auto failed = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, kStoreFailed);
    EXPECT_EQ(world.count("SELECT count(*) FROM raw_messages"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM results"), 0);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'result.record'"), 0);
    EXPECT_EQ(world.test_state(world.sample_number, "glucose"), "pending");
    world.exec("DROP TRIGGER refuse_observations");
    auto retried = ingest_message(*world.db, message({glucose(world.sample_number)}), "system:ingest");
    ASSERT_TRUE(retried.ok());
    EXPECT_EQ(retried->accepted, 1u);
    expect_chain_intact();
}

TEST_F(IngestMessageTest, MessageWithoutInstrumentOrProtocolIsRefused) {
    auto m = message({});
    m.protocol = "";
    auto refused = ingest_message(*world.db, m, "system:ingest");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, kBadMessage);
    m = message({});
    m.instrument_code = "";
    refused = ingest_message(*world.db, m, "system:ingest");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, kBadMessage);
}

}  // namespace
}  // namespace lims::workflow::ingest
