#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/audit_seal.hpp"
#include "lims/store/job_locks.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"

#include <gtest/gtest.h>

#include <future>
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
    std::int64_t count(const std::string& query, Database* on = nullptr) {
        auto n = (on ? *on : *db).read([&](Transaction& tx) -> StoreResult<std::int64_t> {
            return sql(tx, query).rows.front().integer(0);
        });
        if (!n) throw std::runtime_error(n.error().message);
        return *n;
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
    drop_append_only_guards("audit_seals");
    exec_raw("UPDATE audit_seals SET hash = '" + std::string(64, 'f') + "' WHERE seq = 2");
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

TEST_P(AuditChainTest, ADeletedSealIsNamedAsAGapAtItsPosition) {
    open_migrated();
    append(6);
    drop_append_only_guards("audit_seals");
    exec_raw("DELETE FROM audit_seals WHERE seq = 4");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 4);
    EXPECT_NE(v.problem.find("audit entry 4 is missing"), std::string::npos) << v.problem;
}

// Two entries exchanged, by their contents or by the seals that place them: the chain
// breaks at the first of the two.
TEST_P(AuditChainTest, ReorderedEntriesAreNamedAtTheFirstOfThem) {
    open_migrated();
    append(6);
    drop_append_only_guards("audit_seals");
    exec_raw("UPDATE audit_seals SET entry_seq = -1 WHERE seq = 3");
    exec_raw("UPDATE audit_seals SET entry_seq = 3 WHERE seq = 4");
    exec_raw("UPDATE audit_seals SET entry_seq = 4 WHERE seq = -1 OR entry_seq = -1");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 3);
    EXPECT_NE(v.problem.find("audit entry 3: contents do not match"), std::string::npos) << v.problem;
}

TEST_P(AuditChainTest, ExchangedContentsAreNamedAtTheFirstOfThem) {
    open_migrated();
    append(6);
    drop_append_only_guards("audit_log");
    exec_raw("UPDATE audit_log SET entity_id = '2', after_json = '{\"number\":\"2\"}' WHERE seq = 5");
    exec_raw("UPDATE audit_log SET entity_id = '5', after_json = '{\"number\":\"5\"}' WHERE seq = 2");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 2);
}

// An entry in the trail that no seal places, older than the window: nobody is sealing, or
// it was written behind the application's back. Named, on both backends.
TEST_P(AuditChainTest, AnEntryLeftUnsealedBeyondTheWindowIsAProblem) {
    open_migrated();
    append(3);
    exec_raw("INSERT INTO audit_log (seq, at_utc, actor, action, entity_type, entity_id, before_json, after_json, "
             "reason, prev_hash, hash) VALUES (100, '2020-01-01T00:00:00.000Z', 'intruder', 'sample.register', "
             "'sample', 'X', '', '{}', '', '', '')");
    auto v = verify();
    EXPECT_FALSE(v.intact);
    ASSERT_TRUE(v.first_bad_seq.has_value());
    EXPECT_EQ(*v.first_bad_seq, 4);
    EXPECT_NE(v.problem.find("entry number 100"), std::string::npos) << v.problem;
    EXPECT_NE(v.problem.find("not sealed"), std::string::npos) << v.problem;
    EXPECT_EQ(v.entries_checked, 3);
}

