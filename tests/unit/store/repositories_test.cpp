// One repository suite, run against SQLite and PostgreSQL alike.
#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/user_repository.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

using namespace lims;
using namespace lims::store;
using namespace lims::store::testing;

namespace {

template <typename T>
T must(StoreResult<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

}  // namespace

class RepositoryTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        open_migrated();
        // A city bureau, two district offices under it, and a bureau elsewhere.
        auto orgs = must(db->write([](Transaction& tx) -> StoreResult<std::vector<domain::Organisation>> {
            OrganisationRepository repo(tx);
            std::vector<domain::Organisation> out;
            for (auto r : {repo.create({"SH", "Shanghai bureau", domain::OrganisationKind::bureau, {}, "310000"}, "admin")}) {
                if (!r) return r.error();
                out.push_back(*r);
            }
            auto a = repo.create({"SH-HP", "Huangpu office", domain::OrganisationKind::supervision_office, out[0].id, "310101"}, "admin");
            if (!a) return a.error();
            auto b = repo.create({"SH-PD", "Pudong office", domain::OrganisationKind::supervision_office, out[0].id, "310115"}, "admin");
            if (!b) return b.error();
            auto c = repo.create({"JS", "Jiangsu bureau", domain::OrganisationKind::bureau, {}, "320000"}, "admin");
            if (!c) return c.error();
            out.push_back(*a);
            out.push_back(*b);
            out.push_back(*c);
            return out;
        }));
        city = orgs[0];
        huangpu = orgs[1];
        pudong = orgs[2];
        jiangsu = orgs[3];
        auto users = must(db->write([&](Transaction& tx) -> StoreResult<std::vector<domain::User>> {
            UserRepository repo(tx);
            auto a = repo.create({huangpu.id, "zhang.wei", "Zhang Wei", "$argon2id$v=19$hash-a", {"sampler"}}, "admin");
            if (!a) return a.error();
            auto b = repo.create({huangpu.id, "li.na", "Li Na", "$argon2id$v=19$hash-b", {"sampler", "receiver"}}, "admin");
            if (!b) return b.error();
            return std::vector<domain::User>{*a, *b};
        }));
        sampler_a = users[0];
        sampler_b = users[1];
    }

    NewSample a_sample(const std::string& seal_prefix, int n, std::int64_t org_id = 0) {
        NewSample s;
        s.org_id = org_id ? org_id : huangpu.id;
        s.category = domain::SampleCategory::drug;
        s.product_name = "Amoxicillin capsules 0.25 g";
        s.batch_number = "B" + std::to_string(n);
        s.production_date = "2025-11-02";
        s.expiry_date = "2027-10-31";
        s.quantity = "6";
        s.unit = "box";
        s.storage_condition = domain::StorageCondition::cool;
        s.sampled_at = "2026-03-04T02:30:00.000Z";
        s.sampling_place = "Counter 2";
        s.registered_by = sampler_a.id;
        s.seal_numbers = {seal_prefix + std::to_string(n) + "-1", seal_prefix + std::to_string(n) + "-2"};
        s.sampler_user_ids = {sampler_a.id, sampler_b.id};
        s.portions = {{domain::PortionKind::test, "4", "box", {}}, {domain::PortionKind::retained, "2", "box", {}}};
        s.trace_codes = {"81234567890123456789"};
        return s;
    }

    domain::Sample register_one(const NewSample& s) {
        return must(db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(s, "zhang.wei"); }));
    }

    domain::Organisation city, huangpu, pudong, jiangsu;
    domain::User sampler_a, sampler_b;
};

TEST_P(RepositoryTest, OrganisationSubtreeHoldsTheRootAndItsDescendantsOnly) {
    auto tree = must(db->read([&](Transaction& tx) { return OrganisationRepository(tx).subtree(city.id); }));
    std::set<std::string> codes;
    for (const auto& o : tree) codes.insert(o.code);
    EXPECT_EQ(codes, (std::set<std::string>{"SH", "SH-HP", "SH-PD"}));
    EXPECT_EQ(tree.front().code, "SH");
    EXPECT_EQ(huangpu.path, city.path + std::to_string(huangpu.id) + "/");

    auto leaf = must(db->read([&](Transaction& tx) { return OrganisationRepository(tx).subtree(pudong.id); }));
    ASSERT_EQ(leaf.size(), 1u);
    EXPECT_EQ(leaf.front().code, "SH-PD");
}

