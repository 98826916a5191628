// The use cases behind the instrument, quarantine, raw-message, logger-registration and
// host-query routes (issue 14, one door to the data): each checks the caller's subtree for
// every record it touches — another laboratory's record is not_found like a missing one,
// an organisation named in a body outside the subtree is invalid naming the field — and
// writes (and audits) nothing when it refuses.
#include "ingest_fixture.hpp"

#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/ingest/instruments.hpp"
#include "lims/workflow/ingest/logger_registration.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"
#include "lims/workflow/ingest/worklist.hpp"
#include "lims/workflow/review/result_view.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <gtest/gtest.h>

namespace lims::workflow::ingest {
namespace {

using ingest_testing::IngestWorld;
using domain::ErrorKind;

class IngestDoorTest : public ::testing::Test {
protected:
    IngestWorld world;
    Actor lab;       // an administrator of the laboratory that owns AU-CHEM
    Actor other;     // of the other laboratory
    Actor bureau;    // of the bureau above both
    Actor nowhere;   // with no organisation path: covers nothing

    void SetUp() override {
        lab = Actor{1, "lab-admin", {domain::Role::administrator, domain::Role::analyst}, world.lab_id, world.lab_path};
        other = Actor{2, "other-admin", {domain::Role::administrator, domain::Role::analyst}, world.other_lab_id,
                      world.other_lab_path};
        bureau = Actor{3, "bureau-admin", {domain::Role::administrator}, std::nullopt, world.root_path};
        nowhere = Actor{4, "nobody", {domain::Role::administrator}, std::nullopt, ""};
    }

    std::int64_t audit(const std::string& action) {
        return world.count("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
    }

    store::InstrumentFields fields(const std::string& code) {
        store::InstrumentFields f;
        f.code = code;
        f.name = code + " analyzer";
        f.family = "hl7";
        f.transport = "tcp_listen";
        f.address = "0.0.0.0:5200";
        f.options_json = "{}";
        return f;
    }

    // One quarantined observation from AU-CHEM (a specimen nobody registered).
    std::int64_t quarantined() {
        protocols::Observation o;
        o.specimen_id = "UNLABELLED-9";
        o.test_code = "GLU";
        o.value = "99";
        o.units = "mg/dL";
        IncomingMessage m{"AU-CHEM", "hl7", "MSH|door", std::chrono::system_clock::now(), {o}, true};
        auto receipt = ingest_message(*world.db, m, "system:ingest");
        EXPECT_TRUE(receipt.ok());
        return receipt->quarantine_ids.at(0);
    }
};

void expect_not_found(const domain::Error& e, const std::string& code) {
    EXPECT_EQ(e.kind, ErrorKind::not_found) << e.code;
    EXPECT_EQ(e.code, code);
}

TEST_F(IngestDoorTest, InstrumentsAreListedAndFoundOnlyInsideTheSubtree) {
    world.add_instrument("AU-TWO", "hl7", "tcp_listen", {});
    auto first = list_instruments(*world.db, lab, 0, 1);
    ASSERT_TRUE(first.ok()) << first.error().message;
    ASSERT_EQ(first->items.size(), 1u);
    EXPECT_EQ(first->items[0].instrument.code, "AU-CHEM");
    EXPECT_EQ(first->items[0].org_code, "LAB");
    ASSERT_TRUE(first->next_after_id.has_value());
    auto second = list_instruments(*world.db, lab, *first->next_after_id, 1);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->items.size(), 1u);
    EXPECT_EQ(second->items[0].instrument.code, "AU-TWO");
    EXPECT_FALSE(second->next_after_id.has_value());

    EXPECT_TRUE(list_instruments(*world.db, other, 0, 50)->items.empty());
    EXPECT_TRUE(list_instruments(*world.db, nowhere, 0, 50)->items.empty());
    EXPECT_EQ(list_instruments(*world.db, bureau, 0, 50)->items.size(), 2u);

