// Rows for the documents and figures tests, written with plain SQL through the store (the
// review chain's own use cases are tested in its area): organisations, people, a product
// with two specification lines, a reported nonconforming sample with signatures and its
// hash, an unreported sample, notices and case leads. Shared by the workflow tests and the
// HTTP tests (tests/e2e/documents_routes_test.cpp).
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/documents/document_source.hpp"

#include <Poco/Data/Session.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace lims::test::documents_seed {

using namespace Poco::Data::Keywords;

inline std::int64_t insert(store::Database& db, const std::string& sql) {
    auto id = db.write([&](store::Transaction& tx) -> store::StoreResult<std::int64_t> {
        Poco::Int64 out = 0;
        tx.session() << sql + " RETURNING id", into(out), now;
        return static_cast<std::int64_t>(out);
    });
    if (!id) throw std::runtime_error("seed: " + id.error().message + " in " + sql);
    return *id;
}

inline void exec(store::Database& db, const std::string& sql) {
    auto ok = db.write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.session() << sql, now;
        return store::Done{};
    });
    if (!ok) throw std::runtime_error("seed: " + ok.error().message + " in " + sql);
}

inline std::string q(const std::string& s) { return "'" + s + "'"; }
inline std::string n(std::int64_t v) { return std::to_string(v); }

constexpr const char* kStamp = "'2026-03-01T00:00:00.000Z'";

struct Orgs {
    std::int64_t office = 0;       // registers the samples
    std::int64_t lab = 0;          // tests them and issues reports
    std::int64_t enforcement = 0;  // gets the case leads
    std::int64_t bureau = 0;       // gets the notices
};

// A small tree of our own: root/{office, lab, enforcement, bureau}, the root at the top
// or under `parent` (whose path is `parent_path`).
inline Orgs seed_organisations(store::Database& db, const std::string& prefix = "DOC", std::int64_t parent = 0,
                               const std::string& parent_path = "/") {
    auto org = [&](const std::string& code, const std::string& name, const std::string& kind, std::int64_t parent,
                   const std::string& parent_path) {
        const std::int64_t id = insert(db, "INSERT INTO organisations (code, name, kind, parent_id, region_code, path, "
                                           "created_at, updated_at) VALUES (" + q(prefix + code) + ", " + q(name) + ", " +
                                               q(kind) + ", " + (parent ? n(parent) : "NULL") + ", '310101', " +
                                               q(parent_path + "tmp-" + prefix + code + "/") + ", " + kStamp + ", " + kStamp + ")");
        const std::string path = parent_path + n(id) + "/";
        exec(db, "UPDATE organisations SET path = " + q(path) + " WHERE id = " + n(id));
        return std::pair{id, path};
    };
    auto [root, root_path] = org("-ROOT", "某省药品监督管理局", "bureau", parent, parent_path);
    Orgs o;
    o.office = org("-OFFICE", "某市药品监督管理局第一分局", "supervision_office", root, root_path).first;
    o.lab = org("-LAB", "某省药品检验研究院", "inspection_centre", root, root_path).first;
    o.enforcement = org("-ENF", "某市市场监管综合执法队", "enforcement_unit", root, root_path).first;
    o.bureau = org("-BUREAU", "某市药品监督管理局", "bureau", root, root_path).first;
    return o;
}

inline std::int64_t seed_user(store::Database& db, std::int64_t org, const std::string& username,
                              const std::string& display_name) {
    return insert(db, "INSERT INTO users (org_id, username, display_name, password_hash, created_at, updated_at) "
                      "VALUES (" + n(org) + ", " + q(username) + ", " + q(display_name) + ", 'x', " + kStamp + ", " +
                          kStamp + ")");
}

struct Seeded {
    Orgs orgs;
    std::string report_number = "BG2026-DOC-0001";
    std::string sample_number;           // reported, nonconforming
    std::string unreported_sample_number;
    std::int64_t report_id = 0;
    std::int64_t assay_test_id = 0;
    std::int64_t assay_result_id = 0;
};

