#include "route_recipes.hpp"

#include "lims/api/json_text.hpp"
#include "lims/workflow/admin/reference_data.hpp"
#include "tests/unit/workflow/documents_seed.hpp"

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
              return RouteRecord{{{"id", std::to_string(s.userId(TestService::username(Role::sampler, side)))}}, nullptr};
          }}},
        {"/api/v1/auth/users/{id}/revoke",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"id", std::to_string(s.userId(TestService::username(Role::bureau_viewer, side)))}},
                                 nullptr};
          }}},
        {"/api/v1/regulated-entities/{id}", {entityRecord}},
        {"/api/v1/products/{id}",
         {[](TestService& s, Jurisdiction) { return RouteRecord{{{"id", std::to_string(makeProduct(s).id)}}, productBody()}; },
          true}},
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
        // ---- documents (document_routes.cpp) ---------------------------------------------------
        {"/api/v1/reports/{number}/pdf",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", documentRecord(s, side).report_number}}, nullptr};
          }}},
        {"/api/v1/samples/{number}/sampling-record.pdf",
         {[](TestService& s, Jurisdiction side) {
              return RouteRecord{{{"number", documentRecord(s, side).sample_number}}, nullptr};
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
