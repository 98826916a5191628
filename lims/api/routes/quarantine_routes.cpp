// The quarantine list and its resolution (laboratory staff, within their jurisdiction) and
// raw messages as received: /api/v1/quarantine, /{id}, /{id}/assign|discard, /raw-messages/{id}.
#include "lims/api/routes/ingest_common.hpp"

#include "lims/api/route_modules.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/api/person_names.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include <Poco/JSON/Array.h>

namespace lims::api::ingest_tables {

namespace {

namespace wi = lims::workflow::ingest;

// ---- quarantine and raw messages ------------------------------------------------------------

Poco::JSON::Object::Ptr quarantineJson(const store::QuarantineEntry& e) { return parseObject(store::to_json(e)); }

// Who assigned or discarded an entry: named beside the login (person_names.hpp).
const std::vector<std::string> kResolver{"resolved_by"};

// The If-Match of a resolution (required: two analysts must not resolve one entry twice).
// A missing or malformed one is reported only for an entry the caller may see: another
// jurisdiction's entry stays the missing record's 404.
Outcome<std::optional<std::int64_t>> resolutionIfMatch(store::Database& db, const Request& r, std::int64_t id) {
    auto v = requireIfMatch(r);
    if (v) return std::optional<std::int64_t>{*v};
    auto e = wi::find_quarantine_entry(db, actor_of(r), id);
    if (!e) return problems::from_error(e.error());
    return v.problem();
}

}  // namespace

void add_quarantine_routes(Router& router, const std::shared_ptr<store::Database>& db) {
    router.add({"GET", "/api/v1/quarantine", "listQuarantine",
                "Quarantined observations of the caller's laboratories (?state=open|assigned|discarded)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto page = readIdPage(r);
                    if (!page) return Response::problem(page.problem());
                    std::optional<std::string> state;
                    if (auto s = r.query.find("state"); s != r.query.end()) state = s->second;
                    auto rows = wi::list_quarantine(*db, actor_of(r), state, page->after_id, page->limit);
                    if (!rows) return Response::error(rows.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& e : rows->items) items->add(quarantineJson(e));
                    return Response::json(200, with_person_names(*db, idPageJson(items, rows->next_after_id), kResolver));
                },
                200, kLabStaff});

    router.add({"GET", "/api/v1/quarantine/{id}", "getQuarantineEntry", "One quarantine entry with its ETag",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    auto e = wi::find_quarantine_entry(*db, actor_of(r), *id);
                    if (!e) return Response::error(e.error());
                    return Response::json(200, with_person_names(*db, quarantineJson(*e), kResolver)).withHeader("ETag", etagFor(e->version));
                },
                200, kLabStaff});

    router.add({"POST", "/api/v1/quarantine/{id}/assign", "assignQuarantineEntry",
                "Assign a quarantined observation to a sample's test: its result is recorded (pending review)",
                AuthRequirement::User,
                ObjectSchema{{field::string("sample_number").length(1, 40).describedAs("or a test portion barcode"),
                              field::string("test_code").length(1, 64)}},
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    auto expected = resolutionIfMatch(*db, r, *id);
                    if (!expected) return Response::problem(expected.problem());
                    auto done = wi::assign_quarantined(
                        *db, *id,
                        {r.json->getValue<std::string>("sample_number"), r.json->getValue<std::string>("test_code"),
                         *expected},
                        actor_of(r));
                    if (!done) return Response::error(done.error());
                    return Response::json(200, with_person_names(*db, quarantineJson(done->entry), kResolver)).withHeader("ETag", etagFor(done->entry.version));
                },
                200, kResolvers});

    router.add({"POST", "/api/v1/quarantine/{id}/discard", "discardQuarantineEntry",
                "Discard a quarantined observation, with the reason", AuthRequirement::User,
                ObjectSchema{{field::string("reason").length(1, 1000).multiLineText()}},
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    auto expected = resolutionIfMatch(*db, r, *id);
                    if (!expected) return Response::problem(expected.problem());
                    auto done = wi::discard_quarantined(*db, *id, r.json->getValue<std::string>("reason"), *expected,
                                                        actor_of(r));
                    if (!done) return Response::error(done.error());
                    return Response::json(200, with_person_names(*db, quarantineJson(done->entry), kResolver))
                        .withHeader("ETag", etagFor(done->entry.version));
                },
                200, kResolvers});

    router.add({"GET", "/api/v1/raw-messages/{id}", "getRawMessage",
                "A message exactly as the instrument sent it (bytes in base64) with its SHA-256",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("raw message", r.params.at("id")));
                    auto m = wi::find_raw_message(*db, actor_of(r), *id);
                    if (!m) return Response::error(m.error());
                    auto o = newObject();
                    o->set("id", m->message.id);
                    o->set("instrument", m->instrument_code);
                    o->set("protocol", m->message.protocol);
                    o->set("received_at", m->message.received_at);
                    o->set("sha256", m->message.sha256);
                    o->set("bytes_base64", base64(m->message.bytes));
                    return Response::json(200, o);
                },
                200, kLabStaff});
}

}  // namespace lims::api::ingest_tables
