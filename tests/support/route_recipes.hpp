// How to make a record that a route's path parameters can point at, in jurisdiction A or
// B: one recipe per route pattern. The role x jurisdiction matrix test
// (tests/e2e/matrix_test.cpp) and the bad-input test (tests/e2e/robustness_test.cpp) walk
// every route of the assembled table and look the pattern up here; a route with path
// parameters and no recipe fails those tests with a message naming the pattern.
//
// To add one (route owners): in route_recipes.cpp, add to recipes() an entry
//   {"/api/v1/things/{number}", [](TestService& s, Jurisdiction side) {
//        ... create a thing owned by an organisation of `side` (through the API as a seeded
//        user, or with your workflow use case on s.database()) ...
//        return RouteRecord{{{"number", thing.number}}, /*body for PUT/POST*/ nullptr};
//    }},
// or, for reference data every jurisdiction shares, a recipe with `shared = true`.
#pragma once

#include "test_service.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace lims::test {

struct RouteRecord {
    std::map<std::string, std::string> params;  // path parameter -> value
    // A valid body for the route's method when it takes one (so that the jurisdiction
    // check, which runs after the body schema, is reached); null: the test sends "{}".
    Poco::JSON::Object::Ptr body;
};

struct RouteRecipe {
    std::function<RouteRecord(TestService&, Jurisdiction)> make;
    // Shared reference data (the product catalogue): no jurisdiction to hide, so the
    // matrix test does not expect another side's record to be a 404.
    bool shared = false;
    // Where `make`'s record is one a write acts on but a read finds nothing in (a sample
    // that may apply for a re-inspection has none yet), a record the GET reads: the matrix
    // test reads its own side's record with it.
    std::function<RouteRecord(TestService&, Jurisdiction)> readable = nullptr;
};

// pattern -> recipe; one recipe serves every method of the pattern.
const std::map<std::string, RouteRecipe>& routeRecipes();

// The pattern with its parameters filled in ("/api/v1/users/{id}" -> "/api/v1/users/7").
std::string fillPattern(const std::string& pattern, const std::map<std::string, std::string>& params);

// Path parameter names of a pattern, in order.
std::vector<std::string> patternParameters(const std::string& pattern);

// What the tests print when a recipe is missing.
std::string missingRecipeMessage(const std::string& method, const std::string& pattern);

}  // namespace lims::test