// Everything at fixed times in 2026 (inside fixtures/calendars): received 2026-03-03,
// approved 2026-03-13, issued the same day; the unreported sample was received 2026-03-04.
inline Seeded seed_documents(store::Database& db, const Orgs& orgs, const std::string& prefix = "DOC") {
    Seeded s;
    s.orgs = orgs;
    s.report_number = "BG2026-" + prefix + "-0001";
    s.sample_number = "D2026-310101-" + prefix + "1-K";
    s.unreported_sample_number = "D2026-310101-" + prefix + "2-K";
    const auto sampler1 = seed_user(db, orgs.office, prefix + "_sampler1", "赵六");
    const auto sampler2 = seed_user(db, orgs.office, prefix + "_sampler2", "钱七");
    const auto analyst = seed_user(db, orgs.lab, prefix + "_analyst", "张三");
    const auto reviewer = seed_user(db, orgs.lab, prefix + "_reviewer", "李四");
    const auto signatory = seed_user(db, orgs.lab, prefix + "_signatory", "王五");

    const auto pharmacy = insert(db, "INSERT INTO regulated_entities (name, kind, credit_code, jurisdiction_org_id, "
                                     "region_code, address, licence_number, created_at, updated_at) VALUES "
                                     "('某某大药房第一分店', 'pharmacy', '91310101MA1FL0000X', " + n(orgs.office) +
                                         ", '310101', '某市某路1号', '沪AA0210001', " + kStamp + ", " + kStamp + ")");
    const auto maker = insert(db, "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, "
                                  "created_at, updated_at) VALUES ('某某制药有限公司', 'manufacturer', " +
                                      n(orgs.office) + ", '310101', " + kStamp + ", " + kStamp + ")");
    const auto product = insert(db, "INSERT INTO products (name, category, dosage_form, specification, approval_number, "
                                    "manufacturer_entity_id, manufacturer_name, storage_class, created_at, updated_at) "
                                    "VALUES ('阿莫西林胶囊', 'drug', '胶囊剂', '0.25g', '国药准字H00000000', " + n(maker) +
                                        ", '某某制药有限公司', 'ambient', " + kStamp + ", " + kStamp + ")");
    const auto assay_line = insert(db, "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, "
                                       "limit_kind, lower_limit, upper_limit, unit, decimal_places, created_at, updated_at) "
                                       "VALUES (" + n(product) + ", '《中华人民共和国药典》2025年版二部', 'ASSAY', '含量测定', "
                                       "'range', '90.0', '110.0', '%', 1, " + kStamp + ", " + kStamp + ")");
    const auto look_line = insert(db, "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, "
                                      "limit_kind, expected_text, created_at, updated_at) VALUES (" + n(product) +
                                          ", '《中华人民共和国药典》2025年版二部', 'APPEARANCE', '性状', 'qualitative', "
                                          "'本品内容物为白色或类白色粉末', " + kStamp + ", " + kStamp + ")");

    auto sample = [&](const std::string& number) {
        const auto id = insert(db, "INSERT INTO samples (number, org_id, product_id, entity_id, product_name, batch_number, "
                                   "production_date, expiry_date, quantity, unit, storage_condition, sampled_at, "
                                   "sampling_place, state, created_at, updated_at) VALUES (" + q(number) + ", " +
                                       n(orgs.office) + ", " + n(product) + ", " + n(pharmacy) +
                                       ", '阿莫西林胶囊', '240501', '2025-05-01', '2027-04-30', '6', '盒', 'ambient', "
                                       "'2026-03-02T02:00:00.000Z', '药品零售区货架', 'in_testing', " + kStamp + ", " + kStamp + ")");
        exec(db, "INSERT INTO sample_samplers (sample_id, user_id) VALUES (" + n(id) + ", " + n(sampler1) + ")");
        exec(db, "INSERT INTO sample_samplers (sample_id, user_id) VALUES (" + n(id) + ", " + n(sampler2) + ")");
        exec(db, "INSERT INTO sample_seals (sample_id, seal_number) VALUES (" + n(id) + ", " + q("FQ-" + number) + ")");
        exec(db, "INSERT INTO sample_portions (sample_id, kind, quantity, unit, state) VALUES (" + n(id) +
                     ", 'test', '3', '盒', 'in_use')");
        exec(db, "INSERT INTO sample_portions (sample_id, kind, quantity, unit, state) VALUES (" + n(id) +
                     ", 'retained', '3', '盒', 'stored')");
        return id;
    };
    auto test = [&](std::int64_t sample_id, std::int64_t line, const std::string& code, const std::string& created) {
        return insert(db, "INSERT INTO tests (sample_id, spec_line_id, test_code, state, created_at, updated_at) VALUES (" +
                              n(sample_id) + ", " + n(line) + ", " + q(code) + ", 'final', " + q(created) + ", " + q(created) + ")");
    };
    auto sign = [&](const std::string& type, const std::string& id, std::int64_t user, const std::string& meaning,
                    const std::string& at) {
        exec(db, "INSERT INTO signatures (entity_type, entity_id, signer_user_id, meaning, method, content_sha256, signed_at) "
                 "VALUES (" + q(type) + ", " + q(id) + ", " + n(user) + ", " + q(meaning) + ", 'password', '" +
                     std::string(64, '0') + "', " + q(at) + ")");
    };

    const auto reported = sample(s.sample_number);
    const auto look = test(reported, look_line, "APPEARANCE", "2026-03-03T02:00:00.000Z");
    s.assay_test_id = test(reported, assay_line, "ASSAY", "2026-03-03T02:00:00.000Z");
    const auto look_result = insert(db, "INSERT INTO results (test_id, qualitative, source, conformity, entered_by, entered_at) "
                                        "VALUES (" + n(look) + ", '符合规定', 'manual', 'conforming', " + n(analyst) +
                                            ", '2026-03-10T02:00:00.000Z')");
    s.assay_result_id = insert(db, "INSERT INTO results (test_id, value_text, unit, source, conformity, entered_by, entered_at) "
                                   "VALUES (" + n(s.assay_test_id) + ", '86.4', '%', 'manual', 'nonconforming', " +
                                       n(analyst) + ", '2026-03-10T03:00:00.000Z')");
    for (auto r : {look_result, s.assay_result_id}) {
        sign("result", n(r), analyst, "performed", "2026-03-10T04:00:00.000Z");
        sign("result", n(r), reviewer, "verified", "2026-03-11T04:00:00.000Z");
    }
    s.report_id = insert(db, "INSERT INTO reports (number, sample_id, state, round, conclusion, issued_at, created_at, "
                             "updated_at) VALUES (" + q(s.report_number) + ", " + n(reported) +
                                 ", 'issued', 1, 'does_not_conform', '2026-03-13T03:00:00.000Z', " + kStamp + ", " + kStamp + ")");
    sign("report", s.report_number, signatory, "approved", "2026-03-13T02:00:00.000Z");
    // What the issuing transaction stores (lims/workflow/review/report.cpp).
    auto hash = db.read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
        auto doc = workflow::documents::load_report_document(tx, s.report_number);
        if (!doc) return doc.error();
        return workflow::documents::report_content_hash(*doc);
    });
    if (!hash) throw std::runtime_error("seed: " + hash.error().message);
    exec(db, "UPDATE reports SET content_sha256 = " + q(*hash) + " WHERE id = " + n(s.report_id));

    const auto unreported = sample(s.unreported_sample_number);
    test(unreported, assay_line, "ASSAY", "2026-03-04T02:00:00.000Z");

    // Notices: one acknowledged in time, one never acknowledged (due 2026-03-17).
    exec(db, "INSERT INTO notices (number, sample_id, report_id, recipient, to_org_id, state, due_at, acknowledged_at, "
             "created_at, updated_at) VALUES (" + q("TZ-" + prefix + "-1") + ", " + n(reported) + ", " + n(s.report_id) +
                 ", 'organising_bureau', " + n(orgs.bureau) + ", 'acknowledged', '2026-03-17T16:00:00Z', "
                 "'2026-03-16T02:00:00.000Z', '2026-03-13T03:00:00.000Z', '2026-03-13T03:00:00.000Z')");
    exec(db, "INSERT INTO notices (number, sample_id, report_id, recipient, to_org_id, state, due_at, created_at, "
             "updated_at) VALUES (" + q("TZ-" + prefix + "-2") + ", " + n(reported) + ", " + n(s.report_id) +
                 ", 'sampled_unit_bureau', " + n(orgs.office) + ", 'sent', '2026-03-17T16:00:00Z', "
                 "'2026-03-13T03:00:00.000Z', '2026-03-13T03:00:00.000Z')");
    // Leads: one still open past its deadline, one filed, one not filed, one closed after filing.
    auto lead = [&](const std::string& suffix, const std::string& state, const std::string& decision) {
        exec(db, "INSERT INTO case_leads (number, source, sample_id, entity_id, assigned_org_id, state, received_at, "
                 "deadline_at, decision, created_at, updated_at) VALUES (" + q("XS-" + prefix + "-" + suffix) +
                     ", 'nonconforming_result', " + n(reported) + ", " + n(pharmacy) + ", " + n(orgs.enforcement) +
                     ", " + q(state) + ", '2026-03-13T03:00:00.000Z', '2026-04-03T16:00:00Z', " +
                     (decision.empty() ? "NULL" : q(decision)) + ", '2026-03-13T03:00:00.000Z', '2026-03-13T03:00:00.000Z')");
    };
    lead("1", "open", "");
    lead("2", "filed", "filed");
    lead("3", "not_filed", "not_filed");
    lead("4", "closed", "filed");
    return s;
}

}  // namespace lims::test::documents_seed
