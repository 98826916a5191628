// The HTTP test harness: the real `lims` service (ServiceHost: store-backed auth,
// idempotency, every area's routes) started in-process on an ephemeral loopback port over
// a fresh, migrated database (a SQLite file, or a PostgreSQL database of its own when
// Options::backend says so; see test_database.hpp), with a seeded organisation tree of two jurisdictions and
// one user per role where that role works. API, integration and end-to-end tests make one
// per test (or per suite) and talk to it with get/post/put as a named user.
//
// The seeded tree (codes are TestService::k*):
//   PROV       bureau             310000  provincial administration (user "admin")
//   ├ BUREAU-A bureau             310100  city bureau A: planner_a, bureau_viewer_a, administrator_a
//   │ ├ OFFICE-A1 supervision_office 310101  sampler_a, sampler2_a
//   │ ├ ENFORCE-A enforcement_unit   310100  enforcement_officer_a
//   │ └ LAB-A    inspection_centre  310100  receiver_a, analyst_a, reviewer_a, signatory_a, ingest_service_a
//   └ BUREAU-B bureau             320100  the same for B (OFFICE-B1 320102, ENFORCE-B, LAB-B)
// Each jurisdiction has its own laboratory so that laboratory roles have another side too.
// Every seeded user's password is TestService::kPassword.
#pragma once

#include "test_database.hpp"

#include "lims/app/service_host.hpp"
#include "lims/domain/model/organisation.hpp"
#include "lims/domain/state_machine/role.hpp"

#include <gtest/gtest.h>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lims::test {

enum class Jurisdiction { A, B };

// One HTTP answer: status, lower-case headers, body, and the body parsed when it is JSON.
struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string contentType;
    std::string body;
    Poco::Dynamic::Var parsed;  // empty when the body is empty or not JSON

    bool isJson() const { return !parsed.isEmpty(); }
    // The body as a JSON object / array; null when it is not one.
    Poco::JSON::Object::Ptr json() const;
    Poco::JSON::Array::Ptr array() const;
    std::string header(const std::string& lowerCaseName) const;
    // "422 application/problem+json {...}" for assertion messages.
    std::string describe() const;
};

using Headers = std::map<std::string, std::string>;

// A small JSON client for one port and (optionally) one bearer token. Each call opens its
// own connection, so a server that closes one (after a 413) does not affect the next.
class HttpClient {
public:
    HttpClient(std::uint16_t port, std::string token = "") : port_(port), token_(std::move(token)) {}

    HttpReply request(const std::string& method, const std::string& target, const std::string& body = "",
                      const Headers& headers = {}) const;
    HttpReply get(const std::string& target, const Headers& headers = {}) const { return request("GET", target, "", headers); }
    HttpReply post(const std::string& target, const std::string& body, const Headers& headers = {}) const {
        return request("POST", target, body, headers);
    }
    HttpReply post(const std::string& target, const Poco::JSON::Object::Ptr& body, const Headers& headers = {}) const;
    HttpReply put(const std::string& target, const std::string& body, const Headers& headers = {}) const {
        return request("PUT", target, body, headers);
    }
    HttpReply put(const std::string& target, const Poco::JSON::Object::Ptr& body, const Headers& headers = {}) const;
    HttpReply del(const std::string& target, const Headers& headers = {}) const { return request("DELETE", target, "", headers); }

    const std::string& token() const { return token_; }

private:
    std::uint16_t port_;
    std::string token_;
};

class TestService {
public:
    static constexpr const char* kPassword = "test-password-1";

    static constexpr const char* kProvince = "PROV";
    static constexpr const char* kBureauA = "BUREAU-A";
    static constexpr const char* kOfficeA1 = "OFFICE-A1";
    static constexpr const char* kEnforcementA = "ENFORCE-A";
    static constexpr const char* kLabA = "LAB-A";
    static constexpr const char* kBureauB = "BUREAU-B";
    static constexpr const char* kOfficeB1 = "OFFICE-B1";
    static constexpr const char* kEnforcementB = "ENFORCE-B";
    static constexpr const char* kLabB = "LAB-B";
    static constexpr const char* kRootAdministrator = "admin";