    ASSERT_TRUE(find_instrument(*world.db, lab, "AU-CHEM").ok());
    auto hidden = find_instrument(*world.db, other, "AU-CHEM");
    ASSERT_FALSE(hidden.ok());
    expect_not_found(hidden.error(), "instrument.not_found");
    auto missing = find_instrument(*world.db, lab, "NOPE");
    ASSERT_FALSE(missing.ok());
    // The same answer for another's and for none.
    EXPECT_EQ(hidden.error().message, "There is no instrument AU-CHEM.");
    EXPECT_EQ(missing.error().message, "There is no instrument NOPE.");
}

TEST_F(IngestDoorTest, AnInstrumentIsRegisteredOnlyForAnOrganisationOfTheSubtree) {
    const auto before = world.count("SELECT COUNT(*) FROM instruments");
    const auto audited = audit("instrument.create");
    auto refused = register_instrument(*world.db, lab, fields("AU-X"), "LAB2");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::invalid);
    EXPECT_EQ(refused.error().field, "organisation_code");
    auto unknown = register_instrument(*world.db, lab, fields("AU-X"), "NO-SUCH-ORG");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().field, "organisation_code");
    EXPECT_EQ(world.count("SELECT COUNT(*) FROM instruments"), before);
    EXPECT_EQ(audit("instrument.create"), audited);

    auto made = register_instrument(*world.db, bureau, fields("AU-X"), "LAB2");
    ASSERT_TRUE(made.ok()) << made.error().message;
    EXPECT_EQ(made->org_code, "LAB2");
    EXPECT_EQ(made->instrument.org_id, world.other_lab_id);
    EXPECT_EQ(world.text("SELECT actor FROM audit_log WHERE action = 'instrument.create' AND entity_id = 'AU-X'"),
              "bureau-admin");
}

TEST_F(IngestDoorTest, AnInstrumentIsChangedOnlyInsideTheSubtreeAndAtItsVersion) {
    auto current = find_instrument(*world.db, lab, "AU-CHEM");
    ASSERT_TRUE(current.ok());
    const auto v = current->instrument.version;
    auto hidden = update_instrument(*world.db, other, "AU-CHEM", v, fields("AU-CHEM"), "LAB2");
    ASSERT_FALSE(hidden.ok());
    expect_not_found(hidden.error(), "instrument.not_found");
    auto moved_away = update_instrument(*world.db, lab, "AU-CHEM", v, fields("AU-CHEM"), "LAB2");
    ASSERT_FALSE(moved_away.ok());
    EXPECT_EQ(moved_away.error().field, "organisation_code");
    auto stale = update_instrument(*world.db, lab, "AU-CHEM", v + 5, fields("AU-CHEM"), "LAB");
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error().kind, ErrorKind::conflict);
    EXPECT_EQ(audit("instrument.update"), 0);
    auto changed = update_instrument(*world.db, lab, "AU-CHEM", v, fields("AU-CHEM"), "LAB");
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(changed->instrument.version, v + 1);
    EXPECT_EQ(audit("instrument.update"), 1);
}

TEST_F(IngestDoorTest, MappingsBelongToTheirInstrumentAndItsSubtree) {
    auto rows = instrument_mappings(*world.db, lab, "AU-CHEM");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 4u);
    const auto id = rows->front().id;
    EXPECT_FALSE(instrument_mappings(*world.db, other, "AU-CHEM").ok());
    auto hidden = find_instrument_mapping(*world.db, other, "AU-CHEM", id);
    ASSERT_FALSE(hidden.ok());
    expect_not_found(hidden.error(), "instrument.not_found");
    // A mapping of another instrument, named under this one, is not there.
    world.add_instrument("AU-TWO", "hl7", "tcp_listen", {});
    auto elsewhere = find_instrument_mapping(*world.db, lab, "AU-TWO", id);
    ASSERT_FALSE(elsewhere.ok());
    expect_not_found(elsewhere.error(), "instrument.mapping_not_found");
    store::TestMappingFields f{"NA", "sodium", "", "mmol/L", "1", "0", true};
    auto refused = add_instrument_mapping(*world.db, other, "AU-CHEM", f);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::not_found);
    EXPECT_EQ(instrument_mappings(*world.db, lab, "AU-CHEM")->size(), 4u);
    auto refused_change = update_instrument_mapping(*world.db, other, "AU-CHEM", id, 1, f);
    ASSERT_FALSE(refused_change.ok());
    EXPECT_EQ(refused_change.error().kind, ErrorKind::not_found);
    ASSERT_TRUE(add_instrument_mapping(*world.db, lab, "AU-CHEM", f).ok());
}

