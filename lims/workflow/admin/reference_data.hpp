// Administration of reference data, one transaction per change with its audit entry and
// revision: regulated entities (under an organisation's jurisdiction), the product
// catalogue, and the specification lines products are judged against. The admin routes
// (lims/api/routes/admin_routes.cpp) call it after checking role and jurisdiction.
#pragma once

#include "lims/domain/model/product.hpp"
#include "lims/domain/model/product_category.hpp"
#include "lims/domain/model/regulated_entity.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::admin {

// Error codes the routes map to HTTP: admin.not_found (404), admin.stale_version (409;
// the message carries the current version), admin.conflict (409), admin.invalid.<field>
// (422 naming the field). Store failures pass through with their store.* codes.
inline constexpr std::string_view kNotFound = "admin.not_found";
inline constexpr std::string_view kStaleVersion = "admin.stale_version";
inline constexpr std::string_view kConflict = "admin.conflict";
inline constexpr std::string_view kInvalidPrefix = "admin.invalid.";
// A catalogue write by someone who does not own the catalogue (403; kind forbidden).
inline constexpr std::string_view kCatalogueOwner = "admin.catalogue_owner";

// The kinds the regulated_entities table accepts (migrations.cpp CHECK constraint).
inline constexpr std::array<std::string_view, 9> kEntityKinds{
    "pharmacy", "hospital", "clinic", "distributor", "manufacturer", "cdc", "vaccination_site",
    "cosmetics_business", "device_business"};
// The product categories: the domain's one list (lims/domain/model/product_category.hpp).
using domain::kProductCategories;
inline constexpr std::array<std::string_view, 4> kStorageClasses{"ambient", "cool", "refrigerated", "frozen"};

// Categories whose products carry a 国药准字 approval number (Drug Administration Law
// art. 24: a drug marketed in China needs one); cosmetics and devices are registered
// under other schemes, and decoction pieces mostly have none.
bool needsApprovalNumber(std::string_view category);

// ---- regulated entities ------------------------------------------------------------------
struct EntityInput {
    std::string name;
    std::string kind;
    std::optional<std::string> creditCode;
    std::int64_t jurisdictionOrgId = 0;
    std::string regionCode;
    std::string address;
    std::string licenceNumber;
};

struct EntityRecord {
    domain::RegulatedEntity entity;
    std::string jurisdictionPath;  // the supervising organisation's path, for visibility
};

domain::Result<EntityRecord> createEntity(store::Database& db, const EntityInput& in, const std::string& actor);
domain::Result<EntityRecord> getEntity(store::Database& db, std::int64_t id);
domain::Result<EntityRecord> updateEntity(store::Database& db, std::int64_t id, std::int64_t expectedVersion,
                                          const EntityInput& in, const std::string& actor);
// The caller's versions: the entity is supervised within the caller's subtree (not_found
// otherwise; get: within or above, as entityVisible), and so is jurisdiction_org_id
// (invalid naming it otherwise). Checked in the use case's own transaction.
domain::Result<EntityRecord> createEntity(store::Database& db, const Actor& caller, const EntityInput& in);
domain::Result<EntityRecord> getEntity(store::Database& db, const Actor& caller, std::int64_t id);
domain::Result<EntityRecord> updateEntity(store::Database& db, const Actor& caller, std::int64_t id,
                                          std::int64_t expectedVersion, const EntityInput& in);
// Entities a user of the organisation at `viewerPath` may see: those supervised inside
// the viewer's subtree, and those supervised by an organisation above the viewer (a
// sampler's office sees its bureau's entities). Id order, ids above `afterId`.
domain::Result<std::vector<EntityRecord>> listEntities(store::Database& db, const std::string& viewerPath,
                                                       std::int64_t afterId, std::size_t limit);
bool entityVisible(const std::string& viewerPath, const std::string& jurisdictionPath);

