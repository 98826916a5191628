#include "route_recipes.hpp"

#include "lims/api/json_text.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/logger_polling_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/admin/reference_data.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/placements.hpp"
#include "lims/workflow/figures/risk_ledger.hpp"
#include "lims/workflow/ingest/ingest_message.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/plans.hpp"
#include "lims/workflow/sampling/registration.hpp"
#include "lims/workflow/sampling/shipments.hpp"
#include "lims/workflow/evidence/attachments.hpp"
#include "tests/unit/workflow/documents_seed.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace lims::test {

namespace {

using domain::Role;

RouteRecord entityRecord(TestService& s, Jurisdiction side) {
    workflow::admin::EntityInput in{"Pharmacy " + std::string(side == Jurisdiction::A ? "A" : "B"), "pharmacy",
                                    std::nullopt, s.organisationId(TestService::bureau(side)),
                                    side == Jurisdiction::A ? "310101" : "320102", "1 Test Road", ""};
    auto created = workflow::admin::createEntity(*s.database(), in, "system:test");
    if (!created) throw std::runtime_error("recipe: entity: " + created.error().message);
    auto body = api::newObject();
    body->set("name", in.name + " (renamed)");
    body->set("kind", "pharmacy");
    body->set("jurisdiction_org_id", in.jurisdictionOrgId);
    body->set("region_code", in.regionCode);
    return {{{"id", std::to_string(created->entity.id)}}, body};
}

domain::Product makeProduct(TestService& s) {
    workflow::admin::ProductInput in{"Amoxicillin capsules", "drug", "capsule", "0.25 g", "国药准字H20044063",
                                     std::nullopt, "Test Pharma", "ambient"};
    auto created = workflow::admin::createProduct(*s.database(), in, "system:test");
    if (!created) throw std::runtime_error("recipe: product: " + created.error().message);
    return *created;
}

Poco::JSON::Object::Ptr productBody() {
    auto body = api::newObject();
    body->set("name", "Amoxicillin capsules");
    body->set("category", "drug");
    body->set("approval_number", "H20044063");
    body->set("storage_class", "ambient");
    return body;
}

Poco::JSON::Object::Ptr specBody() {
    auto body = api::newObject();
    body->set("test_code", "ASSAY");
    body->set("item", "含量测定");
    body->set("requirement", "90.0–110.0");
    body->set("unit", "%");
    body->set("basis", "ChP 2025 Vol. II");
    return body;
}

// A reported sample under the side's bureau (documents_seed.hpp), each call with fresh codes.
documents_seed::Seeded documentRecord(TestService& s, Jurisdiction side) {
    static int made = 0;
    const std::string prefix = "RCP" + std::to_string(++made) + (side == Jurisdiction::A ? "A" : "B");
    const auto bureau = s.organisation(TestService::bureau(side));
    auto orgs = documents_seed::seed_organisations(*s.database(), prefix, bureau.id, bureau.path);
    return documents_seed::seed_documents(*s.database(), orgs, prefix);
}


// ---- service of documents: documents_seed's issued report served in person on its
// sampled unit, prepared through the API by the side's administrator.
Poco::JSON::Object::Ptr serviceBody() {
    auto body = api::newObject();
    body->set("recipient", std::string("sampled_unit"));
    Poco::JSON::Array::Ptr documents = new Poco::JSON::Array;
    documents->add(std::string("inspection_report"));
    body->set("documents", documents);
    body->set("method", std::string("in_person"));
    return body;
}

std::string serviceRecord(TestService& s, Jurisdiction side) {
    const auto report = documentRecord(s, side).report_number;
    auto made = s.as(TestService::username(Role::administrator, side)).post("/api/v1/reports/" + report + "/services",
                                                                             serviceBody());
    if (made.status != 201) throw std::runtime_error("recipe: service of " + report + ": " + made.describe());
    return made.json()->getValue<std::string>("number");
}

// ---- publication (publication_routes.cpp): documents_seed's nonconforming report of March
// 2026 under the side's bureau, listed by a second planner of the bureau (so that the
// side's planner, who calls the routes, may review and release it), reviewed and released
// by the side's planner as far as `stage` says.
enum class ListStage { draft, reviewed, released };

std::string publicationRecord(TestService& s, Jurisdiction side, ListStage stage) {
    documentRecord(s, side);
    const std::string second = std::string("planner2_") + (side == Jurisdiction::A ? "a" : "b");
    try {
        s.userId(second);
    } catch (const std::exception&) {
        s.addUser(second, TestService::organisationCodeFor(Role::planner, side), {"planner"});
    }
    auto period = api::newObject();
    period->set("period_from", std::string("2026-03-01"));
    period->set("period_to", std::string("2026-03-31"));
    auto made = s.as(second).post("/api/v1/publication-lists", period);
    if (made.status != 201) throw std::runtime_error("recipe: publication list: " + made.describe());
    const std::string number = made.json()->getValue<std::string>("number");
    auto planner = s.as(TestService::username(Role::planner, side));
    auto signing = api::newObject();
    signing->set("password", std::string(TestService::kPassword));
    if (stage != ListStage::draft) {
        signing->set("decision", std::string("reviewed"));
        auto reviewed = planner.post("/api/v1/publication-lists/" + number + "/review", signing);
        if (reviewed.status != 200) throw std::runtime_error("recipe: review of " + number + ": " + reviewed.describe());
        signing->remove("decision");
    }
    if (stage == ListStage::released) {
        auto released = planner.post("/api/v1/publication-lists/" + number + "/release", signing);
        if (released.status != 200) throw std::runtime_error("recipe: release of " + number + ": " + released.describe());
    }
    return number;
}

RouteRecord publicationRoute(TestService& s, Jurisdiction side, ListStage stage, Poco::JSON::Object::Ptr body) {
    return {{{"number", publicationRecord(s, side, stage)}}, body};
}

// ---- review (review_routes.cpp): documents_seed's reported sample under the side's
// bureau, shipped to the side's laboratory (whose analysts, reviewers and signatories
// see it), its case leads assigned to the side's enforcement unit.
struct ReviewRecord {
    documents_seed::Seeded seeded;
    std::string notice_id, lead_number;
};

ReviewRecord reviewRecord(TestService& s, Jurisdiction side) {
    using documents_seed::n;
    using documents_seed::q;
    ReviewRecord r{documentRecord(s, side), "", ""};
    const std::string prefix = r.seeded.report_number.substr(7, r.seeded.report_number.size() - 12);  // BG2026-<prefix>-0001
    const auto lab = s.organisationId(TestService::laboratory(side));
    const auto enforcement = s.organisationId(TestService::enforcementUnit(side));
    const auto shipment = documents_seed::insert(
        *s.database(), "INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) VALUES (" +
                           q("S-REVIEW-" + prefix) + ", " + n(r.seeded.orgs.office) + ", " + n(lab) + ", 'arrived', " +
                           documents_seed::kStamp + ", " + documents_seed::kStamp + ")");
    for (const auto& number : {r.seeded.sample_number, r.seeded.unreported_sample_number})
        documents_seed::exec(*s.database(), "INSERT INTO shipment_items (shipment_id, sample_id) SELECT " + n(shipment) +
                                                ", id FROM samples WHERE number = " + q(number));
    documents_seed::exec(*s.database(), "UPDATE case_leads SET assigned_org_id = " + n(enforcement) +
                                            " WHERE number LIKE " + q("XS-" + prefix + "-%"));
    std::int64_t notice = 0;
    const std::string notice_number = "TZ-" + prefix + "-2";
    (void)s.database()->read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        Poco::Int64 id = 0;
        tx.session() << "SELECT id FROM notices WHERE number = $1", Poco::Data::Keywords::bind(notice_number),
            Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
        notice = id;
        return store::Done{};
    });
    r.notice_id = std::to_string(notice);
    r.lead_number = "XS-" + prefix + "-1";
    return r;
}