    struct Options {
        bool seed = true;  // false: an empty migrated database, no organisations or users
        // PostgreSQL needs LIMS_TEST_PG (call requireBackend in SetUp first; the constructor throws without it).
        // Unset: SQLite, or PostgreSQL when LIMS_TEST_SERVICE_PG=1 and LIMS_TEST_PG is set, which
        // runs every HTTP suite on PostgreSQL by hand (`LIMS_TEST_SERVICE_PG=1 tests/e2e`).
        std::optional<Backend> backend;
        // The folder of working-day calendar files; empty: fixtures/calendars.
        std::string calendarDir = {};
        // A folder of built web files (index.html, assets/) served at / as lims.web.root
        // does; empty: API only.
        std::string webRoot = {};
        // What instruments and loggers configured through the API may reach (lims.drivers.*);
        // null: testDevicePolicy().
        std::shared_ptr<const drivers::DevicePolicy> devicePolicy = {};
    };

    // The harness's device policy, for suites about something else that configure devices
    // on loopback simulators and fixture maps: lims.drivers.allow "loopback:* private:*",
    // lims.drivers.map_root the source tree's fixtures/, no file_drop_root. (The product's
    // defaults, and each rule, are tested with policies of their own.)
    static std::shared_ptr<const drivers::DevicePolicy> testDevicePolicy();

    TestService();
    explicit TestService(Options options);
    ~TestService();
    TestService(const TestService&) = delete;
    TestService& operator=(const TestService&) = delete;

    // ---- what runs --------------------------------------------------------------------
    std::uint16_t port() const { return host_->port(); }
    app::ServiceHost& host() { return *host_; }
    const api::Router& router() const { return host_->api().router(); }
    const std::shared_ptr<store::Database>& database() const { return database_; }
    Backend backend() const { return scratch_->backend(); }
    // The SQLite file ("" on PostgreSQL; use rawSession() for SQL behind the service's back).
    const std::string& databasePath() const { return scratch_->sqlitePath(); }
    // A session of its own on the service's database, outside the store (either backend).
    Poco::Data::Session rawSession() const { return scratch_->rawSession(); }

    // ---- who is there -----------------------------------------------------------------
    // "sampler_a", "receiver_b", ...: the seeded user holding `role` in that jurisdiction
    // (for administrator: administrator_a at BUREAU-A; the province's is kRootAdministrator).
    static std::string username(domain::Role role, Jurisdiction side);
    // The organisation where that user works.
    static std::string organisationCodeFor(domain::Role role, Jurisdiction side);
    static std::string bureau(Jurisdiction side) { return side == Jurisdiction::A ? kBureauA : kBureauB; }
    static std::string office(Jurisdiction side) { return side == Jurisdiction::A ? kOfficeA1 : kOfficeB1; }
    static std::string laboratory(Jurisdiction side) { return side == Jurisdiction::A ? kLabA : kLabB; }
    static std::string enforcementUnit(Jurisdiction side) { return side == Jurisdiction::A ? kEnforcementA : kEnforcementB; }

    domain::Organisation organisation(const std::string& code) const;  // throws when unknown
    std::int64_t organisationId(const std::string& code) const { return organisation(code).id; }
    std::int64_t userId(const std::string& username) const;             // throws when unknown

    // ---- seeding more -------------------------------------------------------------------
    domain::Organisation addOrganisation(const std::string& code, const std::string& name, domain::OrganisationKind kind,
                                         const std::string& regionCode, const std::string& parentCode);
    // A user with kPassword; throws when the store refuses.
    std::int64_t addUser(const std::string& username, const std::string& organisationCode,
                         const std::vector<std::string>& roles);

    // ---- talking to it ------------------------------------------------------------------
    // A user token from POST /api/v1/auth/login (cached per user until revoked by a test).
    std::string login(const std::string& username);
    void forgetToken(const std::string& username);
    // An ingest-scoped service token for a user holding ingest_service.
    std::string serviceToken(const std::string& username);

    HttpClient anonymous() const { return HttpClient(port()); }
    HttpClient as(const std::string& username) { return HttpClient(port(), login(username)); }
    HttpClient withToken(const std::string& token) const { return HttpClient(port(), token); }

    // With an explicit token ("" = none).
    HttpReply get(const std::string& target, const std::string& token = "", const Headers& headers = {}) const;
    HttpReply post(const std::string& target, const std::string& token, const std::string& body,
                   const Headers& headers = {}) const;
    HttpReply put(const std::string& target, const std::string& token, const std::string& body,
                  const Headers& headers = {}) const;

    // The audit chain verifies (store::verify_audit_chain); the message names the break.
    ::testing::AssertionResult auditChainIntact() const;

private:
    void seed();

    Options options_;
    std::unique_ptr<ScratchDatabase> scratch_;
    std::shared_ptr<store::Database> database_;
    std::unique_ptr<app::ServiceHost> host_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> tokens_;
};

}  // namespace lims::test