TEST_F(IngestDoorTest, QuarantineAndRawMessagesAreReadOnlyInsideTheSubtree) {
    const auto id = quarantined();
    auto mine = list_quarantine(*world.db, lab, std::string("open"), 0, 50);
    ASSERT_TRUE(mine.ok());
    ASSERT_EQ(mine->items.size(), 1u);
    EXPECT_TRUE(list_quarantine(*world.db, other, std::nullopt, 0, 50)->items.empty());
    EXPECT_TRUE(list_quarantine(*world.db, nowhere, std::nullopt, 0, 50)->items.empty());
    EXPECT_TRUE(list_quarantine(*world.db, lab, std::string("discarded"), 0, 50)->items.empty());
    auto bad_state = list_quarantine(*world.db, lab, std::string("closed"), 0, 50);
    ASSERT_FALSE(bad_state.ok());
    EXPECT_EQ(bad_state.error().kind, ErrorKind::invalid);
    EXPECT_EQ(bad_state.error().field, "state");

    ASSERT_TRUE(find_quarantine_entry(*world.db, lab, id).ok());
    auto hidden = find_quarantine_entry(*world.db, other, id);
    ASSERT_FALSE(hidden.ok());
    expect_not_found(hidden.error(), "ingest.quarantine_not_found");

    const auto raw = mine->items[0].raw_message_id;
    auto message = find_raw_message(*world.db, lab, raw);
    ASSERT_TRUE(message.ok()) << message.error().message;
    EXPECT_EQ(message->instrument_code, "AU-CHEM");
    EXPECT_EQ(message->message.bytes, "MSH|door");
    auto other_raw = find_raw_message(*world.db, other, raw);
    ASSERT_FALSE(other_raw.ok());
    expect_not_found(other_raw.error(), "ingest.raw_message_not_found");
    auto missing = find_raw_message(*world.db, lab, raw + 100);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, "There is no raw message " + std::to_string(raw + 100) + ".");

    // A resolution by another laboratory writes and audits nothing.
    auto refused = discard_quarantined(*world.db, id, "not mine", std::nullopt, other);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::not_found);
    EXPECT_EQ(audit("quarantine.discard"), 0);
    ASSERT_TRUE(discard_quarantined(*world.db, id, "a calibration run", std::nullopt, lab).ok());
    auto again = discard_quarantined(*world.db, id, "twice", std::nullopt, lab);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().kind, ErrorKind::conflict);
}

TEST_F(IngestDoorTest, LoggersAreRegisteredReadAndChangedOnlyInsideTheSubtree) {
    LoggerRegistration reg;
    reg.serial = "TL-1";
    reg.model = "T-100";
    reg.org_code = "LAB2";
    auto refused = register_logger(*world.db, lab, reg);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "organisation_code");
    EXPECT_EQ(world.count("SELECT COUNT(*) FROM loggers"), 0);
    auto org = logger_organisation(*world.db, lab, "LAB2");
    ASSERT_FALSE(org.ok());
    EXPECT_EQ(org.error().field, "organisation_code");

    reg.org_code = "LAB";
    auto made = register_logger(*world.db, lab, reg);
    ASSERT_TRUE(made.ok()) << made.error().message;
    const auto id = made->logger.id;
    EXPECT_EQ(made->org_code, "LAB");
    ASSERT_TRUE(find_logger(*world.db, lab, id).ok());
    auto hidden = find_logger(*world.db, other, id);
    ASSERT_FALSE(hidden.ok());
    expect_not_found(hidden.error(), "logger.not_found");
    EXPECT_EQ(hidden.error().message, "There is no logger " + std::to_string(id) + ".");
    EXPECT_EQ(list_loggers(*world.db, lab, 0, 50)->items.size(), 1u);
    EXPECT_TRUE(list_loggers(*world.db, other, 0, 50)->items.empty());
    EXPECT_TRUE(list_loggers(*world.db, nowhere, 0, 50)->items.empty());

    const auto v = made->logger.version;
    EXPECT_EQ(update_logger(*world.db, other, id, v, "T-200", "LAB2").error().kind, ErrorKind::not_found);
    EXPECT_EQ(update_logger(*world.db, lab, id, v, "T-200", "LAB2").error().field, "organisation_code");
    EXPECT_EQ(audit("logger.update"), 0);
    auto changed = update_logger(*world.db, bureau, id, v, "T-200", "LAB2");
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(changed->org_code, "LAB2");
    EXPECT_EQ(audit("logger.update"), 1);
    // Now the other laboratory's: the first no longer sees it.
    EXPECT_EQ(find_logger(*world.db, lab, id).error().kind, ErrorKind::not_found);

    store::LoggerPollingFields polling;
    polling.transport = "modbus_tcp";
    polling.address = "127.0.0.1:1502";
    polling.map_file = "map.json";
    auto not_yours = set_logger_polling(*world.db, lab, id, std::nullopt, polling);
    ASSERT_FALSE(not_yours.ok());
    EXPECT_EQ(not_yours.error().kind, ErrorKind::not_found);
    EXPECT_EQ(logger_polling(*world.db, lab, id).error().code, "logger.not_found");
    EXPECT_EQ(world.count("SELECT COUNT(*) FROM logger_settings"), 0);
}