Poco::JSON::Object::Ptr bodyOf(std::initializer_list<std::pair<const char*, const char*>> fields) {
    auto body = api::newObject();
    for (const auto& [k, v] : fields) body->set(k, std::string(v));
    return body;
}

RouteRecord reviewTest(TestService& s, Jurisdiction side, Poco::JSON::Object::Ptr body) {
    return {{{"id", std::to_string(reviewRecord(s, side).seeded.assay_test_id)}}, body};
}
RouteRecord reviewReport(TestService& s, Jurisdiction side, Poco::JSON::Object::Ptr body) {
    return {{{"number", reviewRecord(s, side).seeded.report_number}}, body};
}
RouteRecord reviewSample(TestService& s, Jurisdiction side, Poco::JSON::Object::Ptr body) {
    return {{{"number", reviewRecord(s, side).seeded.sample_number}}, body};
}
RouteRecord reviewLead(TestService& s, Jurisdiction side, Poco::JSON::Object::Ptr body) {
    return {{{"number", reviewRecord(s, side).lead_number}}, body};
}

// ---- cases (case_routes.cpp): reviewRecord's lead filed as a case of the side's
// enforcement unit, with a recall as measure 1.
RouteRecord reviewCase(TestService& s, Jurisdiction side, Poco::JSON::Object::Ptr body, bool measure = false) {
    using documents_seed::q;
    const std::string lead = reviewRecord(s, side).lead_number;
    const std::string number = "AJ-" + lead;
    documents_seed::exec(*s.database(),
                         "INSERT INTO cases (number, lead_id, assigned_org_id, state, filed_at, filing_approval, deadline_at, "
                         "measures_json, created_at, updated_at) SELECT " + q(number) + ", id, assigned_org_id, 'filed', " +
                             documents_seed::kStamp + ", 'recipe', '2026-05-30T16:00:00.000Z', "
                             "'[{\"id\":1,\"kind\":\"recall\",\"started_at\":\"2026-03-01T00:00:00.000Z\"}]', " +
                             documents_seed::kStamp + ", " + documents_seed::kStamp +
                             " FROM case_leads WHERE number = " + q(lead));
    RouteRecord r{{{"number", number}}, body};
    if (measure) r.params["id"] = "1";
    return r;
}


// ---- sampling (sampling_routes.cpp): a started task, a registered sample and a ready
// shipment of it in `side`, made with the sampling use cases as the seeded users.
struct SamplingRecord {
    std::string plan_code, task_number, sample_number, shipment_number;
};

workflow::Actor samplingActor(TestService& s, Role role, Jurisdiction side) {
    const auto name = TestService::username(role, side);
    const auto org = s.organisation(TestService::organisationCodeFor(role, side));
    return {s.userId(name), name, {role}, org.id, org.path};
}

// online: bought from an online shop (网络抽样), for the delivery route.
SamplingRecord samplingRecord(TestService& s, Jurisdiction side, bool online = false) {
    namespace wf = workflow::sampling;
    static int serial = 0;
    const std::string n = std::to_string(++serial);
    auto must = [](auto r, const char* what) {
        if (!r) throw std::runtime_error(std::string("sampling recipe: ") + what + ": " + r.error().message);
        return std::move(r).value();
    };
    const auto planner = samplingActor(s, Role::planner, side);
    const auto sampler = samplingActor(s, Role::sampler, side);
    const auto office = s.organisation(TestService::office(side));
    const int y = static_cast<int>(std::chrono::year_month_day{wf::beijing_day(
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))}.year());
    const std::string ys = std::to_string(y);
    auto plan = must(wf::create_plan(*s.database(), planner,
                                     {"MATRIX-" + n, "matrix", y, ys + "-01-01", ys + "-12-31",
                                      {{office.id, "drug", "", 5, ys + "-12-31"}}}), "plan");
    auto tasks = must(wf::publish_plan(*s.database(), planner, plan.code, plan.version), "publish");
    auto task = must(wf::start_task(*s.database(), sampler, tasks.at(0).number, tasks.at(0).version), "start");
    auto code = [](const std::string& stem) {
        const std::string first17 = "91310101" + stem;
        return first17 + *domain::CreditCode::check_character_for(first17);
    };
    wf::RegistrationRequest r;
    r.task_number = task.number;
    r.entity = {"Pharmacy", code("MA1FL0001"), "pharmacy", ""};
    r.product = {std::nullopt, "Amoxicillin capsules", "drug", "", "", "", "Maker Co.", code("MA1FL0002")};
    r.batch_number = "B1";
    r.production_date = "2025-01-15";
    r.quantity = "6";
    r.unit = "box";
    r.test_quantity = "4";
    r.retained_quantity = "2";
    r.storage_condition = "ambient";
    r.seal_numbers = {"MATRIX-" + n + "-1"};
    r.sampler_user_ids = {*sampler.user_id, s.userId(std::string("sampler2") + (side == Jurisdiction::A ? "_a" : "_b"))};
    r.sampled_at = wf::format_utc_seconds(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
                                          std::chrono::hours(1));
    r.sampling_place = "shelf";
    if (online) {
        r.online = wf::OnlinePurchase{"Platform", code("MA1FL0003"), "", "Shop", "https://shop.example.com/", "310101",
                                      "", "ORDER-" + n, "Office", std::nullopt};
        r.field.purchase_price = "36.50";
        r.field.payment_method = "platform_order";
    }
    auto sample = must(wf::register_sample(*s.database(), sampler, r), "register");
    auto shipment = must(wf::create_shipment(*s.database(), sampler,
                                             {{sample.number}, s.organisationId(TestService::laboratory(side)), "SF", std::nullopt}),
                         "shipment");
    return {plan.code, task.number, sample.number, shipment.number};
}