// The entries of a database written before migration 13 (each with its chain position
// and hashes in audit_log, the head in audit_head) still verify after it, and the chain
// goes on from them.
TEST_P(AuditChainTest, AChainWrittenBeforeMigration13StaysVerifiableAndGoesOn) {
    open();
    std::vector<Migration> before;
    for (const auto& m : builtin_migrations())
        if (m.version < 13) before.push_back(m);
    ASSERT_TRUE(migrate(*db, before).ok());
    std::string prev = genesis_hash;
    for (int i = 1; i <= 4; ++i) {
        AuditEntry e;
        e.seq = i;
        e.at_utc = "2026-01-0" + std::to_string(i) + "T08:00:00.000Z";
        e.record = {"analyst.old", "sample.register", "sample", std::to_string(i), "", "{}", ""};
        e.prev_hash = prev;
        e.hash = audit_hash(e);
        prev = e.hash;
        exec_raw("INSERT INTO audit_log (seq, at_utc, actor, action, entity_type, entity_id, before_json, after_json, "
                 "reason, prev_hash, hash) VALUES (" + std::to_string(i) + ", '" + e.at_utc +
                 "', 'analyst.old', 'sample.register', 'sample', '" + std::to_string(i) + "', '', '{}', '', '" +
                 e.prev_hash + "', '" + e.hash + "')");
    }
    exec_raw("UPDATE audit_head SET last_seq = 4, last_hash = '" + prev + "' WHERE id = 1");
    auto migrated = migrate(*db);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    auto v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, 4);
    EXPECT_EQ(v.head_hash, prev);
    append(2);
    v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, 6);
    auto entries = read_audit_entries(*db, 5, 10);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ((*entries)[0].prev_hash, prev);
    EXPECT_EQ(count("SELECT min(seq) FROM audit_log WHERE actor = 'analyst.li'"), 5) << "entry numbers go on";
    // An old entry altered after the migration is still named at its position.
    drop_append_only_guards("audit_log");
    exec_raw("UPDATE audit_log SET actor = 'someone.else' WHERE seq = 2");
    v = verify();
    EXPECT_FALSE(v.intact);
    EXPECT_EQ(v.first_bad_seq.value_or(0), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditChainTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);

// PostgreSQL alone: several nodes (Database instances) writing at once. SQLite has one
// writer by design (BEGIN IMMEDIATE) and seals inline, in the writer's transaction.
class AuditClusterTest : public AuditChainTest {
protected:
    std::shared_ptr<Database> another_node() {
        auto opened = Database::open(url);
        if (!opened) throw std::runtime_error(opened.error().message);
        return *opened;
    }
    static StoreResult<Done> write_one(Database& on, const std::string& actor, int i) {
        return on.write([&](Transaction& tx) -> StoreResult<Done> {
            tx.record({actor, "x.touch", "x", std::to_string(i), "", "{}", ""});
            return Done{};
        });
    }
};

// Today's bottleneck, gone: a writer whose entries are appended but not yet committed
// (held open here on purpose) no longer holds up another node's write and COMMIT.
TEST_P(AuditClusterTest, AWriteCommitsWhileAnotherNodesTransactionIsHeldOpen) {
    open_migrated();
    auto node2 = another_node();
    std::optional<Transaction> held;
    held.emplace(*db, TransactionMode::write);
    append_audit_entries(*held, {{"slow.writer", "x.slow", "x", "1", "", "{}", ""}});
    auto other = std::async(std::launch::async, [&] { return write_one(*node2, "fast.writer", 2).ok(); });
    const bool finished = other.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    if (!finished) held.reset();  // unblock it before failing
    ASSERT_TRUE(finished) << "the second node's write waited for the first node's open transaction";
    EXPECT_TRUE(other.get());
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE actor = 'fast.writer'", node2.get()), 1)
        << "the entry is in the trail right after the write";
    auto v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, 1) << "the committed write is sealed; the open one is not visible";
    held->commit();
    held.reset();
    // The held transaction committed after its entry number was taken: sealed after the
    // later one, at position 2 (its seal came after its commit).
    ASSERT_TRUE(write_one(*db, "after", 3).ok());
    v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, 3);
    EXPECT_EQ(count("SELECT count(*) FROM audit_pending"), 0);
}

