#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/transaction.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace lims::store;
using namespace lims::store::testing;
using namespace Poco::Data::Keywords;

TEST(AuditCanonicalText, FieldBoundariesCannotBeShifted) {
    AuditEntry a;
    a.seq = 1;
    a.at_utc = "2025-01-02T03:04:05.006Z";
    a.record = {"ab", "c", "sample", "1", "", "{}", ""};
    a.prev_hash = genesis_hash;
    AuditEntry b = a;
    b.record.actor = "a";
    b.record.action = "bc";
    EXPECT_NE(canonical_audit_text(a), canonical_audit_text(b));
    EXPECT_NE(audit_hash(a), audit_hash(b));
    EXPECT_EQ(audit_hash(a).size(), 64u);
    AuditEntry c = a;
    c.prev_hash = std::string(64, '1');
    EXPECT_NE(audit_hash(a), audit_hash(c)) << "the previous hash is part of the hash";
}

class AuditChainTest : public StoreTest {
protected:
    void append(int n, const std::string& actor = "analyst.li") {
        for (int i = 0; i < n; ++i) {
            auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
                const std::string id = std::to_string(++appended_);
                tx.record({actor, "sample.register", "sample", id, "", R"({"number":")" + id + R"("})", ""});
                return Done{};
            });
            ASSERT_TRUE(r.ok()) << r.error().message;
        }
    }
    AuditVerification verify() {
        auto v = verify_audit_chain(*db);
        if (!v) throw std::runtime_error(v.error().message);
        return *v;
    }
    int appended_ = 0;
};

TEST_P(AuditChainTest, AnUntouchedChainVerifies) {
    open_migrated();
    auto empty = verify();
    EXPECT_TRUE(empty.intact) << empty.problem;
    EXPECT_EQ(empty.head_seq, 0);

    append(7);
    auto v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.entries_checked, 7);
    EXPECT_EQ(v.head_seq, 7);
    auto entries = read_audit_entries(*db, 1, 100);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 7u);
    EXPECT_EQ(entries->front().prev_hash, genesis_hash);
    EXPECT_EQ((*entries)[3].prev_hash, (*entries)[2].hash);
    EXPECT_EQ(entries->back().hash, v.head_hash);
}

TEST_P(AuditChainTest, SeveralRecordsInOneTransactionAreChainedInOrder) {
    open_migrated();
    auto r = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.record({"a", "x.one", "x", "1", "", "{}", ""});
        tx.record({"a", "x.two", "x", "1", "{}", "{\"v\":2}", "typo in batch"});
        return Done{};
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto entries = read_audit_entries(*db, 1, 10);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ((*entries)[0].record.action, "x.one");
    EXPECT_EQ((*entries)[1].record.reason, "typo in batch");
    EXPECT_TRUE(verify().intact);
}

TEST_P(AuditChainTest, ARolledBackChangeLeavesNoEntry) {
    open_migrated();
    append(2);
    auto r = db->write([](Transaction& tx) -> StoreResult<Done> {
        tx.record({"a", "x.fail", "x", "1", "", "{}", ""});
        return store_error(StoreErrorKind::invalid_argument, "refused");
    });
    ASSERT_FALSE(r.ok());
    append(1);
    auto v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, 3);
}

TEST_P(AuditChainTest, AnEntryEditedBehindTheApplicationsBackIsNamed) {
    open_migrated();
    append(6);
    drop_append_only_guards("audit_log");
    exec_raw("UPDATE audit_log SET actor = 'someone.else' WHERE seq = 4");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 4);
    EXPECT_NE(v.problem.find("audit entry 4"), std::string::npos) << v.problem;
}

TEST_P(AuditChainTest, AnEditWithARecomputedHashIsCaughtAtTheNextEntry) {
    open_migrated();
    append(5);
    drop_append_only_guards("audit_log");
    // A careful forger rewrites entry 2 and its hash; entry 3 still names the old hash.
    exec_raw("UPDATE audit_log SET hash = '" + std::string(64, 'f') + "' WHERE seq = 2");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 2);  // its own hash no longer matches its contents
}

TEST_P(AuditChainTest, ADeletedEntryIsNamedAsAGap) {
    open_migrated();
    append(6);
    drop_append_only_guards("audit_log");
    exec_raw("DELETE FROM audit_log WHERE seq = 3");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 3);
    EXPECT_NE(v.problem.find("audit entry 3 is missing"), std::string::npos) << v.problem;
}

TEST_P(AuditChainTest, EntriesDeletedFromTheEndAreNamed) {
    open_migrated();
    append(6);
    drop_append_only_guards("audit_log");
    exec_raw("DELETE FROM audit_log WHERE seq >= 5");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 5);
    EXPECT_NE(v.problem.find("5 to 6 are missing"), std::string::npos) << v.problem;
}

TEST_P(AuditChainTest, ConcurrentWritersKeepOneUnbrokenChain) {
    open_migrated();
    constexpr int threads = 4;
    constexpr int per_thread = 15;
    std::vector<std::thread> pool;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
                    tx.record({"worker" + std::to_string(t), "x.touch", "x", std::to_string(i), "", "{}", ""});
                    return Done{};
                });
                if (!r) ++failures;
            }
        });
    for (auto& th : pool) th.join();
    EXPECT_EQ(failures.load(), 0);
    auto v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, threads * per_thread);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditChainTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);