// ---- evidence (sample_evidence_routes.cpp): a JPEG's first bytes, attached by a user of `side`.
const std::string kRecipeJpeg = std::string("\xFF\xD8\xFF\xE0recipe", 10);

Poco::JSON::Object::Ptr attachmentBody(const char* purpose) {
    Poco::JSON::Object::Ptr b = new Poco::JSON::Object;
    b->set("purpose", purpose);
    b->set("content_base64", "/9j/4HJlY2lwZQ==");  // kRecipeJpeg
    return b;
}

std::string attached(TestService& s, Jurisdiction side, workflow::evidence::AttachmentOwner owner, const std::string& number,
                     Role role, const char* purpose) {
    auto done = workflow::evidence::attach(*s.database(), samplingActor(s, role, side), owner, number,
                                           {purpose, "recipe.jpg", kRecipeJpeg, ""}, 1024);
    if (!done) throw std::runtime_error("evidence recipe: " + done.error().message);
    return done->sha256;
}

Poco::JSON::Object::Ptr deliveryBody() {
    Poco::JSON::Object::Ptr b = new Poco::JSON::Object;
    b->set("carrier", "SF");
    b->set("tracking_number", "SF1");
    return b;
}

Poco::JSON::Object::Ptr receiptBody() {
    Poco::JSON::Object::Ptr checklist = new Poco::JSON::Object;
    for (const char* k : {"seals_intact", "seal_numbers_match", "labels_match", "quantity_matches"}) checklist->set(k, true);
    checklist->set("package_condition", "good");
    Poco::JSON::Object::Ptr b = new Poco::JSON::Object;
    b->set("checklist", checklist);
    b->set("decision", "accept");
    return b;
}

Poco::JSON::Object::Ptr emptyBody() { return new Poco::JSON::Object; }

// Cold chain: a logger registered at the side's office (placement body: a storage unit of
// that office), an out-of-range alarm at a refrigerator of that office, a shipment it sends.
RouteRecord coldChainLoggerRecord(TestService& s, Jurisdiction side) {
    static std::atomic<int> n{0};
    const auto office = s.organisationId(TestService::office(side));
    const std::string serial = "TL-RECIPE-" + std::to_string(++n);
    auto logger = s.database()->write([&](store::Transaction& tx) {
        return store::ReadingRepository(tx).create_logger(serial, "sim", office, "recipe");
    });
    if (!logger) throw std::runtime_error(logger.error().message);
    auto body = api::newObject();
    body->set("storage_unit_id", 1);
    body->set("from_utc", 1772409600);
    return RouteRecord{{{"id", std::to_string(logger->id)}}, body};
}

// ---- excursion rules (coldchain_rule_routes.cpp): a storage unit of the side's office.
RouteRecord coldChainRuleUnitRecord(TestService& s, Jurisdiction side) {
    namespace cc = lims::workflow::coldchain;
    static std::atomic<int> n{0};
    store::StorageUnitRow u;
    u.code = "RECIPE-R" + std::to_string(++n);
    u.org_id = s.organisationId(TestService::office(side));
    u.name = "refrigerator";
    u.kind = "refrigerator";
    u.storage_class = "refrigerated";
    u.min_centi_celsius = 200;
    u.max_centi_celsius = 800;
    auto created = cc::register_storage_unit(*s.database(), u, "recipe");
    if (!created) throw std::runtime_error(created.error().message);
    return RouteRecord{{{"id", std::to_string(created->id)}}, bodyOf({{"reason", "recipe"}})};
}

// ---- notifications (notification_routes.cpp, coldchain_contact_routes.cpp): a notice to
// the side's bureau (whose people have it among their notifications), a bureau's notice
// contact, a storage unit with its site's contact.
std::int64_t notificationNotice(TestService& s, Jurisdiction side) {
    static std::atomic<int> n{0};
    const std::string number = "TZ-RECIPE-" + std::to_string(++n);
    const auto bureau = s.organisationId(TestService::bureau(side));
    Poco::Int64 id = 0;
    auto made = s.database()->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.session() << "INSERT INTO notices (number, recipient, to_org_id, state, due_at, version, created_at, "
                        "updated_at) VALUES ($1, 'organising_bureau', $2, 'sent', '2099-01-01T00:00:00.000Z', 1, $3, $4) "
                        "RETURNING id",
            Poco::Data::Keywords::bind(number), Poco::Data::Keywords::bind(bureau), Poco::Data::Keywords::bind(tx.now_utc()),
            Poco::Data::Keywords::bind(tx.now_utc()), Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
        return store::Done{};
    });
    if (!made) throw std::runtime_error(made.error().message);
    return id;
}

Poco::JSON::Object::Ptr orgContactBody() {
    return bodyOf({{"role", "notices"}, {"name", "recipe contact"}, {"email", "recipe@bureau.example"}});
}

