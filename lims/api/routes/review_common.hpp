// What the review chain's route tables share (review_test_routes.cpp: worklists, tests,
// results and reports; review_notice_routes.cpp: notices, case leads, re-inspection): JSON
// shapes, path and query ids, the signing password check, and the jurisdiction check of a
// record named in the path (workflow/review/visibility: another jurisdiction's record is
// answered 404). Internal to lims/api/routes.
#pragma once

#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/password_hash.hpp"
#include "lims/api/route_modules.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"
#include "lims/workflow/case_leads/open_case_lead.hpp"
#include "lims/workflow/review/notices.hpp"
#include "lims/workflow/review/receipt_hook.hpp"
#include "lims/workflow/review/record_result.hpp"
#include "lims/workflow/review/reinspection.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/workflow/review/review_result.hpp"
#include "lims/workflow/store_time.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <limits>
#include <optional>
#include <mutex>

namespace lims::api::review_tables {

namespace wf = lims::workflow;
namespace rv = lims::workflow::review;
using Json = Poco::JSON::Object::Ptr;
using enum domain::Role;

inline Response with_etag(Response r, std::int64_t version) { return std::move(r).withHeader("ETag", etagFor(version)); }

inline std::string text(const Json& o, const std::string& key, const std::string& fallback = "") {
    return o && o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : fallback;
}

inline Outcome<std::int64_t> id_param(const Request& r, const std::string& name) {
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(r.params.at(name), id) || id <= 0)
        return problems::notFound(name + " " + r.params.at(name) + " does not exist");
    return static_cast<std::int64_t>(id);
}

inline Poco::Dynamic::Var parsed(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json);
}

inline Json test_json(const store::TestRecord& t) { return parsed(store::to_json(t)).extract<Json>(); }
inline Json report_json(const store::ReportRecord& r) {
    auto o = parsed(store::to_json(r)).extract<Json>();
    if (!r.content_json.empty()) o->set("content", parsed(r.content_json));
    return o;
}
inline Json notice_json(const store::NoticeRecord& n) { return parsed(store::to_json(n)).extract<Json>(); }
inline Json lead_json(const store::CaseLeadRecord& l) { return parsed(store::to_json(l)).extract<Json>(); }

inline FieldSchema password() { return field::string("password").withFormat("password").length(1, kMaxPasswordLength); }

inline rv::SigningIntent signing_of(const Request& r) { return {text(r.json, "password"), r.clientAddress}; }

// ?key=<id>: nullopt when absent; a value that is not an id is a 422 naming the parameter
// (a filter silently dropped would answer more than was asked for).
inline Outcome<std::optional<std::int64_t>> optional_id(const Request& r, const std::string& key) {
    auto it = r.query.find(key);
    if (it == r.query.end()) return std::optional<std::int64_t>{};
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(it->second, v) || v <= 0)
        return problems::validation({{key, "'" + it->second + "' is not an id"}});
    return std::optional<std::int64_t>{v};
}

// The signer's password is checked here, before the signing transaction (Argon2 must not
// run while SQLite's only write lock is held) and through the login throttles; inside it,
// the use case only compares the stored hash with the one checked (a password changed in
// between fails the signature). No password (a reject): the use case asks for none.
inline Outcome<rv::PasswordCheck> checked_password(AuthService& auth, const Request& r) {
    const std::string typed = text(r.json, "password");
    if (typed.empty()) return rv::PasswordCheck([](std::string_view, const std::string&) { return false; });
    auto verified = auth.verifySigningPassword(*r.principal, typed, r.clientAddress);
    if (!verified) return verified.problem();
    return rv::PasswordCheck([hash = *verified, typed](std::string_view given, const std::string& stored) {
        return stored == hash && given == typed;
    });
}

// ---- jurisdiction ---------------------------------------------------------------------
using Record = rv::RecordKind;

// The 404 (the same as for a missing record) unless the record named by `param` lies in
// the caller's organisation subtree (rv::check_visible). Checked before the If-Match
// precondition and the use case, so another jurisdiction's record is never admitted to
// exist, not even as a 403, 409 or 428.
inline std::optional<Response> hidden_from_caller(store::Database& db, const Request& r, Record kind,
                                                  const std::string& param) {
    auto visible = rv::check_visible(db, actor_of(r), kind, r.params.at(param));
    if (!visible) return Response::error(visible.error());
    return std::nullopt;
}

void add_test_report_routes(Router& router, const RouteContext& context);
void add_notice_lead_routes(Router& router, const RouteContext& context);

}  // namespace lims::api::review_tables