TEST_P(RepositoryTest, OrganisationsRefuseBadRegionsDuplicateCodesAndUnknownParents) {
    auto bad_region = db->write([](Transaction& tx) {
        return OrganisationRepository(tx).create({"X", "X", domain::OrganisationKind::bureau, {}, "31A000"}, "admin");
    });
    ASSERT_FALSE(bad_region.ok());
    EXPECT_EQ(kind_of(bad_region.error()), StoreErrorKind::invalid_argument);
    EXPECT_NE(bad_region.error().message.find("X"), std::string::npos);

    auto duplicate = db->write([](Transaction& tx) {
        return OrganisationRepository(tx).create({"SH", "again", domain::OrganisationKind::bureau, {}, "310000"}, "admin");
    });
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(kind_of(duplicate.error()), StoreErrorKind::conflict) << duplicate.error().message;

    auto orphan = db->write([](Transaction& tx) {
        return OrganisationRepository(tx).create({"Y", "Y", domain::OrganisationKind::bureau, 9999, "310000"}, "admin");
    });
    ASSERT_FALSE(orphan.ok());
    EXPECT_NE(orphan.error().message.find("9999"), std::string::npos) << orphan.error().message;
}

TEST_P(RepositoryTest, UsersCarryRolesAndTokensExpireAndRevoke) {
    auto found = must(db->read([](Transaction& tx) { return UserRepository(tx).find_by_username("li.na"); }));
    EXPECT_EQ(found.roles, (std::vector<std::string>{"receiver", "sampler"}));
    EXPECT_EQ(found.password_hash, "$argon2id$v=19$hash-b");

    auto taken = db->write([&](Transaction& tx) {
        return UserRepository(tx).create({huangpu.id, "li.na", "Other", "h", {}}, "admin");
    });
    ASSERT_FALSE(taken.ok());
    EXPECT_EQ(kind_of(taken.error()), StoreErrorKind::conflict);

    const std::string token(64, 'a');
    must(db->write([&](Transaction& tx) {
        return UserRepository(tx).add_token(found.id, token, "2030-01-01T00:00:00.000Z");
    }));
    auto valid = db->read([&](Transaction& tx) {
        return UserRepository(tx).find_valid_token(token, "2029-12-31T23:59:59.000Z");
    });
    ASSERT_TRUE(valid.ok()) << valid.error().message;
    EXPECT_EQ(valid->user_id, found.id);
    auto expired = db->read([&](Transaction& tx) {
        return UserRepository(tx).find_valid_token(token, "2030-01-01T00:00:00.001Z");
    });
    EXPECT_FALSE(expired.ok());
    must(db->write([&](Transaction& tx) { return UserRepository(tx).revoke_token(token, "li.na"); }));
    auto revoked = db->read([&](Transaction& tx) {
        return UserRepository(tx).find_valid_token(token, "2029-01-01T00:00:00.000Z");
    });
    EXPECT_FALSE(revoked.ok());
}

TEST_P(RepositoryTest, PasswordChangeIsOptimisticAndVersioned) {
    auto changed = must(db->write([&](Transaction& tx) {
        return UserRepository(tx).set_password_hash(sampler_a.id, 1, "$argon2id$new", "zhang.wei");
    }));
    EXPECT_EQ(changed.version, 2);
    auto stale = db->write([&](Transaction& tx) {
        return UserRepository(tx).set_password_hash(sampler_a.id, 1, "$argon2id$other", "zhang.wei");
    });
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(kind_of(stale.error()), StoreErrorKind::conflict);
}

TEST_P(RepositoryTest, ARegisteredSampleComesBackWholeWithItsAuditEntry) {
    auto registered = register_one(a_sample("S", 1));
    EXPECT_EQ(registered.number, "D2026-310101-000001-" + std::string(1, registered.number.back()));
    auto parsed = domain::SampleNumber::parse(registered.number);
    ASSERT_TRUE(parsed.ok()) << registered.number;

    auto got = must(db->read([&](Transaction& tx) { return SampleRepository(tx).get_by_number(parsed->compact()); }));
    EXPECT_EQ(got.id, registered.id);
    EXPECT_EQ(got.seal_numbers, (std::vector<std::string>{"S1-1", "S1-2"}));
    EXPECT_EQ(got.sampler_user_ids.size(), 2u);
    ASSERT_EQ(got.portions.size(), 2u);
    EXPECT_EQ(got.portions[1].kind, domain::PortionKind::retained);
    EXPECT_EQ(got.trace_codes, std::vector<std::string>{"81234567890123456789"});
    EXPECT_EQ(got.storage_condition, domain::StorageCondition::cool);
    EXPECT_EQ(got.state, "registered");

    auto entries = must(read_audit_entries(*db, 1, 100));
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries.back().record.action, "sample.register");
    EXPECT_EQ(entries.back().record.entity_id, registered.number);
    EXPECT_NE(entries.back().record.after_json.find("S1-2"), std::string::npos);
    EXPECT_TRUE(must(verify_audit_chain(*db)).intact);
}