RouteRecord orgContactRecord(TestService& s, Jurisdiction side) {
    const auto bureau = s.organisationId(TestService::bureau(side));
    Poco::Int64 id = 0;
    auto made = s.database()->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.session() << "INSERT INTO organisation_contacts (org_id, role, name, email, created_by, created_at) VALUES "
                        "($1, 'notices', 'recipe contact', 'recipe@bureau.example', 'recipe', $2) RETURNING id",
            Poco::Data::Keywords::bind(bureau), Poco::Data::Keywords::bind(tx.now_utc()), Poco::Data::Keywords::into(id),
            Poco::Data::Keywords::now;
        return store::Done{};
    });
    if (!made) throw std::runtime_error(made.error().message);
    return RouteRecord{{{"id", std::to_string(id)}}, orgContactBody()};
}

RouteRecord unitContactRecord(TestService& s, Jurisdiction side, bool unit) {
    namespace cc = lims::workflow::coldchain;
    static std::atomic<int> n{0};
    const auto office = s.organisationId(TestService::office(side));
    store::StorageUnitRow u;
    u.code = "RECIPE-C" + std::to_string(++n);
    u.org_id = office;
    u.name = "refrigerator";
    u.kind = "refrigerator";
    u.storage_class = "refrigerated";
    u.min_centi_celsius = 200;
    u.max_centi_celsius = 800;
    auto created = cc::register_storage_unit(*s.database(), u, "recipe");
    if (!created) throw std::runtime_error(created.error().message);
    store::ContactRow c;
    c.org_id = office;
    c.name = "recipe contact";
    c.email = "duty@example.org";
    auto contact = cc::add_site_contact(*s.database(), c, "recipe");
    if (!contact) throw std::runtime_error(contact.error().message);
    if (unit) return RouteRecord{{{"id", std::to_string(created->id)}}, nullptr};
    auto body = bodyOf({{"name", "recipe contact (changed)"}});
    return RouteRecord{{{"id", std::to_string(contact->id)}}, body};
}

RouteRecord coldChainAlarmRecord(TestService& s, Jurisdiction side) {
    namespace cc = lims::workflow::coldchain;
    static std::atomic<int> n{0};
    const int k = ++n;
    const auto office = s.organisationId(TestService::office(side));
    auto logger = coldChainLoggerRecord(s, side);
    const std::int64_t logger_id = std::stoll(logger.params.at("id"));
    std::string serial;
    (void)s.database()->read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        tx.session() << "SELECT serial FROM loggers WHERE id = $1", Poco::Data::Keywords::bind(logger_id),
            Poco::Data::Keywords::into(serial), Poco::Data::Keywords::now;
        return store::Done{};
    });
    store::StorageUnitRow unit;
    unit.code = "RECIPE-F" + std::to_string(k);
    unit.org_id = office;
    unit.name = "refrigerator";
    unit.kind = "refrigerator";
    unit.storage_class = "refrigerated";
    unit.min_centi_celsius = 200;
    unit.max_centi_celsius = 800;
    auto created = cc::register_storage_unit(*s.database(), unit, "recipe");
    if (!created) throw std::runtime_error(created.error().message);
    for (int i = 0; i < 3; ++i) {
        store::ContactRow c;
        c.org_id = office;
        c.name = "recipe contact";
        c.email = "duty@example.org";
        if (!cc::add_site_contact(*s.database(), c, "recipe")) throw std::runtime_error("contact refused");
    }
    const std::int64_t t0 = 1772409600;
    if (!cc::place_logger(*s.database(), {logger_id, created->id, std::nullopt, t0}, t0))
        throw std::runtime_error("placement refused");
    std::vector<cc::IncomingReading> spike;
    for (int i = 1; i <= 6; ++i) spike.push_back({serial, t0 + i * 120, 1200, std::nullopt});
    if (!cc::ingest_readings(*s.database(), spike, t0 + 720)) throw std::runtime_error("ingest refused");
    std::int64_t alarm = 0;
    (void)s.database()->read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        Poco::Int64 id = 0;
        tx.session() << "SELECT max(id) FROM coldchain_alarms WHERE logger_id = $1", Poco::Data::Keywords::bind(logger_id),
            Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
        alarm = id;
        return store::Done{};
    });
    auto body = api::newObject();
    body->set("note", "door closed, stock checked");
    return RouteRecord{{{"id", std::to_string(alarm)}}, body};
}

RouteRecord coldChainShipmentRecord(TestService& s, Jurisdiction side) {
    static std::atomic<int> n{0};
    const auto office = s.organisationId(TestService::office(side));
    const auto lab = s.organisationId(TestService::laboratory(side));
    const std::string number = "S-RECIPE-" + std::to_string(++n);
    std::int64_t shipment = 0;
    auto done = s.database()->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        const std::string at = tx.now_utc();
        Poco::Int64 id = 0;
        tx.session() << "INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) VALUES "
                        "($1, $2, $3, 'in_transit', $4, $4) RETURNING id",
            Poco::Data::Keywords::bind(number), Poco::Data::Keywords::bind(office), Poco::Data::Keywords::bind(lab),
            Poco::Data::Keywords::bind(at), Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
        shipment = id;
        return store::Done{};
    });
    if (!done) throw std::runtime_error(done.error().message);
    auto body = api::newObject();
    body->set("storage_unit_id", 1);
    body->set("at_utc", 1772409600);
    return RouteRecord{{{"id", std::to_string(shipment)}}, body};
}

// ---- ingest (ingest_routes.cpp): an instrument of the side's laboratory with one mapping;
// one message from it whose observation names no known specimen, so the ingest use case
// stores the raw message and quarantines the observation (org: the instrument's lab).
struct IngestRecord {
    std::string instrument_code;
    std::int64_t mapping_id = 0, raw_message_id = 0, quarantine_id = 0;
};

