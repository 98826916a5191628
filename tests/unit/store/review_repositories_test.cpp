// Tests, results and raw messages on SQLite and PostgreSQL: what the writes return is what
// a fresh read returns (they build their answer without reading the row back), optimistic
// versions refuse stale writes without writing, and a raw message is stored once per
// instrument and bytes.
#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/raw_message_repository.hpp"
#include "lims/store/result_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/test_repository.hpp"

#include <gtest/gtest.h>

using namespace lims;
using namespace lims::store;
using namespace lims::store::testing;

namespace {

template <typename T>
T must(StoreResult<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

// Every column of a test, including those to_json leaves out.
std::string whole(const TestRecord& t) {
    return to_json(t) + "|" + t.test_name + "|" + t.created_at + "|" + t.updated_at;
}

}  // namespace

class ReviewRepositoryTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (::testing::Test::IsSkipped()) return;
        open_migrated();
        exec_raw("INSERT INTO organisations (code, name, kind, region_code, path, created_at, updated_at) "
                 "VALUES ('c1', 'Centre', 'inspection_centre', '110000', '/1/', 't', 't')");
        exec_raw("INSERT INTO instruments (code, org_id, name, protocol, created_at, updated_at) "
                 "SELECT 'hplc-1', id, 'HPLC', 'hl7', 't', 't' FROM organisations WHERE code = 'c1'");
        exec_raw("INSERT INTO samples (number, org_id, product_name, quantity, unit, storage_condition, sampled_at, "
                 "state, created_at, updated_at) SELECT 'S1', id, 'Aspirin', '3', 'box', 'ambient', 't', "
                 "'received', 't', 't' FROM organisations WHERE code = 'c1'");
        test = must(db->write([](Transaction& tx) {
            auto sample = sql(tx, "SELECT id FROM samples WHERE number = 'S1'").rows.at(0).integer(0);
            NewTest assay;
            assay.sample_id = sample;
            assay.test_code = "assay";
            return TestRepository(tx).create(assay, "li.na");
        }));
        instrument_id = must(db->read([](Transaction& tx) -> StoreResult<std::int64_t> {
            return sql(tx, "SELECT id FROM instruments WHERE code = 'hplc-1'").rows.at(0).integer(0);
        }));
    }

    TestRecord test;
    std::int64_t instrument_id = 0;
};

TEST_P(ReviewRepositoryTest, SetStateReturnsTheRowAsStoredAndAuditsBeforeAndAfter) {
    auto moved = must(db->write([&](Transaction& tx) {
        return TestRepository(tx).set_state(test.id, test.version, "pending_review", "test.enter_result", "why",
                                            "li.na");
    }));
    EXPECT_EQ(moved.state, "pending_review");
    EXPECT_EQ(moved.version, test.version + 1);
    auto stored = must(db->read([&](Transaction& tx) { return TestRepository(tx).get(test.id); }));
    EXPECT_EQ(whole(moved), whole(stored));

    auto entries = must(read_audit_entries(*db, 1, 100));
    ASSERT_FALSE(entries.empty());
    const auto& last = entries.back().record;
    EXPECT_EQ(last.action, "test.enter_result");
    EXPECT_EQ(last.before_json, to_json(test));
    EXPECT_EQ(last.after_json, to_json(stored));
    EXPECT_EQ(last.reason, "why");
    EXPECT_TRUE(must(verify_audit_chain(*db)).intact);
}

TEST_P(ReviewRepositoryTest, AStaleSetStateIsAConflictAndWritesNothing) {
    must(db->write([&](Transaction& tx) {
        return TestRepository(tx).set_state(test.id, test.version, "pending_review", "test.enter_result", "", "a");
    }));
    const auto audited = must(read_audit_entries(*db, 1, 100)).size();

    // By version number: the row is read and found newer.
    auto by_version = db->write([&](Transaction& tx) {
        return TestRepository(tx).set_state(test.id, test.version, "accepted", "test.accept", "", "a");
    });
    ASSERT_FALSE(by_version.ok());
    EXPECT_EQ(kind_of(by_version.error()), StoreErrorKind::conflict);
    EXPECT_NE(by_version.error().message.find("changed meanwhile"), std::string::npos);

    // By a record read earlier: the update matches no row.
    auto by_record = db->write([&](Transaction& tx) {
        return TestRepository(tx).set_state(test, "accepted", "test.accept", "", "a");
    });
    ASSERT_FALSE(by_record.ok());
    EXPECT_EQ(kind_of(by_record.error()), StoreErrorKind::conflict);
    EXPECT_NE(by_record.error().message.find("no longer at version 1"), std::string::npos);

    auto missing = db->write([&](Transaction& tx) {
        return TestRepository(tx).set_state(test.id + 1000, 1, "accepted", "test.accept", "", "a");
    });
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(kind_of(missing.error()), StoreErrorKind::not_found);

    auto stored = must(db->read([&](Transaction& tx) { return TestRepository(tx).get(test.id); }));
    EXPECT_EQ(stored.state, "pending_review");
    EXPECT_EQ(stored.version, 2);
    EXPECT_EQ(must(read_audit_entries(*db, 1, 100)).size(), audited);
}