TEST_P(RepositoryTest, NumbersRunPerRegionAndYearInBeijingTime) {
    auto first = register_one(a_sample("A", 1));
    auto second = register_one(a_sample("A", 2));
    auto other_office = register_one(a_sample("A", 3, pudong.id));
    auto ny = a_sample("A", 4);
    ny.sampled_at = "2026-12-31T16:30:00.000Z";  // 00:30 on 1 January 2027 in Beijing
    auto next_year = register_one(ny);
    EXPECT_EQ(first.number.substr(0, 19), "D2026-310101-000001");
    EXPECT_EQ(second.number.substr(0, 19), "D2026-310101-000002");
    EXPECT_EQ(other_office.number.substr(0, 19), "D2026-310115-000001");
    EXPECT_EQ(next_year.number.substr(0, 19), "D2027-310101-000001");
}

TEST_P(RepositoryTest, ARefusedRegistrationWritesNothing) {
    register_one(a_sample("R", 1));
    auto reused_seal = a_sample("R", 2);
    reused_seal.seal_numbers.push_back("R1-1");
    auto r = db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(reused_seal, "zhang.wei"); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::conflict);
    EXPECT_NE(r.error().message.find("R1-1"), std::string::npos) << r.error().message;

    auto bad_time = a_sample("R", 3);
    bad_time.sampled_at = "yesterday";
    auto t = db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(bad_time, "zhang.wei"); });
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("yesterday"), std::string::npos);

    auto unknown_sampler = a_sample("R", 4);
    unknown_sampler.sampler_user_ids.push_back(424242);
    auto u = db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(unknown_sampler, "zhang.wei"); });
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(kind_of(u.error()), StoreErrorKind::invalid_argument) << u.error().message;

    auto page = must(db->read([](Transaction& tx) { return SampleRepository(tx).list({}); }));
    EXPECT_EQ(page.items.size(), 1u);
    auto next = register_one(a_sample("R", 5));
    // Refusals before the number was drawn leave no gap; the one refused by the
    // database after drawing (unknown sampler) rolled back with its number.
    EXPECT_EQ(next.number.substr(0, 19), "D2026-310101-000002");
    EXPECT_TRUE(must(verify_audit_chain(*db)).intact);
}

TEST_P(RepositoryTest, AMistypedNumberIsRefusedByTheCheckCharacter) {
    auto s = register_one(a_sample("M", 1));
    std::string typo = s.number;
    typo[15] = typo[15] == '1' ? '7' : '1';
    auto r = db->read([&](Transaction& tx) { return SampleRepository(tx).get_by_number(typo); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(kind_of(r.error()), StoreErrorKind::invalid_argument) << r.error().message;
}

TEST_P(RepositoryTest, ListingPagesByKeysetWithinAJurisdiction) {
    for (int i = 1; i <= 7; ++i) register_one(a_sample("L", i, i % 2 ? huangpu.id : pudong.id));
    std::vector<std::string> seen;
    SampleQuery q;
    q.within_org = city.id;
    q.limit = 3;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = must(db->read([&](Transaction& tx) { return SampleRepository(tx).list(q); }));
        for (const auto& s : page.items) seen.push_back(s.number);
        if (!page.next_after_id) break;
        q.after_id = *page.next_after_id;
    }
    EXPECT_EQ(seen.size(), 7u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u);

    SampleQuery pudong_only;
    pudong_only.within_org = pudong.id;
    auto p = must(db->read([&](Transaction& tx) { return SampleRepository(tx).list(pudong_only); }));
    EXPECT_EQ(p.items.size(), 3u);
    for (const auto& s : p.items) EXPECT_EQ(s.org_id, pudong.id);

    SampleQuery elsewhere;
    elsewhere.within_org = jiangsu.id;
    EXPECT_TRUE(must(db->read([&](Transaction& tx) { return SampleRepository(tx).list(elsewhere); })).items.empty());

    SampleQuery by_state;
    by_state.state = "received";
    EXPECT_TRUE(must(db->read([&](Transaction& tx) { return SampleRepository(tx).list(by_state); })).items.empty());
}

TEST_P(RepositoryTest, ACorrectionIsANewVersionWithItsReason) {
    auto s = register_one(a_sample("C", 1));
    SampleCorrection fix;
    fix.batch_number = "B20251102";
    auto corrected = must(db->write([&](Transaction& tx) {
        return SampleRepository(tx).correct(s.number, 1, fix, "batch number misread from the pack", "li.na");
    }));
    EXPECT_EQ(corrected.version, 2);
    EXPECT_EQ(corrected.batch_number, "B20251102");

    auto stale = db->write([&](Transaction& tx) { return SampleRepository(tx).correct(s.number, 1, fix, "again", "li.na"); });
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(kind_of(stale.error()), StoreErrorKind::conflict);
    EXPECT_NE(stale.error().message.find("version 2"), std::string::npos) << stale.error().message;

    auto no_reason = db->write([&](Transaction& tx) { return SampleRepository(tx).correct(s.number, 2, fix, "", "li.na"); });
    ASSERT_FALSE(no_reason.ok());
    EXPECT_EQ(kind_of(no_reason.error()), StoreErrorKind::invalid_argument);

    auto history = must(db->read([&](Transaction& tx) -> StoreResult<std::vector<Revision>> {
        return revisions_of(tx, "sample", s.id);
    }));
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].reason, "registered");
    EXPECT_NE(history[0].data_json.find("\"B1\""), std::string::npos);
    EXPECT_EQ(history[1].reason, "batch number misread from the pack");
    auto entries = must(read_audit_entries(*db, 1, 1000));
    EXPECT_EQ(entries.back().record.action, "sample.correct");
    EXPECT_NE(entries.back().record.before_json.find("\"B1\""), std::string::npos);
    EXPECT_TRUE(must(verify_audit_chain(*db)).intact);
}