IngestRecord ingestRecord(TestService& s, Jurisdiction side) {
    static std::atomic<int> serial{0};
    const std::string n = std::to_string(++serial);
    IngestRecord r;
    r.instrument_code = std::string("RECIPE-HPLC-") + (side == Jurisdiction::A ? "A" : "B") + n;
    auto made = s.database()->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        store::InstrumentRepository instruments(tx);
        auto i = instruments.create({r.instrument_code, s.organisationId(TestService::laboratory(side)), "HPLC", "hl7",
                                     "tcp_listen", "", true},
                                    "recipe");
        if (!i) return i.error();
        auto m = instruments.create_mapping(i->id, {"ASSAY-" + n, "ASSAY", "", "", "1", "0", true}, "recipe");
        if (!m) return m.error();
        r.mapping_id = m->id;
        return store::Done{};
    });
    if (!made) throw std::runtime_error("ingest recipe: instrument: " + made.error().message);
    workflow::ingest::IncomingMessage message;
    message.instrument_code = r.instrument_code;
    message.protocol = "hl7";
    message.raw = "MSH|^~\\&|RECIPE|" + r.instrument_code + "\r";  // unique bytes: not a duplicate
    message.received_at = std::chrono::system_clock::now();
    protocols::Observation o;
    o.specimen_id = "NO-SUCH-SPECIMEN-" + n;
    o.test_code = "ASSAY-" + n;
    o.value = "99.1";
    o.number = "99.1";
    o.status = "F";
    message.observations.push_back(o);
    auto receipt = workflow::ingest::ingest_message(*s.database(), message, "system:recipe");
    if (!receipt) throw std::runtime_error("ingest recipe: message: " + receipt.error().message);
    if (receipt->quarantine_ids.empty()) throw std::runtime_error("ingest recipe: the observation was not quarantined");
    r.raw_message_id = receipt->raw_message_id;
    r.quarantine_id = receipt->quarantine_ids.front();
    return r;
}

Poco::JSON::Object::Ptr instrumentBody(const std::string& code, Jurisdiction side) {
    auto body = api::newObject();
    body->set("code", code);
    body->set("organisation_code", TestService::laboratory(side));
    body->set("name", "HPLC (renamed)");
    body->set("family", "hl7");
    body->set("transport", "tcp_listen");
    return body;
}

Poco::JSON::Object::Ptr mappingBody(const std::string& instrument_test_code) {
    auto body = api::newObject();
    body->set("instrument_test_code", instrument_test_code);
    body->set("test_code", "ASSAY");
    return body;
}

// A risk of the side's city bureau with one item (the risk ledger, risk_routes.cpp).
RouteRecord riskRecord(TestService& s, Jurisdiction side) {
    const auto bureau = s.organisation(TestService::bureau(side));
    const std::string planner = TestService::username(Role::planner, side);
    workflow::Actor actor{s.userId(planner), planner, {Role::planner}, bureau.id, bureau.path};
    workflow::figures::RiskRequest request{"风险", "", "风险会商", std::nullopt, std::nullopt, {{"约谈", std::nullopt, std::nullopt}}};
    auto risk = workflow::figures::create_risk(*s.database(), actor, request);
    if (!risk) throw std::runtime_error("risk recipe: " + risk.error().message);
    auto body = api::newObject();
    body->set("position", 1);
    body->set("evidence", "约谈记录");
    return RouteRecord{{{"number", risk->number}}, body};
}

}  // namespace

