// A fresh SQLite database per test for the review chain: a Shanghai bureau (organiser)
// with a district bureau over the sampled pharmacy and its enforcement unit, a Jiangsu
// bureau over the labelled manufacturer, a laboratory with analysts, a reviewer and an
// authorised signatory; a product with three specification lines (assay 95.0–105.0 %,
// related substances ≤ 0.5 %, appearance qualitative) and a received sample. Passwords
// are checked by a stand-in for Argon2 (the api's verifier is tested in unit_api).
// Used by tests/unit/workflow/review_* and case_lead_* and by tests/e2e/review_*.
#pragma once

#include "lims/domain/state_machine/role.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/database.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/review/signing.hpp"

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace lims::workflow::review::testing {

using namespace Poco::Data::Keywords;

template <typename T>
T must(domain::Result<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

// Stand-in for api::verifyPassword: the fixture stores "test-hash:<password>".
inline bool test_password_check(std::string_view password, const std::string& encoded) {
    return encoded == "test-hash:" + std::string(password);
}
inline const std::string kPassword = "correct horse battery";

class ReviewTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/lims-review-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
        db = must(store::Database::open(database_url()));
        ASSERT_TRUE(store::migrate(*db, store::builtin_migrations()));
        calendar = must(load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars"));
        check = test_password_check;

        using K = domain::OrganisationKind;
        must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
            store::OrganisationRepository repo(tx);
            auto add = [&](const std::string& code, K kind, std::optional<std::int64_t> parent, const std::string& region) {
                auto o = must(repo.create({code, code + " 名称", kind, parent, region}, "test"));
                org[code] = o;
                return o.id;
            };
            const auto sh = add("SH", K::bureau, {}, "310000");
            add("SH-PD-OFFICE", K::supervision_office, sh, "310115");
            const auto pd = add("SH-PD", K::bureau, sh, "310115");
            add("SH-PD-ZF", K::enforcement_unit, pd, "310115");
            add("SH-LAB", K::inspection_centre, sh, "310000");
            add("JS", K::bureau, {}, "320000");
            return 0;
        }));
        add_user("receiver", "SH-LAB", {"receiver"});
        add_user("analyst.a", "SH-LAB", {"analyst"});
        add_user("analyst.b", "SH-LAB", {"analyst", "reviewer"});
        add_user("reviewer", "SH-LAB", {"reviewer"});
        add_user("signatory", "SH-LAB", {"signatory"});
        add_user("officer", "SH-PD-ZF", {"enforcement_officer"});
        add_user("pd.viewer", "SH-PD", {"bureau_viewer"});
        add_user("sh.viewer", "SH", {"bureau_viewer"});
        add_user("js.viewer", "JS", {"bureau_viewer"});
        add_user("admin", "SH", {"administrator"});
        add_user("sampler.a", "SH-PD-OFFICE", {"sampler"});
        add_user("sampler.b", "SH-PD-OFFICE", {"sampler"});
        ingest = Actor{std::nullopt, "system:ingest", domain::RoleSet{domain::Role::ingest_service}, std::nullopt};

        pharmacy = add_entity("浦东仁和大药房", "pharmacy", org.at("SH-PD").id, "310115");
        manufacturer = add_entity("苏州制药有限公司", "manufacturer", org.at("JS").id, "320505");
        product = add_product("阿莫西林胶囊", "drug", manufacturer);
    }

    void TearDown() override {
        if (db) {
            auto verified = store::verify_audit_chain(*db);
            EXPECT_TRUE(verified && verified->intact) << (verified ? verified->problem : verified.error().message);
        }
        db.reset();
        std::error_code ec;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    }

    void add_user(const std::string& name, const std::string& org_code, const std::vector<std::string>& roles) {
        const auto o = org.at(org_code);
        auto u = must(db->write([&](store::Transaction& tx) -> domain::Result<domain::User> {
            return store::UserRepository(tx).create({o.id, name, name + " 显示名", "test-hash:" + kPassword, roles}, "test");
        }));
        Actor a{u.id, u.username, {}, o.id, o.path};
        for (const auto& r : roles) a.roles.add(must(domain::parse_role(r)));
        actor[name] = a;
    }

    std::int64_t add_entity(const std::string& name, const std::string& kind, std::int64_t jurisdiction,
                            const std::string& region) {
        return must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
            Poco::Int64 id = 0;
            const std::string at = tx.now_utc();
            tx.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                            "updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                bind(name), bind(kind), bind(jurisdiction), bind(region), bind(at), bind(at), into(id), now;
            return static_cast<std::int64_t>(id);
        }));
    }

    // Three lines: 含量测定 95.0–105.0 %, 有关物质 ≤ 0.5 %, 性状 符合规定.
    std::int64_t add_product(const std::string& name, const std::string& category,
                             std::optional<std::int64_t> maker_entity) {
        return must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
            Poco::Int64 id = 0;
            const std::string at = tx.now_utc();
            Poco::Nullable<Poco::Int64> maker;
            if (maker_entity) maker = *maker_entity;
            tx.session() << "INSERT INTO products (name, category, specification, manufacturer_entity_id, "
                            "manufacturer_name, storage_class, created_at, updated_at) VALUES ($1, $2, '0.25 g', $3, "
                            "'苏州制药有限公司', 'ambient', $4, $5) RETURNING id",
                bind(name), bind(category), bind(maker), bind(at), bind(at), into(id), now;
            const std::string std_ref = "《中华人民共和国药典》2025年版二部";
            tx.session() << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, "
                            "lower_limit, upper_limit, unit, decimal_places, created_at, updated_at) VALUES "
                            "($1, $2, 'ASSAY', '含量测定', 'range', '95.0', '105.0', '%', 1, $3, $4)",
                bind(id), bind(std_ref), bind(at), bind(at), now;
            tx.session() << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, "
                            "upper_limit, unit, decimal_places, created_at, updated_at) VALUES "
                            "($1, $2, 'RS', '有关物质', 'upper', '0.5', '%', 1, $3, $4)",
                bind(id), bind(std_ref), bind(at), bind(at), now;
            tx.session() << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, "
                            "expected_text, created_at, updated_at) VALUES "
                            "($1, $2, 'APPEARANCE', '性状', 'qualitative', '符合规定|conforms', $3, $4)",
                bind(id), bind(std_ref), bind(at), bind(at), now;
            return static_cast<std::int64_t>(id);
        }));
    }

    // A sample registered by the district office at the pharmacy, already received.
    domain::Sample received_sample(std::optional<std::int64_t> product_id = std::nullopt,
                                   std::optional<std::int64_t> entity_id = std::nullopt) {
        return must(db->write([&](store::Transaction& tx) -> domain::Result<domain::Sample> {
            store::NewSample s;
            s.org_id = org.at("SH-PD-OFFICE").id;
            s.product_id = product_id ? product_id : std::optional<std::int64_t>(product);
            s.entity_id = entity_id ? *entity_id : pharmacy;
            s.product_name = "阿莫西林胶囊";
            s.batch_number = "B2401";
            s.quantity = "6";
            s.unit = "盒";
            s.sampled_at = tx.now_utc();
            s.sampling_place = "浦东新区";
            s.seal_numbers = {"SEAL-" + std::to_string(++seal_), "SEAL-" + std::to_string(++seal_)};
            s.sampler_user_ids = {*actor.at("sampler.a").user_id, *actor.at("sampler.b").user_id};
            s.portions = {{domain::PortionKind::test, "4", "盒", std::nullopt},
                          {domain::PortionKind::retained, "2", "盒", std::nullopt}};
            s.state = "received";
            return store::SampleRepository(tx).register_sample(s, "test");
        }));
    }

    // A raw instrument message, as the ingest path stores it.
    std::int64_t add_raw_message(const std::string& bytes) {
        return must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
            const std::string sha = sha256_hex(bytes), at = tx.now_utc();
            Poco::Data::BLOB blob(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO raw_messages (protocol, received_at, sha256, bytes) VALUES ('hl7', $1, $2, $3) "
                            "RETURNING id",
                bind(at), bind(sha), bind(blob), into(id), now;
            return static_cast<std::int64_t>(id);
        }));
    }

    std::int64_t count(const std::string& sql) {
        return must(db->read([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
            Poco::Int64 n = 0;
            tx.session() << sql, into(n), now;
            return static_cast<std::int64_t>(n);
        }));
    }

    SigningIntent signing(const std::string& password = kPassword) { return {password, "127.0.0.1"}; }

    // Where the test's database lives: a SQLite file in the test's directory by default;
    // tests/e2e/review_flow_test overrides it to run the chain on PostgreSQL as well.
    virtual std::string database_url() { return "sqlite:" + dir_ + "/lims.db"; }

    std::shared_ptr<store::Database> db;
    domain::WorkingCalendar calendar;
    PasswordCheck check;
    std::map<std::string, domain::Organisation> org;
    std::map<std::string, Actor> actor;
    Actor ingest;
    std::int64_t pharmacy = 0, manufacturer = 0, product = 0;

private:
    std::string dir_;
    int seal_ = 0;
};

}  // namespace lims::workflow::review::testing