TEST_P(RepositoryTest, ConcurrentRegistrationsGetDistinctNumbersAndOneChain) {
    constexpr int threads = 6;
    constexpr int per_thread = 10;
    std::vector<std::vector<std::string>> numbers(threads);
    std::atomic<int> failures{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto s = a_sample("T" + std::to_string(t) + "-", i);
                auto r = db->write([&](Transaction& tx) { return SampleRepository(tx).register_sample(s, "zhang.wei"); });
                if (r) numbers[t].push_back(r->number);
                else {
                    ++failures;
                    ADD_FAILURE() << r.error().message;
                }
            }
        });
    for (auto& th : pool) th.join();
    EXPECT_EQ(failures.load(), 0);
    std::set<std::string> all;
    for (const auto& v : numbers) all.insert(v.begin(), v.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread));
    EXPECT_EQ(all.rbegin()->substr(0, 19), "D2026-310101-" + std::string("0000") + std::to_string(threads * per_thread));
    auto v = must(verify_audit_chain(*db));
    EXPECT_TRUE(v.intact) << v.problem;
}

TEST_P(RepositoryTest, ReadingsInsertInBatchesCountDuplicatesAndReadBackInRanges) {
    auto logger = must(db->write([&](Transaction& tx) {
        return ReadingRepository(tx).create_logger("LG-0001", "TH-20", huangpu.id, "admin");
    }));
    std::vector<domain::Reading> batch;
    const std::int64_t t0 = 1'767'225'600;  // 2026-01-01T00:00:00Z
    for (int i = 0; i < 1200; ++i) batch.push_back({logger.id, t0 + i * 60, 400 + (i % 50) - 25, i == 7 ? 1 : 0});
    auto first = must(db->write([&](Transaction& tx) { return ReadingRepository(tx).insert(batch); }));
    EXPECT_EQ(first.inserted, 1200u);
    EXPECT_EQ(first.duplicates, 0u);

    // A re-post of the last 200 plus 100 new ones: the old ones are skipped, not overwritten.
    std::vector<domain::Reading> again(batch.end() - 200, batch.end());
    for (auto& r : again) r.centi_celsius = -9999;
    for (int i = 1200; i < 1300; ++i) again.push_back({logger.id, t0 + i * 60, 500, 0});
    auto second = must(db->write([&](Transaction& tx) { return ReadingRepository(tx).insert(again); }));
    EXPECT_EQ(second.inserted, 100u);
    EXPECT_EQ(second.duplicates, 200u);

    auto window = must(db->read([&](Transaction& tx) {
        return ReadingRepository(tx).range(logger.id, t0 + 60 * 1100, t0 + 60 * 1210);
    }));
    ASSERT_EQ(window.size(), 110u);
    EXPECT_EQ(window.front().at_utc, t0 + 60 * 1100);
    EXPECT_EQ(window.front().centi_celsius, batch[1100].centi_celsius);  // not -9999
    EXPECT_EQ(window.back().centi_celsius, 500);
    auto seventh = must(db->read([&](Transaction& tx) { return ReadingRepository(tx).range(logger.id, t0 + 420, t0 + 421); }));
    ASSERT_EQ(seventh.size(), 1u);
    EXPECT_EQ(seventh.front().flags, 1);
}

TEST_P(RepositoryTest, AReadingFromAnUnknownLoggerRefusesTheBatchByName) {
    auto logger = must(db->write([&](Transaction& tx) {
        return ReadingRepository(tx).create_logger("LG-0002", "TH-20", huangpu.id, "admin");
    }));
    std::vector<domain::Reading> batch{{logger.id, 100, 400, 0}, {777, 100, 400, 0}};
    auto r = db->write([&](Transaction& tx) { return ReadingRepository(tx).insert(batch); });
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("logger 777"), std::string::npos) << r.error().message;
    auto none = must(db->read([&](Transaction& tx) { return ReadingRepository(tx).range(logger.id, 0, 1000); }));
    EXPECT_TRUE(none.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RepositoryTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);