const std::map<std::string, RouteRecipe>& routeRecipes() {
    static const std::map<std::string, RouteRecipe> recipes{
        // ---- administration (admin_routes.cpp, auth_routes.cpp) ------------------------------
        {"/api/v1/organisations/{id}",
         {[](TestService& s, Jurisdiction side) {
              auto body = api::newObject();
              body->set("name", "Supervision office (renamed)");
              body->set("active", true);
              return RouteRecord{{{"id", std::to_string(s.organisationId(TestService::office(side)))}}, body};
          }}},
        {"/api/v1/users/{id}",
         {[](TestService& s, Jurisdiction side) {
              auto body = api::newObject();  // PUT: the sampler, unchanged
              body->set("display_name", TestService::username(Role::sampler, side));
              Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
              roles->add(std::string("sampler"));
              body->set("roles", roles);
              body->set("active", true);
              return RouteRecord{{{"id", std::to_string(s.userId(TestService::username(Role::sampler, side)))}}, body};
          }}},
        {"/api/v1/users/{id}/password",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(s.userId(TestService::username(Role::bureau_viewer, side)))}},
                                 bodyOf({{"new_password", TestService::kPassword}})};
          }}},
        {"/api/v1/auth/users/{id}/revoke",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(s.userId(TestService::username(Role::bureau_viewer, side)))}},
                                 nullptr};
          }}},
        // ---- notifications (notification_routes.cpp, coldchain_contact_routes.cpp) ------------
        {"/api/v1/notifications/{source}/{id}",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"source", "notice"}, {"id", std::to_string(notificationNotice(s, side))}}, nullptr};
          }}},
        {"/api/v1/notifications/{source}/{id}/read",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"source", "notice"}, {"id", std::to_string(notificationNotice(s, side))}}, nullptr};
          }}},
        {"/api/v1/notifications/{source}/{id}/acknowledgement",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"source", "notice"}, {"id", std::to_string(notificationNotice(s, side))}},
                                 bodyOf({{"note", "recipe"}})};
          }}},
        {"/api/v1/notices/{id}/deliveries",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(notificationNotice(s, side))}}, nullptr};
          }}},
        {"/api/v1/organisations/{id}/contacts",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(s.organisationId(TestService::bureau(side)))}}, orgContactBody()};
          }}},
        {"/api/v1/organisation-contacts/{id}", {orgContactRecord}},
        {"/api/v1/coldchain/storage-units/{id}/contacts",
         {[](TestService& s, Jurisdiction side) { return unitContactRecord(s, side, true); }}},
        {"/api/v1/coldchain/contacts/{id}", {[](TestService& s, Jurisdiction side) { return unitContactRecord(s, side, false); }}},
        // ---- cold chain (coldchain_routes.cpp) -------------------------------------------------
        {"/api/v1/coldchain/storage-units/{id}/excursion-rules", {coldChainRuleUnitRecord}},
        {"/api/v1/coldchain/product-classes/{product_class}/{storage_class}/excursion-rules",
         {[](TestService&, Jurisdiction) {
              return RouteRecord{{{"product_class", "vaccine"}, {"storage_class", "refrigerated"}},
                                 bodyOf({{"reason", "recipe"}})};
          },
          true}},
        {"/api/v1/coldchain/loggers/{id}/placements", {coldChainLoggerRecord}},
        {"/api/v1/coldchain/loggers/{id}/readings", {coldChainLoggerRecord}},
        {"/api/v1/coldchain/loggers/{id}/recording-gaps", {coldChainLoggerRecord}},
        {"/api/v1/coldchain/alarms/{id}/acknowledgement", {coldChainAlarmRecord}},
        {"/api/v1/coldchain/shipments/{id}/transport-box", {coldChainShipmentRecord}},
        {"/api/v1/coldchain/shipments/{id}/verdict", {coldChainShipmentRecord}},
        {"/api/v1/regulated-entities/{id}", {entityRecord}},
        {"/api/v1/products/{id}",
         {[](TestService& s, Jurisdiction) { return RouteRecord{{{"id", std::to_string(makeProduct(s).id)}}, productBody()}; },
          true}},
        {"/api/v1/products/{id}/focus-tags",
         {[](TestService& s, Jurisdiction) {
              auto body = api::newObject();
              Poco::JSON::Array::Ptr tags = new Poco::JSON::Array;
              tags->add("vaccine");
              body->set("focus_tags", tags);
              return RouteRecord{{{"id", std::to_string(makeProduct(s).id)}}, body};
          },
          true}},
        {"/api/v1/risks/{number}", {riskRecord}},
        {"/api/v1/risks/{number}/item-closures", {riskRecord}},
        {"/api/v1/products/{id}/specification-lines",
         {[](TestService& s, Jurisdiction) { return RouteRecord{{{"id", std::to_string(makeProduct(s).id)}}, specBody()}; },
          true}},
        {"/api/v1/specification-lines/{id}",
         {[](TestService& s, Jurisdiction) {
              const auto product = makeProduct(s);
              workflow::admin::SpecificationInput in{"ASSAY", "含量测定", "90.0–110.0", "%", std::nullopt, "ChP 2025"};
              auto line = workflow::admin::createSpecificationLine(*s.database(), product.id, in, "system:test");
              if (!line) throw std::runtime_error("recipe: specification line: " + line.error().message);
              return RouteRecord{{{"id", std::to_string(line->id)}}, specBody()};
          },
          true}},
        // ---- sampling (sampling_routes.cpp) ---------------------------------------------------
        {"/api/v1/sampling-plans/{code}",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"code", samplingRecord(s, side).plan_code}}, nullptr}; }}},
        {"/api/v1/sampling-plans/{code}/publish",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"code", samplingRecord(s, side).plan_code}}, nullptr}; }}},
        {"/api/v1/tasks/{number}",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", samplingRecord(s, side).task_number}}, nullptr}; }}},
        {"/api/v1/tasks/{number}/start",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", samplingRecord(s, side).task_number}}, nullptr}; }}},
        {"/api/v1/samples/{number}",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", samplingRecord(s, side).sample_number}}, nullptr}; }}},
        {"/api/v1/samples/{number}/custody",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", samplingRecord(s, side).sample_number}}, nullptr}; }}},
        {"/api/v1/samples/{number}/receipt",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", samplingRecord(s, side).sample_number}}, receiptBody()};
          }}},
        {"/api/v1/samples/{number}/product",
         {[](TestService& s, Jurisdiction side) {
              Poco::JSON::Object::Ptr link = new Poco::JSON::Object;
              link->set("product_id", 1);
              return RouteRecord{{{"number", samplingRecord(s, side).sample_number}}, link};
          }}},
        // ---- evidence and online purchases (sample_evidence_routes.cpp) ---------------------------
        {"/api/v1/samples/{number}/attachments",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", samplingRecord(s, side).sample_number}}, attachmentBody("on_site_photo")};
          }}},
        {"/api/v1/samples/{number}/attachments/{sha256}",
         {[](TestService& s, Jurisdiction side) {
              const auto number = samplingRecord(s, side).sample_number;
              return RouteRecord{{{"number", number},
                                  {"sha256", attached(s, side, workflow::evidence::AttachmentOwner::sample, number,
                                                      Role::sampler, "on_site_photo")}},
                                 nullptr};
          }}},
        {"/api/v1/samples/{number}/delivery",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", samplingRecord(s, side, true).sample_number}}, deliveryBody()};
          }}},
        {"/api/v1/case-leads/{number}/attachments",
         {[](TestService& s, Jurisdiction side) { return reviewLead(s, side, attachmentBody("lead_evidence")); }}},
        {"/api/v1/case-leads/{number}/attachments/{sha256}",
         {[](TestService& s, Jurisdiction side) {
              auto lead = reviewLead(s, side, nullptr);
              lead.params["sha256"] = attached(s, side, workflow::evidence::AttachmentOwner::case_lead,
                                               lead.params.at("number"), Role::enforcement_officer, "lead_evidence");
              return lead;
          }}},
        {"/api/v1/shipments/{number}",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", samplingRecord(s, side).shipment_number}}, nullptr}; }}},
        {"/api/v1/shipments/{number}/dispatch",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", samplingRecord(s, side).shipment_number}}, emptyBody()};
          }}},
        {"/api/v1/shipments/{number}/arrive",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", samplingRecord(s, side).shipment_number}}, emptyBody()};
          }}},
        {"/api/v1/shipments/{number}/transport-box",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", samplingRecord(s, side).shipment_number}}, nullptr}; }}},
        // ---- review (review_routes.cpp) ------------------------------------------------------------
        {"/api/v1/tests/{id}", {[](TestService& s, Jurisdiction side) { return reviewTest(s, side, nullptr); }}},
        {"/api/v1/tests/{id}/results",
         {[](TestService& s, Jurisdiction side) { return reviewTest(s, side, bodyOf({{"value", "99.1"}, {"unit", "%"}})); }}},
        {"/api/v1/tests/{id}/review",
         {[](TestService& s, Jurisdiction side) {
              return reviewTest(s, side, bodyOf({{"decision", "reject"}, {"reason", "recipe"}}));
          }}},
        {"/api/v1/tests/{id}/verify",
         {[](TestService& s, Jurisdiction side) { return reviewTest(s, side, bodyOf({{"password", "recipe"}})); }}},
        {"/api/v1/samples/{number}/reports", {[](TestService& s, Jurisdiction side) { return reviewSample(s, side, nullptr); }}},
        {"/api/v1/samples/{number}/reinspection",
         {[](TestService& s, Jurisdiction side) {
              return reviewSample(s, side,
                                  bodyOf({{"applicant", "sampled_unit"},
                                          {"applicant_name", "Pharmacy"},
                                          {"report_received_at", "2026-03-14T02:00:00Z"}}));
          },
          false,
          // The same sample with a re-inspection registered against its report.
          [](TestService& s, Jurisdiction side) {
              using documents_seed::q;
              RouteRecord r = reviewSample(s, side, nullptr);
              const std::string sample = "(SELECT id FROM samples WHERE number = " + q(r.params.at("number")) + ")";
              documents_seed::exec(
                  *s.database(),
                  "INSERT INTO reinspections (sample_id, original_report_id, applicant_kind, applicant_name, "
                  "report_received_at, applied_at, deadline_at, state, created_at, updated_at) SELECT " + sample +
                      ", max(id), 'sampled_unit', 'Pharmacy', " + documents_seed::kStamp + ", " + documents_seed::kStamp +
                      ", '2026-03-25T16:00:00.000Z', 'in_testing', " + documents_seed::kStamp + ", " +
                      documents_seed::kStamp + " FROM reports WHERE sample_id = " + sample +
                      " AND NOT EXISTS (SELECT 1 FROM reinspections WHERE sample_id = " + sample + ")");
              return r;
          }}},
        {"/api/v1/samples/{number}/reinspection/refusal",
         {[](TestService& s, Jurisdiction side) {
              // The sample with a re-inspection application recorded (round 2 open), not yet
              // handed over: what the receiver may refuse (不予受理).
              auto r = routeRecipes().at("/api/v1/samples/{number}/reinspection").readable(s, side);
              documents_seed::exec(*s.database(), "UPDATE samples SET state = 'in_reinspection' WHERE number = " +
                                                      documents_seed::q(r.params.at("number")));
              r.body = bodyOf({{"reason", "recipe"}});
              return r;
          }}},
        {"/api/v1/samples/{number}/reinspection/handover",
         {[](TestService& s, Jurisdiction side) {
              auto body = bodyOf({{"received_by", "recipe"}});
              Poco::JSON::Array::Ptr seals = new Poco::JSON::Array;
              seals->add("recipe-seal");
              body->set("seal_numbers", seals);
              body->set("seals_intact", true);
              return reviewSample(s, side, body);
          }}},
        {"/api/v1/reports/{number}", {[](TestService& s, Jurisdiction side) { return reviewReport(s, side, nullptr); }}},
        {"/api/v1/reports/{number}/approve",
         {[](TestService& s, Jurisdiction side) { return reviewReport(s, side, bodyOf({{"password", "recipe"}})); }}},
        {"/api/v1/reports/{number}/issue",
         {[](TestService& s, Jurisdiction side) { return reviewReport(s, side, api::newObject()); }}},
        {"/api/v1/notices/{id}/acknowledge",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", reviewRecord(s, side).notice_id}}, bodyOf({{"reference", "recipe"}})};
          }}},
        {"/api/v1/case-leads/{number}", {[](TestService& s, Jurisdiction side) { return reviewLead(s, side, nullptr); }}},
        {"/api/v1/case-leads/{number}/steps",
         {[](TestService& s, Jurisdiction side) { return reviewLead(s, side, bodyOf({{"action", "accept"}})); }}},
        {"/api/v1/case-leads/{number}/extension",
         {[](TestService& s, Jurisdiction side) { return reviewLead(s, side, bodyOf({{"approval", "recipe"}})); }}},
        // ---- cases (case_routes.cpp) -------------------------------------------------------------
        {"/api/v1/cases/{number}", {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, nullptr); }}},
        {"/api/v1/cases/{number}/pause",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, bodyOf({{"reason", "testing"}})); }}},
        {"/api/v1/cases/{number}/resume",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, api::newObject()); }}},
        {"/api/v1/cases/{number}/extension",
         {[](TestService& s, Jurisdiction side) {
              return reviewCase(s, side, bodyOf({{"reason", "recipe"}, {"approver", "recipe"}}));
          }}},
        {"/api/v1/cases/{number}/measures",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, bodyOf({{"kind", "recall"}})); }}},
        {"/api/v1/cases/{number}/measures/{id}/extension",
         {[](TestService& s, Jurisdiction side) {
              return reviewCase(s, side, bodyOf({{"reason", "recipe"}, {"approver", "recipe"}}), true);
          }}},
        {"/api/v1/cases/{number}/measures/{id}/pause",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, bodyOf({{"reason", "testing"}}), true); }}},
        {"/api/v1/cases/{number}/measures/{id}/resume",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, nullptr, true); }}},
        {"/api/v1/cases/{number}/measures/{id}/end",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, bodyOf({{"result", "lifted"}}), true); }}},
        {"/api/v1/cases/{number}/transfer",
         {[](TestService& s, Jurisdiction side) { return reviewCase(s, side, bodyOf({{"grounds", "recipe"}})); }}},
        {"/api/v1/cases/{number}/transfer/decision",
         {[](TestService& s, Jurisdiction side) {
              return reviewCase(s, side, bodyOf({{"decision", "approve"}, {"approver", "recipe"}}));
          }}},
        {"/api/v1/cases/{number}/transfer/handover",
         {[](TestService& s, Jurisdiction side) {
              return reviewCase(s, side, bodyOf({{"police_body", "recipe"}, {"reference", "recipe"}}));
          }}},
        {"/api/v1/cases/{number}/outcome",
         {[](TestService& s, Jurisdiction side) {
              return reviewCase(s, side, bodyOf({{"kind", "withdrawn"}, {"approval", "recipe"}, {"reason", "recipe"}}));
          }}},
        // ---- documents (document_routes.cpp) ---------------------------------------------------
        {"/api/v1/reports/{number}/pdf",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", documentRecord(s, side).report_number}}, nullptr};
          }}},
        {"/api/v1/samples/{number}/sampling-record.pdf",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", documentRecord(s, side).sample_number}}, nullptr};
          }}},
        // ---- service of documents (service_routes.cpp) ------------------------------------------
        {"/api/v1/reports/{number}/services",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", documentRecord(s, side).report_number}}, serviceBody()};
          }}},
        {"/api/v1/document-services/{number}",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", serviceRecord(s, side)}}, nullptr}; }}},
        {"/api/v1/document-services/{number}/receipt.pdf",
         {[](TestService& s, Jurisdiction side) { return RouteRecord{{{"number", serviceRecord(s, side)}}, nullptr}; }}},
        {"/api/v1/document-services/{number}/evidence",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", serviceRecord(s, side)}},
                                 bodyOf({{"served_on", "2026-03-16"}, {"signed_by", "王店长"}})};
          }}},
        // ---- publication and the national platform (publication_routes.cpp) -------------------------
        {"/api/v1/publication-lists/{number}",
         {[](TestService& s, Jurisdiction side) { return publicationRoute(s, side, ListStage::draft, nullptr); }}},
        {"/api/v1/publication-lists/{number}/list.pdf",
         {[](TestService& s, Jurisdiction side) { return publicationRoute(s, side, ListStage::draft, nullptr); }}},
        {"/api/v1/publication-lists/{number}/list.csv",
         {[](TestService& s, Jurisdiction side) { return publicationRoute(s, side, ListStage::released, nullptr); }}},
        {"/api/v1/publication-lists/{number}/list.xlsx",
         {[](TestService& s, Jurisdiction side) { return publicationRoute(s, side, ListStage::released, nullptr); }}},
        {"/api/v1/publication-lists/{number}/review",
         {[](TestService& s, Jurisdiction side) {
              return publicationRoute(s, side, ListStage::draft,
                                      bodyOf({{"decision", "reviewed"}, {"password", TestService::kPassword}}));
          }}},
        {"/api/v1/publication-lists/{number}/release",
         {[](TestService& s, Jurisdiction side) {
              return publicationRoute(s, side, ListStage::reviewed, bodyOf({{"password", TestService::kPassword}}));
          }}},
        {"/api/v1/publication-lists/{number}/corrections",
         {[](TestService& s, Jurisdiction side) {
              return publicationRoute(s, side, ListStage::released, bodyOf({{"reason", "更正"}}));
          }}},
        {"/api/v1/samples/{number}/platform-numbers",
         {[](TestService& s, Jurisdiction side) {
              static std::atomic<int> made{0};
              const std::string number = "YPRCP" + std::to_string(++made) + (side == Jurisdiction::A ? "A" : "B");
              return RouteRecord{{{"number", documentRecord(s, side).sample_number}},
                                 bodyOf({{"platform", "nmpa_drug"}, {"platform_number", number.c_str()}})};
          }}},
        // ---- ingest (ingest_routes.cpp) -----------------------------------------------------------
        {"/api/v1/instruments/{code}",
         {[](TestService& s, Jurisdiction side) {
              const auto r = ingestRecord(s, side);
              return RouteRecord{{{"code", r.instrument_code}}, instrumentBody(r.instrument_code, side)};
          }}},
        {"/api/v1/instruments/{code}/mappings",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"code", ingestRecord(s, side).instrument_code}}, mappingBody("RECIPE-NEW")};
          }}},
        {"/api/v1/instruments/{code}/mappings/{id}",
         {[](TestService& s, Jurisdiction side) {
              const auto r = ingestRecord(s, side);
              return RouteRecord{{{"code", r.instrument_code}, {"id", std::to_string(r.mapping_id)}},
                                 mappingBody("RECIPE-RENAMED")};
          }}},
        {"/api/v1/quarantine/{id}",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(ingestRecord(s, side).quarantine_id)}}, nullptr};
          }}},
        {"/api/v1/quarantine/{id}/assign",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(ingestRecord(s, side).quarantine_id)}},
                                 bodyOf({{"sample_number", "NO-SUCH-SAMPLE"}, {"test_code", "ASSAY"}})};
          }}},
        {"/api/v1/quarantine/{id}/discard",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(ingestRecord(s, side).quarantine_id)}},
                                 bodyOf({{"reason", "recipe: instrument test run"}})};
          }}},
        {"/api/v1/raw-messages/{id}",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(ingestRecord(s, side).raw_message_id)}}, nullptr};
          }}},
        {"/api/v1/coldchain/loggers/{id}",
         {[](TestService& s, Jurisdiction side) {
              auto r = coldChainLoggerRecord(s, side);
              r.body = api::newObject();
              r.body->set("model", "sim-2");
              r.body->set("organisation_code", TestService::office(side));
              return r;
          }}},
        {"/api/v1/coldchain/loggers/{id}/polling",
         {[](TestService& s, Jurisdiction side) {
              auto r = coldChainLoggerRecord(s, side);
              store::LoggerPollingFields polling;
              polling.transport = "modbus_tcp";
              polling.address = "127.0.0.1:1502";
              polling.map_file = "maps/fl20.json";
              auto set = s.database()->write([&](store::Transaction& tx) {
                  return store::LoggerPollingRepository(tx).put(std::stoll(r.params.at("id")), std::nullopt, polling,
                                                                "recipe");
              });
              if (!set) throw std::runtime_error(set.error().message);
              r.body = bodyOf({{"transport", "modbus_tcp"}, {"address", "127.0.0.1:1502"}, {"map_file", "maps/fl20.json"}});
              return r;
          }}},
    };
    return recipes;
}

std::vector<std::string> patternParameters(const std::string& pattern) {
    std::vector<std::string> names;
    for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{', open + 1)) {
        names.push_back(pattern.substr(open + 1, pattern.find('}', open) - open - 1));
    }
    return names;
}

std::string fillPattern(const std::string& pattern, const std::map<std::string, std::string>& params) {
    std::string out = pattern;
    for (const auto& name : patternParameters(pattern)) {
        auto it = params.find(name);
        const std::string value = it == params.end() ? "1" : it->second;
        const std::string token = "{" + name + "}";
        out.replace(out.find(token), token.size(), value);
    }
    return out;
}

std::string missingRecipeMessage(const std::string& method, const std::string& pattern) {
    return "no recipe for " + method + " " + pattern +
           ": the route owner adds an entry to routeRecipes() in tests/support/route_recipes.cpp that creates a "
           "record in jurisdiction A or B and returns its path parameters (and a valid body for PUT/POST), or marks "
           "the pattern shared reference data; see the header for the shape";
}

}  // namespace lims::test