// ---- products -------------------------------------------------------------------------------
struct ProductInput {
    std::string name;
    std::string category;
    std::string dosageForm;
    std::string specification;
    std::string approvalNumber;  // canonicalised (国药准字H20044063) when the category needs one
    std::optional<std::int64_t> manufacturerEntityId;
    std::string manufacturerName;
    std::string storageClass;
};

// The catalogue's owner (products and specification lines): an administrator of the root
// organisation or of a province-level one (region code xx0000). The Actor overloads
// check it in their transaction (forbidden, admin.catalogue_owner, otherwise); the
// actor-string ones are the system's (seeding, imports, tests' fixtures).
// The same check for other writers of catalogue data (a product's focus tags), in their transaction.
domain::Result<bool> check_catalogue_owner(store::Transaction& tx, const Actor& caller);
domain::Result<domain::Product> createProduct(store::Database& db, const ProductInput& in, const std::string& actor);
domain::Result<domain::Product> createProduct(store::Database& db, const Actor& caller, const ProductInput& in);
domain::Result<domain::Product> getProduct(store::Database& db, std::int64_t id);
domain::Result<domain::Product> updateProduct(store::Database& db, std::int64_t id, std::int64_t expectedVersion,
                                              const ProductInput& in, const std::string& actor);
domain::Result<domain::Product> updateProduct(store::Database& db, const Actor& caller, std::int64_t id,
                                              std::int64_t expectedVersion, const ProductInput& in);
domain::Result<std::vector<domain::Product>> listProducts(store::Database& db, std::int64_t afterId, std::size_t limit);

// ---- specification catalogue ----------------------------------------------------------------
struct SpecificationInput {
    std::string testCode;
    std::string testName;     // the item: 含量测定, 有关物质, 无菌 ...
    std::string requirement;  // as the standard writes it: "95.0–105.0", "≤ 0.5", "符合规定"
    std::string unit;
    std::optional<int> precision;  // decimal places results are rounded to; default: as written
    std::string basis;             // the standard: "ChP 2025 Vol. II"
};

// Parses the requirement with the domain's limit parser (domain::Limit::parse); a text
// without digits is a qualitative requirement whose accepted outcome is the text itself.
domain::Result<domain::SpecificationLine> createSpecificationLine(store::Database& db, std::int64_t productId,
                                                                  const SpecificationInput& in,
                                                                  const std::string& actor);
domain::Result<domain::SpecificationLine> createSpecificationLine(store::Database& db, const Actor& caller,
                                                                  std::int64_t productId, const SpecificationInput& in);
// The line's current version, or the given one of its history (a test's kept version).
domain::Result<domain::SpecificationLine> getSpecificationLine(store::Database& db, std::int64_t id,
                                                               std::optional<std::int64_t> version = std::nullopt);
// A change is a new version (version + 1); the old one stays in the line's history and
// every test created before keeps it (migration 4). Errors: admin.not_found,
// admin.stale_version, admin.invalid.<field>, admin.catalogue_owner (Actor overload).
domain::Result<domain::SpecificationLine> updateSpecificationLine(store::Database& db, std::int64_t id,
                                                                  std::int64_t expectedVersion,
                                                                  const SpecificationInput& in,
                                                                  const std::string& actor);
domain::Result<domain::SpecificationLine> updateSpecificationLine(store::Database& db, const Actor& caller,
                                                                  std::int64_t id, std::int64_t expectedVersion,
                                                                  const SpecificationInput& in);
domain::Result<std::vector<domain::SpecificationLine>> listSpecificationLines(store::Database& db,
                                                                              std::int64_t productId);
// The requirement as the report prints it ("95.0–105.0", "≤ 0.5", "符合规定").
std::string requirementText(const domain::SpecificationLine& line);

std::string toJson(const domain::RegulatedEntity& e);
std::string toJson(const domain::Product& p);
std::string toJson(const domain::SpecificationLine& s);

}  // namespace lims::workflow::admin