TEST_F(IngestDoorTest, AGatewayIsAnsweredOnlyAboutItsOwnInstruments) {
    Actor own_gateway{std::nullopt, "gw-lab", {domain::Role::ingest_service}, world.lab_id, world.lab_path};
    Actor other_gateway{std::nullopt, "gw-other", {domain::Role::ingest_service}, world.other_lab_id,
                        world.other_lab_path};
    auto mine = find_orders(*world.db, own_gateway, "AU-CHEM", {world.sample_number});
    ASSERT_TRUE(mine.ok()) << mine.error().message;
    EXPECT_EQ(mine->orders.size(), 1u);
    auto theirs = find_orders(*world.db, other_gateway, "AU-CHEM", {world.sample_number});
    ASSERT_FALSE(theirs.ok());
    expect_not_found(theirs.error(), "instrument.not_found");
    auto unknown = find_orders(*world.db, own_gateway, "NOPE", {world.sample_number});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message, "There is no instrument NOPE.");
}

TEST_F(IngestDoorTest, TheReviewChainsRecordsAreVisibleToTheirOwnersOnly) {
    namespace rv = lims::workflow::review;
    const auto test_id = world.count("SELECT MIN(t.id) FROM tests t");
    const auto key = std::to_string(test_id);
    EXPECT_TRUE(rv::check_visible(*world.db, lab, rv::RecordKind::test, key).ok());
    EXPECT_TRUE(rv::check_visible(*world.db, bureau, rv::RecordKind::sample, world.sample_number).ok());
    auto hidden = rv::check_visible(*world.db, other, rv::RecordKind::test, key);
    ASSERT_FALSE(hidden.ok());
    EXPECT_EQ(hidden.error().kind, ErrorKind::not_found);
    EXPECT_EQ(hidden.error().message, "There is no test " + key + ".");
    EXPECT_EQ(rv::check_visible(*world.db, lab, rv::RecordKind::test, "x1").error().kind, ErrorKind::not_found);
    EXPECT_EQ(rv::check_visible(*world.db, other, rv::RecordKind::sample, world.sample_number).error().message,
              "There is no sample " + world.sample_number + ".");

    auto views = rv::view_results(*world.db, lab, {test_id});
    ASSERT_TRUE(views.ok());
    EXPECT_EQ(views->size(), 1u);
    auto none = rv::view_results(*world.db, other, {test_id});
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
    EXPECT_TRUE(rv::view_results(*world.db, nowhere, {test_id})->empty());

    auto missing_sample = rv::sample_id_by_number(*world.db, "NO-SUCH");
    ASSERT_FALSE(missing_sample.ok());
    EXPECT_EQ(missing_sample.error().kind, ErrorKind::not_found);
    EXPECT_EQ(missing_sample.error().code, "review.sample_not_found");
}

}  // namespace
}  // namespace lims::workflow::ingest
