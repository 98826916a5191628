// A fresh SQLite database per test with two jurisdictions (Shanghai and Jiangsu), each a
// bureau with supervision offices and an inspection centre, and a user of each role the
// sampling workflow needs; helpers to build valid requests. Used by the sampling_* tests.
#pragma once

#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/database.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/sampling/plans.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/registration.hpp"

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

namespace lims::workflow::sampling::testing {

template <typename T>
T must(domain::Result<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

// A valid unified social credit code for a 9-character organisation code stem.
inline std::string credit_code(const std::string& stem9) {
    const std::string first17 = "91310101" + stem9;
    return first17 + *domain::CreditCode::check_character_for(first17);
}

inline std::string utc_minutes_ago(int minutes) {
    const auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::minutes(minutes);
    return format_utc_seconds(t);
}

class SamplingTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/lims-sampling-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
        auto opened = store::Database::open("sqlite:" + dir_ + "/lims.db");
        ASSERT_TRUE(opened) << opened.error().message;
        db = *opened;
        auto migrated = store::migrate(*db, store::builtin_migrations());
        ASSERT_TRUE(migrated) << migrated.error().message;

        using K = domain::OrganisationKind;
        auto orgs = must(db->write([](store::Transaction& tx) -> domain::Result<std::vector<domain::Organisation>> {
            store::OrganisationRepository repo(tx);
            std::vector<domain::Organisation> out;
            auto add = [&](std::string code, K kind, std::optional<std::int64_t> parent, std::string region) {
                auto o = repo.create({code, code + " name", kind, parent, region}, "test");
                if (!o) throw std::runtime_error(o.error().message);
                out.push_back(*o);
                return o->id;
            };
            auto sh = add("SH", K::bureau, {}, "310000");
            add("SH-HP", K::supervision_office, sh, "310101");
            add("SH-PD", K::supervision_office, sh, "310115");
            add("SH-LAB", K::inspection_centre, sh, "310000");
            auto js = add("JS", K::bureau, {}, "320000");
            add("JS-NJ", K::supervision_office, js, "320102");
            add("JS-LAB", K::inspection_centre, js, "320000");
            return out;
        }));
        for (const auto& o : orgs) org[o.code] = o;
        add_user("planner", "SH", {"planner"});
        add_user("sampler.a", "SH-HP", {"sampler"});
        add_user("sampler.b", "SH-HP", {"sampler"});
        add_user("sampler.pd", "SH-PD", {"sampler"});
        add_user("sampler.pd2", "SH-PD", {"sampler"});
        add_user("receiver", "SH-LAB", {"receiver"});
        add_user("receiver2", "SH-LAB", {"receiver"});
        add_user("viewer", "SH", {"bureau_viewer"});
        add_user("js.receiver", "JS-LAB", {"receiver"});
        add_user("js.planner", "JS", {"planner"});
        add_user("js.sampler", "JS-NJ", {"sampler"});
    }

    void TearDown() override {
        db.reset();
        std::error_code ec;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    }

    void add_user(const std::string& name, const std::string& org_code, std::vector<std::string> roles) {
        const auto o = org.at(org_code);
        auto u = must(db->write([&](store::Transaction& tx) -> domain::Result<domain::User> {
            return store::UserRepository(tx).create({o.id, name, name, "$argon2id$v=19$test", roles}, "test");
        }));
        Actor a{u.id, u.username, {}, o.id, o.path};
        for (const auto& r : roles) a.roles.add(*domain::parse_role(r));
        actor[name] = a;
    }

    // A published plan with one quota for SH-HP (3 samples) and one for SH-PD; returns
    // SH-HP's task, started by sampler.a.
    store::SamplingTask started_task(const std::string& plan_code = "PLAN-2026-01") {
        PlanRequest p{plan_code, "Antibiotics 2026", current_year(), std::to_string(current_year()) + "-01-01",
                      std::to_string(current_year()) + "-12-31",
                      {{org.at("SH-HP").id, "drug", "antibiotics", 3, std::to_string(current_year()) + "-06-30"},
                       {org.at("SH-PD").id, "drug", "antibiotics", 2, std::to_string(current_year()) + "-06-30"}}};
        auto plan = must(create_plan(*db, actor.at("planner"), p));
        auto tasks = must(publish_plan(*db, actor.at("planner"), plan.code, plan.version));
        for (const auto& t : tasks)
            if (t.office_org_id == org.at("SH-HP").id) return must(start_task(*db, actor.at("sampler.a"), t.number, t.version));
        throw std::runtime_error("no SH-HP task");
    }

    static int current_year() {
        return static_cast<int>(std::chrono::year_month_day{
            beijing_day(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))}.year());
    }

    RegistrationRequest a_registration(const std::string& task_number, const std::string& seal_prefix = "SEAL-") {
        RegistrationRequest r;
        r.task_number = task_number;
        r.entity = {"Huangpu Renmin Pharmacy", credit_code("MA1FL0001"), "pharmacy", "1 Nanjing Rd"};
        r.product = {std::nullopt, "Amoxicillin capsules", "drug", "capsule", "0.25 g x 24", "国药准字H20003263", "Maker Co.",
                     credit_code("MA1FL0002")};
        r.batch_number = "B2401";
        r.production_date = "2025-01-15";
        r.expiry_date = "2027-01-14";
        r.quantity = "6";
        r.unit = "box";
        r.test_quantity = "4";
        r.retained_quantity = "2";
        r.storage_condition = "ambient";
        r.seal_numbers = {seal_prefix + std::to_string(++seal_counter_) + "-1", seal_prefix + std::to_string(seal_counter_) + "-2"};
        r.sampler_user_ids = {*actor.at("sampler.a").user_id, *actor.at("sampler.b").user_id};
        r.sampled_at = utc_minutes_ago(30);
        r.sampling_place = "shelf 3, dispensary";
        r.trace_codes = {"81234567890123456789"};
        return r;
    }

    std::int64_t count(const std::string& table) {
        auto c = db->read([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
            Poco::Int64 n = 0;
            tx.session() << "SELECT count(*) FROM " + table, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
            return static_cast<std::int64_t>(n);
        });
        return must(std::move(c));
    }

    void expect_chain_intact() {
        auto v = store::verify_audit_chain(*db);
        ASSERT_TRUE(v) << v.error().message;
        EXPECT_TRUE(v->intact) << v->problem;
    }

    std::shared_ptr<store::Database> db;
    std::map<std::string, domain::Organisation> org;
    std::map<std::string, Actor> actor;

private:
    std::string dir_;
    int seal_counter_ = 0;
};

}  // namespace lims::workflow::sampling::testing