TEST_P(ReviewRepositoryTest, AssignReturnsTheRowAsStoredAndRefusesAStaleVersion) {
    auto assigned = must(db->write([&](Transaction& tx) {
        return TestRepository(tx).assign(test.id, test.version, std::nullopt, instrument_id, "li.na");
    }));
    EXPECT_EQ(assigned.instrument_id, instrument_id);
    EXPECT_FALSE(assigned.assigned_to);
    auto stored = must(db->read([&](Transaction& tx) { return TestRepository(tx).get(test.id); }));
    EXPECT_EQ(whole(assigned), whole(stored));

    auto stale = db->write([&](Transaction& tx) {
        return TestRepository(tx).assign(test.id, test.version, std::nullopt, std::nullopt, "li.na");
    });
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(kind_of(stale.error()), StoreErrorKind::conflict);
}

TEST_P(ReviewRepositoryTest, AnInsertedResultIsWhatIsReadBackAndTheLatestForItsTest) {
    auto raw = must(db->write([&](Transaction& tx) {
        return RawMessageRepository(tx).store(instrument_id, "hl7", "2026-11-23T08:00:00.000Z", "MSH|^~\\&|");
    }));
    ResultRecord first;
    first.test_id = test.id;
    first.value_text = "99.1";
    first.unit = "%";
    first.source = "manual";
    first.entered_at = "ignored: the transaction's time is stored";
    auto a = must(db->write([&](Transaction& tx) { return ResultRepository(tx).insert(first); }));
    EXPECT_NE(a.entered_at, first.entered_at);

    ResultRecord second;
    second.test_id = test.id;
    second.replaces_result_id = a.id;
    second.qualitative = "符合规定";
    second.flags = "N";
    second.source = "instrument";
    second.raw_message_id = raw.id;
    second.conformity = "conforming";
    auto b = must(db->write([&](Transaction& tx) { return ResultRepository(tx).insert(second); }));

    for (const auto& inserted : {a, b}) {
        auto stored = must(db->read([&](Transaction& tx) { return ResultRepository(tx).get(inserted.id); }));
        EXPECT_EQ(to_json(inserted), to_json(stored));
        EXPECT_EQ(canonical_result_text(inserted), canonical_result_text(stored));
    }
    auto latest = must(db->read([&](Transaction& tx) -> StoreResult<std::optional<ResultRecord>> {
        return ResultRepository(tx).latest_for_test(test.id);
    }));
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->id, b.id);
    auto history = must(db->read([&](Transaction& tx) -> StoreResult<std::vector<ResultRecord>> {
        return ResultRepository(tx).history(test.id);
    }));
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].id, a.id);
    EXPECT_EQ(history[1].id, b.id);

    auto none = must(db->read([&](Transaction& tx) -> StoreResult<std::optional<ResultRecord>> {
        return ResultRepository(tx).latest_for_test(test.id + 1000);
    }));
    EXPECT_FALSE(none);
    auto exists = must(db->read([&](Transaction& tx) -> StoreResult<std::pair<bool, bool>> {
        ResultRepository results(tx);
        return std::pair{results.raw_message_exists(raw.id), results.raw_message_exists(raw.id + 1000)};
    }));
    EXPECT_TRUE(exists.first);
    EXPECT_FALSE(exists.second);
}

TEST_P(ReviewRepositoryTest, AResultWithoutValueOrOutcomeIsRefusedAndAMissingOneIsNotFound) {
    ResultRecord empty;
    empty.test_id = test.id;
    empty.source = "manual";
    auto r = db->write([&](Transaction& tx) { return ResultRepository(tx).insert(empty); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::invalid_argument);
    auto missing = db->read([&](Transaction& tx) { return ResultRepository(tx).get(12345); });
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(kind_of(missing.error()), StoreErrorKind::not_found);
}

TEST_P(ReviewRepositoryTest, RawBytesAreStoredOncePerInstrumentAndComeBackWhole) {
    // A NUL and a byte that is not UTF-8: the bytes are a BLOB, not text.
    const char frame[] = "MSH|^~\\&|\x00\xff\r";
    const std::string bytes(frame, sizeof frame - 1);
    auto first = must(db->write([&](Transaction& tx) {
        return RawMessageRepository(tx).store(instrument_id, "hl7", "2026-11-23T08:00:00.000Z", bytes);
    }));
    EXPECT_FALSE(first.duplicate);
    auto again = must(db->write([&](Transaction& tx) {
        return RawMessageRepository(tx).store(instrument_id, "hl7", "2026-11-23T08:00:01.000Z", bytes);
    }));
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.id, first.id);
    auto stored = must(db->read([&](Transaction& tx) { return RawMessageRepository(tx).get(first.id); }));
    EXPECT_EQ(stored.bytes, bytes);
    EXPECT_EQ(stored.sha256, sha256_hex(bytes));
    EXPECT_EQ(must(db->read([&](Transaction& tx) { return RawMessageRepository(tx).count(instrument_id); })), 1);

    auto no_protocol = db->write([&](Transaction& tx) {
        return RawMessageRepository(tx).store(instrument_id, "", "2026-11-23T08:00:00.000Z", "x");
    });
    ASSERT_FALSE(no_protocol.ok());
    EXPECT_EQ(kind_of(no_protocol.error()), StoreErrorKind::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReviewRepositoryTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);
