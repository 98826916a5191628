#include "lims/workflow/admin/reference_data.hpp"

#include "lims/domain/identifiers/approval_number.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/domain/identifiers/region_code.hpp"
#include "lims/domain/judgement/limit.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/transaction.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::admin {

namespace {

using domain::Error;
using domain::Result;
using store::Transaction;

Error invalid(const std::string& field, std::string message) {
    return domain::errors::invalid(field, std::string(kInvalidPrefix) + field, std::move(message));
}
Error notFound(const std::string& what) {
    return domain::errors::not_found(std::string(kNotFound), what + " does not exist");
}
Error stale(const std::string& what, std::int64_t current, std::int64_t given) {
    return domain::errors::stale(std::string(kStaleVersion), what + " is at version " + std::to_string(current) +
                                                                 ", not " + std::to_string(given));
}

// Products and specification lines are everyone's reference (every judgement reads them):
// only an administrator of the root organisation or of a province-level one (GB/T 2260
// code ending in 0000) writes them, not the administrator of a district laboratory.
Result<bool> catalogueOwner(Transaction& tx, const Actor* caller) {
    if (!caller) return true;  // the system's own seeding and imports
    if (!caller->roles.contains(domain::Role::administrator))
        return domain::errors::forbidden(std::string(kCatalogueOwner), "only an administrator writes the catalogue");
    std::vector<Poco::Nullable<Poco::Int64>> parent;
    std::vector<std::string> region;
    const Poco::Int64 org = caller->org_id.value_or(0);
    tx.session() << "SELECT parent_id, region_code FROM organisations WHERE id = $1", bind(org), into(parent),
        into(region), now;
    const bool root = !parent.empty() && parent.front().isNull();
    const bool province = !region.empty() && region.front().size() == 6 && region.front().ends_with("0000");
    if (!root && !province)
        return domain::errors::forbidden(std::string(kCatalogueOwner),
                                         "the product and specification catalogue is written by the province's "
                                         "administrators only; ask them to make this change");
    return true;
}

template <std::size_t N>
bool oneOf(const std::array<std::string_view, N>& values, const std::string& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

template <typename T>
Poco::Nullable<T> nullable(const std::optional<T>& v) {
    return v ? Poco::Nullable<T>(*v) : Poco::Nullable<T>();
}
template <typename T>
std::optional<T> optional(const Poco::Nullable<T>& v) {
    return v.isNull() ? std::nullopt : std::optional<T>(v.value());
}

// After an UPDATE ... WHERE version = expected touched no row: missing or stale.
Error missingOrStale(Transaction& tx, const std::string& table, const std::string& what, std::int64_t id,
                     std::int64_t given) {
    std::vector<Poco::Int64> versions;
    tx.session() << "SELECT version FROM " + table + " WHERE id = $1", bind(id), into(versions), now;
    if (versions.empty()) return notFound(what);
    return stale(what, versions.front(), given);
}

// ---- entities ----------------------------------------------------------------------------

using EntityRow = Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Nullable<std::string>, Poco::Int64,
                              std::string, std::string, std::string, Poco::Int64, std::string>;
constexpr const char* kSelectEntity =
    "SELECT e.id, e.name, e.kind, e.credit_code, e.jurisdiction_org_id, e.region_code, e.address, e.licence_number, "
    "e.version, o.path FROM regulated_entities e JOIN organisations o ON o.id = e.jurisdiction_org_id ";

EntityRecord entityFrom(const EntityRow& r) {
    EntityRecord out;
    out.entity = {r.get<0>(), r.get<1>(), r.get<2>(), optional(r.get<3>()), r.get<4>(), r.get<5>(),
                  r.get<6>(), r.get<7>(), r.get<8>()};
    out.jurisdictionPath = r.get<9>();
    return out;
}

Result<EntityRecord> loadEntity(Transaction& tx, std::int64_t id) {
    std::vector<EntityRow> rows;
    tx.session() << std::string(kSelectEntity) + "WHERE e.id = $1", bind(id), into(rows), now;
    if (rows.empty()) return notFound("regulated entity " + std::to_string(id));
    return entityFrom(rows.front());
}

Result<EntityInput> checkEntity(Transaction& tx, EntityInput in) {
    if (in.name.empty()) return invalid("name", "a regulated entity needs a name");
    if (!oneOf(kEntityKinds, in.kind)) return invalid("kind", "\"" + in.kind + "\" is not a kind of regulated entity");
    if (in.creditCode) {
        auto code = domain::CreditCode::parse(*in.creditCode);
        if (!code) return invalid("credit_code", code.error().message);
        in.creditCode = code->text();
    }
    auto region = domain::RegionCode::parse(in.regionCode);
    if (!region) return invalid("region_code", region.error().message);
    int orgs = 0;
    tx.session() << "SELECT count(*) FROM organisations WHERE id = $1", bind(in.jurisdictionOrgId), into(orgs), now;
    if (orgs == 0) {
        return invalid("jurisdiction_org_id", "organisation " + std::to_string(in.jurisdictionOrgId) + " does not exist");
    }
    return in;
}

// ---- products ------------------------------------------------------------------------------

using ProductRow = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, std::string, std::string,
                               Poco::Nullable<Poco::Int64>, std::string, std::string, Poco::Int64>;
constexpr const char* kSelectProduct =
    "SELECT id, name, category, dosage_form, specification, approval_number, manufacturer_entity_id, "
    "manufacturer_name, storage_class, version FROM products ";

domain::Product productFrom(const ProductRow& r) {
    return {r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(),
            r.get<5>(), optional(r.get<6>()), r.get<7>(), r.get<8>(), r.get<9>()};
}

Result<domain::Product> loadProduct(Transaction& tx, std::int64_t id) {
    std::vector<ProductRow> rows;
    tx.session() << std::string(kSelectProduct) + "WHERE id = $1", bind(id), into(rows), now;
    if (rows.empty()) return notFound("product " + std::to_string(id));
    return productFrom(rows.front());
}

Result<ProductInput> checkProduct(Transaction& tx, ProductInput in) {
    if (in.name.empty()) return invalid("name", "a product needs a name");
    if (!oneOf(kProductCategories, in.category)) return invalid("category", "\"" + in.category + "\" is not a product category");
    if (!oneOf(kStorageClasses, in.storageClass)) {
        return invalid("storage_class", "\"" + in.storageClass + "\" is not a storage class (ambient, cool, refrigerated, frozen)");
    }
    if (needsApprovalNumber(in.category)) {
        auto number = domain::ApprovalNumber::parse(in.approvalNumber);
        if (!number) return invalid("approval_number", number.error().message);
        in.approvalNumber = number->text();
    }
    if (in.manufacturerEntityId) {
        std::vector<std::string> kinds;
        tx.session() << "SELECT kind FROM regulated_entities WHERE id = $1", bind(*in.manufacturerEntityId), into(kinds), now;
        if (kinds.empty()) {
            return invalid("manufacturer_entity_id", "regulated entity " + std::to_string(*in.manufacturerEntityId) + " does not exist");
        }
        if (kinds.front() != "manufacturer") {
            return invalid("manufacturer_entity_id", "regulated entity " + std::to_string(*in.manufacturerEntityId) +
                                                         " is a " + kinds.front() + ", not a manufacturer");
        }
    }
    return in;
}

// ---- specification lines ------------------------------------------------------------------

using SpecRow = Poco::Tuple<Poco::Int64, Poco::Nullable<Poco::Int64>, std::string, std::string, std::string, std::string,
                            Poco::Nullable<std::string>, Poco::Nullable<std::string>, int, int,
                            Poco::Nullable<std::string>, std::string, int, Poco::Int64>;
constexpr const char* kSelectSpec =
    "SELECT id, product_id, standard_ref, test_code, test_name, limit_kind, lower_limit, upper_limit, lower_inclusive, "
    "upper_inclusive, expected_text, unit, decimal_places, version FROM specification_lines ";

domain::SpecificationLine specFrom(const SpecRow& r) {
    domain::SpecificationLine s;
    s.id = r.get<0>();
    s.product_id = optional(r.get<1>());
    s.standard_ref = r.get<2>();
    s.test_code = r.get<3>();
    s.test_name = r.get<4>();
    s.limit_kind = r.get<5>();
    s.lower_limit = optional(r.get<6>());
    s.upper_limit = optional(r.get<7>());
    s.lower_inclusive = r.get<8>() != 0;
    s.upper_inclusive = r.get<9>() != 0;
    s.expected_text = optional(r.get<10>());
    s.unit = r.get<11>();
    s.decimal_places = r.get<12>();
    s.version = r.get<13>();
    return s;
}

Result<domain::SpecificationLine> loadSpec(Transaction& tx, std::int64_t id) {
    std::vector<SpecRow> rows;
    tx.session() << std::string(kSelectSpec) + "WHERE id = $1", bind(id), into(rows), now;
    if (rows.empty()) return notFound("specification line " + std::to_string(id));
    return specFrom(rows.front());
}

// The columns a requirement becomes.
struct LimitColumns {
    std::string kind;
    std::optional<std::string> lower, upper, expected;
    bool lowerInclusive = true, upperInclusive = true;
    int precision = 0;
};

Result<LimitColumns> limitColumns(const SpecificationInput& in) {
    if (in.testCode.empty()) return invalid("test_code", "a specification line needs a test code");
    if (in.testName.empty()) return invalid("item", "a specification line needs the item it tests");
    if (in.basis.empty()) return invalid("basis", "a specification line needs the standard it comes from");
    const bool hasDigit = std::any_of(in.requirement.begin(), in.requirement.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
    if (in.requirement.empty()) return invalid("requirement", "a specification line needs its requirement");
    LimitColumns c;
    if (!hasDigit) {
        auto q = domain::Limit::qualitative({in.requirement});
        if (!q) return invalid("requirement", q.error().message);
        c.kind = "qualitative";
        c.expected = in.requirement;
        return c;
    }
    auto limit = domain::Limit::parse(in.requirement, in.precision);
    if (!limit) return invalid(limit.error().code == "limit.precision" ? "precision" : "requirement", limit.error().message);
    c.precision = limit->precision();
    switch (limit->kind()) {
        case domain::LimitKind::range:
            c.kind = "range";
            c.lower = limit->low().to_string();
            c.upper = limit->high().to_string();
            break;
        case domain::LimitKind::upper:
            c.kind = "upper";
            c.upper = limit->high().to_string();
            c.upperInclusive = limit->bound() == domain::Bound::inclusive;
            break;
        case domain::LimitKind::lower:
            c.kind = "lower";
            c.lower = limit->low().to_string();
            c.lowerInclusive = limit->bound() == domain::Bound::inclusive;
            break;
        case domain::LimitKind::qualitative:
            c.kind = "qualitative";
            c.expected = in.requirement;
            break;
    }
    return c;
}

}  // namespace

Result<bool> check_catalogue_owner(Transaction& tx, const Actor& caller) { return catalogueOwner(tx, &caller); }

bool needsApprovalNumber(std::string_view category) {
    return category == "drug" || category == "vaccine" || category == "biological";
}

bool entityVisible(const std::string& viewerPath, const std::string& jurisdictionPath) {
    return jurisdictionPath.rfind(viewerPath, 0) == 0 || viewerPath.rfind(jurisdictionPath, 0) == 0;
}

// ---- JSON for revisions and the audit trail --------------------------------------------------

std::string toJson(const domain::RegulatedEntity& e) {
    Poco::JSON::Object o;
    o.set("id", e.id);
    o.set("name", e.name);
    o.set("kind", e.kind);
    if (e.credit_code) o.set("credit_code", *e.credit_code);
    o.set("jurisdiction_org_id", e.jurisdiction_org_id);
    o.set("region_code", e.region_code);
    o.set("address", e.address);
    o.set("licence_number", e.licence_number);
    o.set("version", e.version);
    return stringify(o);
}

std::string toJson(const domain::Product& p) {
    Poco::JSON::Object o;
    o.set("id", p.id);
    o.set("name", p.name);
    o.set("category", p.category);
    o.set("dosage_form", p.dosage_form);
    o.set("specification", p.specification);
    o.set("approval_number", p.approval_number);
    if (p.manufacturer_entity_id) o.set("manufacturer_entity_id", *p.manufacturer_entity_id);
    o.set("manufacturer_name", p.manufacturer_name);
    o.set("storage_class", p.storage_class);
    o.set("version", p.version);
    return stringify(o);
}

std::string toJson(const domain::SpecificationLine& s) {
    Poco::JSON::Object o;
    o.set("id", s.id);
    if (s.product_id) o.set("product_id", *s.product_id);
    o.set("basis", s.standard_ref);
    o.set("test_code", s.test_code);
    o.set("item", s.test_name);
    o.set("limit_kind", s.limit_kind);
    o.set("requirement", requirementText(s));
    o.set("unit", s.unit);
    o.set("precision", s.decimal_places);
    o.set("version", s.version);
    return stringify(o);
}

std::string requirementText(const domain::SpecificationLine& s) {
    if (s.limit_kind == "qualitative") return s.expected_text.value_or("");
    auto dec = [](const std::optional<std::string>& v) { return domain::Decimal::parse(v.value_or("")); };
    Result<domain::Limit> limit = domain::make_error("limit.syntax", "unknown limit kind " + s.limit_kind);
    if (s.limit_kind == "range") {
        auto lo = dec(s.lower_limit), hi = dec(s.upper_limit);
        if (lo && hi) limit = domain::Limit::range(*lo, *hi, s.decimal_places);
    } else if (s.limit_kind == "upper") {
        if (auto hi = dec(s.upper_limit))
            limit = domain::Limit::upper(*hi, s.upper_inclusive ? domain::Bound::inclusive : domain::Bound::exclusive,
                                         s.decimal_places);
    } else if (s.limit_kind == "lower") {
        if (auto lo = dec(s.lower_limit))
            limit = domain::Limit::lower(*lo, s.lower_inclusive ? domain::Bound::inclusive : domain::Bound::exclusive,
                                         s.decimal_places);
    }
    return limit ? limit->describe() : std::string();
}

// ---- entities ------------------------------------------------------------------------------

namespace {
// The supervising organisation named in the body lies in the caller's subtree (an entity
// is placed under one's own jurisdiction, never another's).
Result<bool> supervisorInSubtree(Transaction& tx, const Actor* caller, std::int64_t orgId) {
    if (!caller) return true;
    std::vector<std::string> path;
    tx.session() << "SELECT path FROM organisations WHERE id = $1", bind(orgId), into(path), now;
    if (path.empty() || !jurisdiction::covers(*caller, path.front()))
        return invalid("jurisdiction_org_id", "there is no organisation " + std::to_string(orgId) + " in your jurisdiction");
    return true;
}

Result<EntityRecord> createEntityAs(store::Database& db, const Actor* caller, const EntityInput& raw,
                                    const std::string& actor) {
    return db.write([&](Transaction& tx) -> Result<EntityRecord> {
        if (auto ok = supervisorInSubtree(tx, caller, raw.jurisdictionOrgId); !ok) return ok.error();
        auto in = checkEntity(tx, raw);
        if (!in) return in.error();
        const std::string at = tx.now_utc();
        Poco::Int64 id = 0;
        auto credit = nullable(in->creditCode);
        tx.session() << "INSERT INTO regulated_entities (name, kind, credit_code, jurisdiction_org_id, region_code, "
                        "address, licence_number, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) "
                        "RETURNING id",
            bind(in->name), bind(in->kind), bind(credit), bind(in->jurisdictionOrgId), bind(in->regionCode),
            bind(in->address), bind(in->licenceNumber), bind(at), into(id), now;
        auto created = loadEntity(tx, id);
        if (!created) return created;
        const std::string json = toJson(created->entity);
        store::record_revision(tx, {"regulated_entity", id, 1, json, "created", actor, at});
        tx.record({actor, "regulated_entity.create", "regulated_entity", std::to_string(id), "", json, ""});
        return created;
    });
}

}  // namespace

Result<EntityRecord> createEntity(store::Database& db, const EntityInput& raw, const std::string& actor) {
    return createEntityAs(db, nullptr, raw, actor);
}
Result<EntityRecord> createEntity(store::Database& db, const Actor& caller, const EntityInput& in) {
    return createEntityAs(db, &caller, in, caller.name);
}

Result<EntityRecord> getEntity(store::Database& db, std::int64_t id) {
    return db.read([&](Transaction& tx) { return loadEntity(tx, id); });
}

Result<EntityRecord> getEntity(store::Database& db, const Actor& caller, std::int64_t id) {
    auto found = getEntity(db, id);
    if (found && !entityVisible(caller.org_path, found->jurisdictionPath)) return notFound("regulated entity " + std::to_string(id));
    return found;
}

namespace {
Result<EntityRecord> updateEntityAs(store::Database& db, const Actor* caller, std::int64_t id,
                                    std::int64_t expectedVersion, const EntityInput& raw, const std::string& actor) {
    return db.write([&](Transaction& tx) -> Result<EntityRecord> {
        auto before = loadEntity(tx, id);
        // Changed only from the supervising organisation's subtree (seen from below: read only).
        if (before && caller && !jurisdiction::covers(*caller, before->jurisdictionPath)) return notFound("regulated entity " + std::to_string(id));
        if (before && before->entity.version != expectedVersion)
            return stale("regulated entity " + std::to_string(id), before->entity.version, expectedVersion);
        if (auto ok = supervisorInSubtree(tx, caller, raw.jurisdictionOrgId); !ok) return ok.error();
        if (!before) return before;
        if (before->entity.version != expectedVersion) {
            return stale("regulated entity " + std::to_string(id), before->entity.version, expectedVersion);
        }
        auto in = checkEntity(tx, raw);
        if (!in) return in.error();
        const std::string at = tx.now_utc();
        const Poco::Int64 next = expectedVersion + 1;
        auto credit = nullable(in->creditCode);
        Poco::Data::Statement update(tx.session());
        update << "UPDATE regulated_entities SET name = $1, kind = $2, credit_code = $3, jurisdiction_org_id = $4, "
                  "region_code = $5, address = $6, licence_number = $7, version = $8, updated_at = $9 "
                  "WHERE id = $10 AND version = $11",
            bind(in->name), bind(in->kind), bind(credit), bind(in->jurisdictionOrgId), bind(in->regionCode),
            bind(in->address), bind(in->licenceNumber), bind(next), bind(at), bind(id), bind(expectedVersion);
        if (update.execute() == 0) return missingOrStale(tx, "regulated_entities", "regulated entity " + std::to_string(id), id, expectedVersion);
        auto after = loadEntity(tx, id);
        if (!after) return after;
        const std::string json = toJson(after->entity);
        store::record_revision(tx, {"regulated_entity", id, next, json, "updated", actor, at});
        tx.record({actor, "regulated_entity.update", "regulated_entity", std::to_string(id), toJson(before->entity), json, ""});
        return after;
    });
}
}  // namespace

Result<EntityRecord> updateEntity(store::Database& db, std::int64_t id, std::int64_t expectedVersion,
                                  const EntityInput& raw, const std::string& actor) {
    return updateEntityAs(db, nullptr, id, expectedVersion, raw, actor);
}
Result<EntityRecord> updateEntity(store::Database& db, const Actor& caller, std::int64_t id,
                                  std::int64_t expectedVersion, const EntityInput& in) {
    return updateEntityAs(db, &caller, id, expectedVersion, in, caller.name);
}

Result<std::vector<EntityRecord>> listEntities(store::Database& db, const std::string& viewerPath, std::int64_t afterId,
                                               std::size_t limit) {
    return db.read([&](Transaction& tx) -> Result<std::vector<EntityRecord>> {
        std::vector<EntityRow> rows;
        const std::string below = viewerPath + "%";
        const Poco::Int64 after = afterId;
        const Poco::Int64 max = static_cast<Poco::Int64>(limit);
        // Paths hold only digits and '/', so LIKE's wildcards cannot occur in them.
        tx.session() << std::string(kSelectEntity) +
                            "WHERE (o.path LIKE $1 OR $2 LIKE o.path || '%') AND e.id > $3 ORDER BY e.id LIMIT $4",
            bind(below), bind(viewerPath), bind(after), bind(max), into(rows), now;
        std::vector<EntityRecord> out;
        for (const auto& r : rows) out.push_back(entityFrom(r));
        return out;
    });
}

// ---- products ------------------------------------------------------------------------------

namespace {
Result<domain::Product> createProductAs(store::Database& db, const Actor* owner, const ProductInput& raw,
                                        const std::string& actor) {
    return db.write([&](Transaction& tx) -> Result<domain::Product> {
        if (auto ok = catalogueOwner(tx, owner); !ok) return ok.error();
        auto in = checkProduct(tx, raw);
        if (!in) return in.error();
        const std::string at = tx.now_utc();
        Poco::Int64 id = 0;
        auto maker = nullable(in->manufacturerEntityId);
        tx.session() << "INSERT INTO products (name, category, dosage_form, specification, approval_number, "
                        "manufacturer_entity_id, manufacturer_name, storage_class, created_at, updated_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            bind(in->name), bind(in->category), bind(in->dosageForm), bind(in->specification), bind(in->approvalNumber),
            bind(maker), bind(in->manufacturerName), bind(in->storageClass), bind(at), into(id), now;
        auto created = loadProduct(tx, id);
        if (!created) return created;
        const std::string json = toJson(*created);
        store::record_revision(tx, {"product", id, 1, json, "created", actor, at});
        tx.record({actor, "product.create", "product", std::to_string(id), "", json, ""});
        return created;
    });
}
}  // namespace

Result<domain::Product> createProduct(store::Database& db, const ProductInput& raw, const std::string& actor) {
    return createProductAs(db, nullptr, raw, actor);
}
Result<domain::Product> createProduct(store::Database& db, const Actor& caller, const ProductInput& raw) {
    return createProductAs(db, &caller, raw, caller.name);
}

Result<domain::Product> getProduct(store::Database& db, std::int64_t id) {
    return db.read([&](Transaction& tx) { return loadProduct(tx, id); });
}

namespace {
Result<domain::Product> updateProductAs(store::Database& db, const Actor* owner, std::int64_t id,
                                        std::int64_t expectedVersion, const ProductInput& raw, const std::string& actor) {
    return db.write([&](Transaction& tx) -> Result<domain::Product> {
        if (auto ok = catalogueOwner(tx, owner); !ok) return ok.error();
        auto before = loadProduct(tx, id);
        if (!before) return before;
        if (before->version != expectedVersion) return stale("product " + std::to_string(id), before->version, expectedVersion);
        auto in = checkProduct(tx, raw);
        if (!in) return in.error();
        const std::string at = tx.now_utc();
        const Poco::Int64 next = expectedVersion + 1;
        auto maker = nullable(in->manufacturerEntityId);
        Poco::Data::Statement update(tx.session());
        update << "UPDATE products SET name = $1, category = $2, dosage_form = $3, specification = $4, "
                  "approval_number = $5, manufacturer_entity_id = $6, manufacturer_name = $7, storage_class = $8, "
                  "version = $9, updated_at = $10 WHERE id = $11 AND version = $12",
            bind(in->name), bind(in->category), bind(in->dosageForm), bind(in->specification), bind(in->approvalNumber),
            bind(maker), bind(in->manufacturerName), bind(in->storageClass), bind(next), bind(at), bind(id),
            bind(expectedVersion);
        if (update.execute() == 0) return missingOrStale(tx, "products", "product " + std::to_string(id), id, expectedVersion);
        auto after = loadProduct(tx, id);
        if (!after) return after;
        const std::string json = toJson(*after);
        store::record_revision(tx, {"product", id, next, json, "updated", actor, at});
        tx.record({actor, "product.update", "product", std::to_string(id), toJson(*before), json, ""});
        return after;
    });
}
}  // namespace

Result<domain::Product> updateProduct(store::Database& db, std::int64_t id, std::int64_t expectedVersion,
                                      const ProductInput& raw, const std::string& actor) {
    return updateProductAs(db, nullptr, id, expectedVersion, raw, actor);
}
Result<domain::Product> updateProduct(store::Database& db, const Actor& caller, std::int64_t id,
                                      std::int64_t expectedVersion, const ProductInput& raw) {
    return updateProductAs(db, &caller, id, expectedVersion, raw, caller.name);
}

Result<std::vector<domain::Product>> listProducts(store::Database& db, std::int64_t afterId, std::size_t limit) {
    return db.read([&](Transaction& tx) -> Result<std::vector<domain::Product>> {
        std::vector<ProductRow> rows;
        const Poco::Int64 after = afterId;
        const Poco::Int64 max = static_cast<Poco::Int64>(limit);
        tx.session() << std::string(kSelectProduct) + "WHERE id > $1 ORDER BY id LIMIT $2", bind(after), bind(max),
            into(rows), now;
        std::vector<domain::Product> out;
        for (const auto& r : rows) out.push_back(productFrom(r));
        return out;
    });
}

// ---- specification lines ------------------------------------------------------------------

namespace {
Result<domain::SpecificationLine> createLineAs(store::Database& db, const Actor* owner, std::int64_t productId,
                                               const SpecificationInput& in, const std::string& actor) {
    return db.write([&](Transaction& tx) -> Result<domain::SpecificationLine> {
        if (auto ok = catalogueOwner(tx, owner); !ok) return ok.error();
        auto product = loadProduct(tx, productId);
        if (!product) return product.error();
        auto c = limitColumns(in);
        if (!c) return c.error();
        const std::string at = tx.now_utc();
        Poco::Int64 id = 0;
        auto lower = nullable(c->lower), upper = nullable(c->upper), expected = nullable(c->expected);
        const int lowerInclusive = c->lowerInclusive ? 1 : 0, upperInclusive = c->upperInclusive ? 1 : 0;
        tx.session() << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, limit_kind, "
                        "lower_limit, upper_limit, lower_inclusive, upper_inclusive, expected_text, unit, "
                        "decimal_places, created_at, updated_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            bind(productId), bind(in.basis), bind(in.testCode), bind(in.testName), bind(c->kind), bind(lower),
            bind(upper), bind(lowerInclusive), bind(upperInclusive), bind(expected), bind(in.unit), bind(c->precision),
            bind(at), into(id), now;
        auto created = loadSpec(tx, id);
        if (!created) return created;
        const std::string json = toJson(*created);
        store::record_revision(tx, {"specification_line", id, 1, json, "created", actor, at});
        tx.record({actor, "specification_line.create", "specification_line", std::to_string(id), "", json, ""});
        return created;
    });
}
}  // namespace

Result<domain::SpecificationLine> createSpecificationLine(store::Database& db, std::int64_t productId,
                                                          const SpecificationInput& in, const std::string& actor) {
    return createLineAs(db, nullptr, productId, in, actor);
}
Result<domain::SpecificationLine> createSpecificationLine(store::Database& db, const Actor& caller,
                                                          std::int64_t productId, const SpecificationInput& in) {
    return createLineAs(db, &caller, productId, in, caller.name);
}

Result<domain::SpecificationLine> getSpecificationLine(store::Database& db, std::int64_t id,
                                                       std::optional<std::int64_t> version) {
    return db.read([&](Transaction& tx) -> Result<domain::SpecificationLine> {
        if (!version) return loadSpec(tx, id);
        std::vector<SpecRow> rows;
        const Poco::Int64 v = *version;
        tx.session() << "SELECT line_id, product_id, standard_ref, test_code, test_name, limit_kind, lower_limit, "
                        "upper_limit, lower_inclusive, upper_inclusive, expected_text, unit, decimal_places, version "
                        "FROM specification_line_versions WHERE line_id = $1 AND version = $2",
            bind(id), bind(v), into(rows), now;
        if (rows.empty()) return notFound("specification line " + std::to_string(id) + " version " + std::to_string(v));
        return specFrom(rows.front());
    });
}

namespace {
// A new version of the line (never an edit of the old one: the database keeps every
// version in specification_line_versions, migration 4); tests already created keep
// theirs. The line's row names the current version.
Result<domain::SpecificationLine> updateLineAs(store::Database& db, const Actor* owner, std::int64_t id,
                                               std::int64_t expectedVersion, const SpecificationInput& in,
                                               const std::string& actor) {
    return db.write([&](Transaction& tx) -> Result<domain::SpecificationLine> {
        if (auto ok = catalogueOwner(tx, owner); !ok) return ok.error();
        auto before = loadSpec(tx, id);
        if (!before) return before;
        if (before->version != expectedVersion) {
            return stale("specification line " + std::to_string(id), before->version, expectedVersion);
        }
        auto c = limitColumns(in);
        if (!c) return c.error();
        const std::string at = tx.now_utc();
        const Poco::Int64 next = expectedVersion + 1;
        auto lower = nullable(c->lower), upper = nullable(c->upper), expected = nullable(c->expected);
        const int lowerInclusive = c->lowerInclusive ? 1 : 0, upperInclusive = c->upperInclusive ? 1 : 0;
        Poco::Data::Statement update(tx.session());
        update << "UPDATE specification_lines SET standard_ref = $1, test_code = $2, test_name = $3, limit_kind = $4, "
                  "lower_limit = $5, upper_limit = $6, lower_inclusive = $7, upper_inclusive = $8, expected_text = $9, "
                  "unit = $10, decimal_places = $11, version = $12, updated_at = $13 WHERE id = $14 AND version = $15",
            bind(in.basis), bind(in.testCode), bind(in.testName), bind(c->kind), bind(lower), bind(upper),
            bind(lowerInclusive), bind(upperInclusive), bind(expected), bind(in.unit), bind(c->precision), bind(next),
            bind(at), bind(id), bind(expectedVersion);
        if (update.execute() == 0) {
            return missingOrStale(tx, "specification_lines", "specification line " + std::to_string(id), id, expectedVersion);
        }
        auto after = loadSpec(tx, id);
        if (!after) return after;
        const std::string json = toJson(*after);
        store::record_revision(tx, {"specification_line", id, next, json, "updated", actor, at});
        tx.record({actor, "specification_line.update", "specification_line", std::to_string(id), toJson(*before), json, ""});
        return after;
    });
}
}  // namespace

Result<domain::SpecificationLine> updateSpecificationLine(store::Database& db, std::int64_t id,
                                                          std::int64_t expectedVersion, const SpecificationInput& in,
                                                          const std::string& actor) {
    return updateLineAs(db, nullptr, id, expectedVersion, in, actor);
}
Result<domain::SpecificationLine> updateSpecificationLine(store::Database& db, const Actor& caller, std::int64_t id,
                                                          std::int64_t expectedVersion, const SpecificationInput& in) {
    return updateLineAs(db, &caller, id, expectedVersion, in, caller.name);
}

Result<std::vector<domain::SpecificationLine>> listSpecificationLines(store::Database& db, std::int64_t productId) {
    return db.read([&](Transaction& tx) -> Result<std::vector<domain::SpecificationLine>> {
        auto product = loadProduct(tx, productId);
        if (!product) return product.error();
        std::vector<SpecRow> rows;
        tx.session() << std::string(kSelectSpec) + "WHERE product_id = $1 ORDER BY test_code, id", bind(productId),
            into(rows), now;
        std::vector<domain::SpecificationLine> out;
        for (const auto& r : rows) out.push_back(specFrom(r));
        return out;
    });
}

}  // namespace lims::workflow::admin
