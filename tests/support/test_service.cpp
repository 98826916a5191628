#include "test_service.hpp"

#include "lims/api/json_text.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/admin/calendar_files.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#ifndef LIMS_SOURCE_DIR
#error "lims_test_support needs LIMS_SOURCE_DIR (tests/CMakeLists.txt defines it)"
#endif

namespace lims::test {

namespace {

using domain::OrganisationKind;
using domain::Role;

// Cheap Argon2 for tests: hashing a few dozen seeded passwords with the production
// parameters would dominate every test's start-up (the parameters themselves are tested
// in tests/unit/api/password_hash_test.cpp).
constexpr api::Argon2Parameters kTestArgon2{1024, 1, 1};

const char* sideSuffix(Jurisdiction side) { return side == Jurisdiction::A ? "_a" : "_b"; }

template <typename T>
T must(store::StoreResult<T> r, const std::string& what) {
    if (!r) throw std::runtime_error("test service: " + what + ": " + r.error().code + ": " + r.error().message);
    return std::move(*r);
}

// SQLite unless the developer asks for every harness on PostgreSQL (Options::backend).
Backend defaultBackend() {
    const char* all_on_pg = std::getenv("LIMS_TEST_SERVICE_PG");
    return all_on_pg && std::string(all_on_pg) == "1" && backendAvailable(Backend::postgresql) ? Backend::postgresql
                                                                                              : Backend::sqlite;
}

}  // namespace

// ---- HttpReply ----------------------------------------------------------------------------

Poco::JSON::Object::Ptr HttpReply::json() const {
    if (parsed.isEmpty() || parsed.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr HttpReply::array() const {
    if (parsed.isEmpty() || parsed.type() != typeid(Poco::JSON::Array::Ptr)) return nullptr;
    return parsed.extract<Poco::JSON::Array::Ptr>();
}

std::string HttpReply::header(const std::string& lowerCaseName) const {
    auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
}

std::string HttpReply::describe() const {
    constexpr std::size_t kShown = 600;
    return std::to_string(status) + " " + contentType + " " + (body.size() > kShown ? body.substr(0, kShown) + "..." : body);
}

// ---- HttpClient ---------------------------------------------------------------------------

HttpReply HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                              const Headers& headers) const {
    Poco::Net::HTTPClientSession session("127.0.0.1", port_);
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    bool hasContentType = false;
    bool hasAuthorization = false;
    for (const auto& [name, value] : headers) {
        request.set(name, value);
        hasContentType = hasContentType || Poco::icompare(name, "content-type") == 0;
        hasAuthorization = hasAuthorization || Poco::icompare(name, "authorization") == 0;
    }
    if (!token_.empty() && !hasAuthorization) request.set("Authorization", "Bearer " + token_);
    if (!body.empty() && !hasContentType) request.setContentType("application/json");
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    std::ostream& out = session.sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpReply reply;
    reply.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) reply.headers[Poco::toLower(name)] = value;
    reply.contentType = response.getContentType();
    Poco::StreamCopier::copyToString(in, reply.body);
    if (!reply.body.empty() && reply.contentType.find("json") != std::string::npos) {
        try {
            reply.parsed = Poco::JSON::Parser().parse(reply.body);
        } catch (const Poco::Exception&) {
            reply.parsed.empty();
        }
    }
    return reply;
}

HttpReply HttpClient::post(const std::string& target, const Poco::JSON::Object::Ptr& body, const Headers& headers) const {
    return request("POST", target, api::toJsonText(body), headers);
}

HttpReply HttpClient::put(const std::string& target, const Poco::JSON::Object::Ptr& body, const Headers& headers) const {
    return request("PUT", target, api::toJsonText(body), headers);
}

// ---- TestService --------------------------------------------------------------------------

std::shared_ptr<const drivers::DevicePolicy> TestService::testDevicePolicy() {
    auto policy = drivers::make_device_policy("loopback:* private:*", "", std::string(LIMS_SOURCE_DIR) + "/fixtures");
    if (auto* why = std::get_if<std::string>(&policy)) throw std::runtime_error("test device policy: " + *why);
    return std::make_shared<const drivers::DevicePolicy>(std::get<drivers::DevicePolicy>(std::move(policy)));
}

TestService::TestService() : TestService(Options{}) {}

TestService::TestService(Options options) : options_(options) {
    scratch_ = std::make_unique<ScratchDatabase>(options_.backend ? *options_.backend : defaultBackend());
    database_ = must(store::Database::open(scratch_->url()), "open " + scratch_->url());
    must(store::migrate(*database_), "migrate");

    auto calendar = workflow::load_working_calendar(
        options_.calendarDir.empty() ? std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars" : options_.calendarDir);
    if (!calendar) throw std::runtime_error("test service: calendar: " + calendar.error().message);

    app::ServiceSettings settings;
    settings.server.host = "127.0.0.1";
    settings.server.port = 0;
    settings.server.maxThreads = 8;
    settings.auth.argon2 = kTestArgon2;
    settings.devicePolicy = options_.devicePolicy ? options_.devicePolicy : testDevicePolicy();
    if (!options_.webRoot.empty()) {
        auto site = api::StaticFiles::open(options_.webRoot);
        if (!site) throw std::runtime_error("test service: web root: " + site.error().message);
        settings.site = std::move(*site);
    }
    host_ = std::make_unique<app::ServiceHost>(database_, std::move(*calendar), settings);
    if (options_.seed) seed();
    host_->start();
}

TestService::~TestService() {
    host_->stop();
    host_.reset();
    database_.reset();
    scratch_.reset();  // removes the SQLite file or drops the PostgreSQL database
}

std::string TestService::organisationCodeFor(Role role, Jurisdiction side) {
    switch (role) {
        case Role::planner:
        case Role::bureau_viewer:
        case Role::administrator: return bureau(side);
        case Role::sampler: return office(side);
        case Role::enforcement_officer: return enforcementUnit(side);
        case Role::receiver:
        case Role::analyst:
        case Role::reviewer:
        case Role::signatory:
        case Role::ingest_service: return laboratory(side);
    }
    return bureau(side);
}

std::string TestService::username(Role role, Jurisdiction side) {
    return std::string(domain::to_string(role)) + sideSuffix(side);
}

void TestService::seed() {
    addOrganisation(kProvince, "Provincial medical products administration", OrganisationKind::bureau, "310000", "");
    for (Jurisdiction side : {Jurisdiction::A, Jurisdiction::B}) {
        const bool a = side == Jurisdiction::A;
        const std::string city = a ? "310100" : "320100";
        const std::string letter = a ? "A" : "B";
        addOrganisation(bureau(side), "City bureau " + letter, OrganisationKind::bureau, city, kProvince);
        addOrganisation(office(side), "Supervision office " + letter + "1", OrganisationKind::supervision_office,
                        a ? "310101" : "320102", bureau(side));
        addOrganisation(enforcementUnit(side), "Enforcement unit " + letter, OrganisationKind::enforcement_unit, city,
                        bureau(side));
        addOrganisation(laboratory(side), "Institute for drug control " + letter, OrganisationKind::inspection_centre,
                        city, bureau(side));
        for (Role role : domain::kAllRoles) {
            addUser(username(role, side), organisationCodeFor(role, side), {std::string(domain::to_string(role))});
        }
        // Registration needs at least two samplers (DOMAIN: two enforcement staff on site).
        addUser(std::string("sampler2") + sideSuffix(side), office(side), {"sampler"});
    }
    addUser(kRootAdministrator, kProvince, {"administrator"});
}

domain::Organisation TestService::addOrganisation(const std::string& code, const std::string& name,
                                                  OrganisationKind kind, const std::string& regionCode,
                                                  const std::string& parentCode) {
    return must(database_->write([&](store::Transaction& tx) -> store::StoreResult<domain::Organisation> {
                    store::OrganisationRepository orgs(tx);
                    store::NewOrganisation org{code, name, kind, std::nullopt, regionCode};
                    if (!parentCode.empty()) {
                        auto parent = orgs.get_by_code(parentCode);
                        if (!parent) return parent.error();
                        org.parent_id = parent->id;
                    }
                    return orgs.create(org, "system:test");
                }),
                "add organisation " + code);
}

std::int64_t TestService::addUser(const std::string& name, const std::string& organisationCode,
                                  const std::vector<std::string>& roles) {
    auto id = host_->auth().createUser({name, name, organisationCode, roles, ""}, kPassword);
    if (!id) throw std::runtime_error("test service: add user " + name + ": " + id.error().message);
    return *id;
}

domain::Organisation TestService::organisation(const std::string& code) const {
    return must(database_->read([&](store::Transaction& tx) { return store::OrganisationRepository(tx).get_by_code(code); }),
                "organisation " + code);
}

std::int64_t TestService::userId(const std::string& name) const {
    return must(database_->read([&](store::Transaction& tx) { return store::UserRepository(tx).find_by_username(name); }),
                "user " + name)
        .id;
}

std::string TestService::login(const std::string& name) {
    {
        std::lock_guard lock(mutex_);
        auto it = tokens_.find(name);
        if (it != tokens_.end()) return it->second;
    }
    auto body = api::newObject();
    body->set("username", name);
    body->set("password", kPassword);
    auto reply = anonymous().post("/api/v1/auth/login", body);
    if (reply.status != 200 || !reply.json()) {
        throw std::runtime_error("test service: login of " + name + " failed: " + reply.describe());
    }
    const std::string token = reply.json()->getValue<std::string>("token");
    std::lock_guard lock(mutex_);
    tokens_[name] = token;
    return token;
}

void TestService::forgetToken(const std::string& name) {
    std::lock_guard lock(mutex_);
    tokens_.erase(name);
}

std::string TestService::serviceToken(const std::string& name) {
    auto issued = host_->auth().issueServiceToken(userId(name), "system:test");
    if (!issued) throw std::runtime_error("test service: service token for " + name + ": " + issued.problem().detail);
    return issued->token;
}

HttpReply TestService::get(const std::string& target, const std::string& token, const Headers& headers) const {
    return withToken(token).get(target, headers);
}

HttpReply TestService::post(const std::string& target, const std::string& token, const std::string& body,
                            const Headers& headers) const {
    return withToken(token).post(target, body, headers);
}

HttpReply TestService::put(const std::string& target, const std::string& token, const std::string& body,
                           const Headers& headers) const {
    return withToken(token).put(target, body, headers);
}

::testing::AssertionResult TestService::auditChainIntact() const {
    auto v = store::verify_audit_chain(*database_);
    if (!v) return ::testing::AssertionFailure() << "audit verification failed to run: " << v.error().message;
    if (!v->intact) {
        return ::testing::AssertionFailure() << "audit chain broken at "
                                             << (v->first_bad_seq ? std::to_string(*v->first_bad_seq) : "?") << ": "
                                             << v->problem;
    }
    return ::testing::AssertionSuccess() << v->entries_checked << " entries verified";
}

}  // namespace lims::test