// Two nodes each running a sealer under the job lock: one seals, the other does not; every
// entry of both nodes' writers is sealed once.
TEST_P(AuditClusterTest, TwoNodesSealEveryEntryExactlyOnce) {
    open_migrated();
    auto node2 = another_node();
    auto locks1 = std::make_shared<JobLocks>(db), locks2 = std::make_shared<JobLocks>(node2);
    AuditSealer sealer1(db, locks1, std::chrono::milliseconds(50)), sealer2(node2, locks2, std::chrono::milliseconds(50));
    sealer1.start();
    sealer2.start();
    constexpr int per_thread = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&, t] {
            Database& on = t % 2 ? *node2 : *db;
            for (int i = 0; i < per_thread; ++i)
                if (!write_one(on, "writer" + std::to_string(t), i)) ++failures;
        });
    for (auto& w : writers) w.join();
    EXPECT_EQ(failures.load(), 0);
    // Within the window everything is sealed without stopping the sealers.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (count("SELECT count(*) FROM audit_seals") < 4 * per_thread && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(count("SELECT count(*) FROM audit_seals"), 4 * per_thread);
    sealer1.stop();
    sealer2.stop();
    EXPECT_EQ(sealer1.sealed() + sealer2.sealed(), static_cast<std::uint64_t>(4 * per_thread));
    EXPECT_TRUE(sealer1.sealed() == 0 || sealer2.sealed() == 0)
        << "both nodes sealed: " << sealer1.sealed() << " and " << sealer2.sealed();
    EXPECT_NE(sealer1.holding(), sealer2.holding());
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 4 * per_thread);
    EXPECT_EQ(count("SELECT count(DISTINCT entry_seq) FROM audit_seals"), 4 * per_thread);
    EXPECT_EQ(count("SELECT count(*) FROM audit_pending"), 0);
    auto v = verify();
    EXPECT_TRUE(v.intact) << v.problem;
    EXPECT_EQ(v.head_seq, 4 * per_thread);
    locks1->release_all();
    locks2->release_all();
}

// The node holding the sealer job dies between its writers' commits and the seal: verify
// shows the entries waiting (within the window, intact), and the next node to start
// seals them in its first pass.
TEST_P(AuditClusterTest, EntriesCommittedButNotSealedBeforeACrashAreSealedAtTheNextStart) {
    open_migrated();
    append(2);
    auto dying = another_node();
    auto dyingLocks = std::make_shared<JobLocks>(dying);
    ASSERT_EQ(dyingLocks->claim(audit_seal_job).claim, JobLocks::Claim::held);
    auto locks = std::make_shared<JobLocks>(db);
    {
        AuditSealer waiting(db, locks, std::chrono::milliseconds(20));
        waiting.start();  // not the holder: this node's commits wait for the holder
        append(3);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_FALSE(waiting.holding());
        EXPECT_EQ(waiting.sealed(), 0u);
        waiting.stop();
    }
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 5) << "the entries are in the trail";
    EXPECT_EQ(count("SELECT count(*) FROM audit_pending"), 3);
    auto during = verify();
    EXPECT_TRUE(during.intact) << "within the window, unsealed entries are not a problem: " << during.problem;
    EXPECT_EQ(during.head_seq, 2);
    auto backlog = audit_backlog(*db);
    ASSERT_TRUE(backlog.ok());
    EXPECT_EQ(backlog->unsealed, 3);
    EXPECT_EQ(backlog->overdue, 0);

    dyingLocks->release_all();  // the holder's session ends with it
    auto restarted = another_node();
    auto restartedLocks = std::make_shared<JobLocks>(restarted);
    AuditSealer sealer(restarted, restartedLocks, std::chrono::seconds(30));
    sealer.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (sealer.sealed() < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(sealer.sealed(), 3u) << "the first pass at start seals what the crash left";
    sealer.stop();
    restartedLocks->release_all();
    auto after = verify();
    EXPECT_TRUE(after.intact) << after.problem;
    EXPECT_EQ(after.head_seq, 5);
    EXPECT_EQ(count("SELECT count(*) FROM audit_pending"), 0);
}

INSTANTIATE_TEST_SUITE_P(PostgreSQL, AuditClusterTest, ::testing::Values(Backend::postgresql), backend_name);
