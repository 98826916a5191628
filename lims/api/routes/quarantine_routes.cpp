// The quarantine list and its resolution (laboratory staff, within their jurisdiction) and
// raw messages as received: /api/v1/quarantine, /{id}, /{id}/assign|discard, /raw-messages/{id}.
#include "lims/api/routes/ingest_common.hpp"

#include "lims/api/route_modules.hpp"
#include "lims/api/conventions.hpp"
#include "lims/api/json_text.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/quarantine_repository.hpp"
#include "lims/store/raw_message_repository.hpp"
#include "lims/workflow/ingest/quarantine_resolution.hpp"

#include <Poco/JSON/Array.h>

namespace lims::api::ingest_tables {

namespace {

using domain::Role;

// ---- quarantine and raw messages ------------------------------------------------------------

Poco::JSON::Object::Ptr quarantineJson(const store::QuarantineEntry& e) { return parseObject(store::to_json(e)); }

// The If-Match of a resolution (required: two analysts must not resolve one entry twice).
// A missing or malformed one is reported only for an entry the caller may see: another
// jurisdiction's entry stays the missing record's 404.
Outcome<std::optional<std::int64_t>> resolutionIfMatch(store::Database& db, const Request& r, std::int64_t id) {
    auto v = requireIfMatch(r);
    if (v) return std::optional<std::int64_t>{*v};
    std::optional<Problem> hidden;
    auto done = db.read([&](store::Transaction& tx) -> domain::Result<store::Done> {
        auto e = workflow::ingest::visible_quarantine_entry(tx, id, r.principal->organisationPath);
        if (!e) hidden = problems::from_error(e.error());
        return store::Done{};
    });
    if (!done) return problems::from_error(done.error());
    if (hidden) return *hidden;
    return v.problem();
}

}  // namespace

void add_quarantine_routes(Router& router, const std::shared_ptr<store::Database>& db) {
    router.add({"GET", "/api/v1/quarantine", "listQuarantine",
                "Quarantined observations of the caller's laboratories (?state=open|assigned|discarded)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto page = readPage(r);
                    if (!page) return Response::problem(page.problem());
                    store::QuarantineQuery q;
                    q.org_path_prefix = r.principal->organisationPath;
                    q.limit = static_cast<int>(page->limit) + 1;
                    auto after = cursorAfterId(*page);
                    if (!after) return Response::problem(after.problem());
                    if (*after > 0) q.after_id = *after;
                    if (auto s = r.query.find("state"); s != r.query.end()) {
                        if (s->second != "open" && s->second != "assigned" && s->second != "discarded")
                            return Response::problem(
                                problems::validation({{"state", "must be open, assigned or discarded"}}));
                        q.state = s->second;
                    }
                    return inRead(*db, [&](store::Transaction& tx) {
                        store::QuarantineRepository quarantine(tx);
                        auto rows = quarantine.list(q);
                        if (!rows) return Response::error(rows.error());
                        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                        std::optional<std::vector<std::string>> next;
                        for (std::size_t k = 0; k < rows->size(); ++k) {
                            if (k == page->limit) {
                                next = std::vector<std::string>{std::to_string((*rows)[k - 1].id)};
                                break;
                            }
                            items->add(quarantineJson((*rows)[k]));
                        }
                        return Response::json(200, pageJson(items, next));
                    });
                },
                200, kLabStaff});

    router.add({"GET", "/api/v1/quarantine/{id}", "getQuarantineEntry", "One quarantine entry with its ETag",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("quarantine entry", r.params.at("id")));
                    return inRead(*db, [&](store::Transaction& tx) {
                        auto e = workflow::ingest::visible_quarantine_entry(tx, *id, r.principal->organisationPath);
                        if (!e) return Response::error(e.error());
                        return Response::json(200, quarantineJson(*e)).withHeader("ETag", etagFor(e->version));
                    });
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
                    auto done = workflow::ingest::assign_quarantined(
                        *db, *id,
                        {r.json->getValue<std::string>("sample_number"), r.json->getValue<std::string>("test_code"),
                         *expected},
                        {r.principal->username, r.principal->organisationPath});
                    if (!done) return Response::error(done.error());
                    auto o = quarantineJson(done->entry);
                    return Response::json(200, o).withHeader("ETag", etagFor(done->entry.version));
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
                    auto done = workflow::ingest::discard_quarantined(*db, *id, r.json->getValue<std::string>("reason"),
                                                                      *expected,
                                                                      {r.principal->username, r.principal->organisationPath});
                    if (!done) return Response::error(done.error());
                    return Response::json(200, quarantineJson(done->entry))
                        .withHeader("ETag", etagFor(done->entry.version));
                },
                200, kResolvers});

    router.add({"GET", "/api/v1/raw-messages/{id}", "getRawMessage",
                "A message exactly as the instrument sent it (bytes in base64) with its SHA-256",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    const auto id = idParam(r, "id");
                    if (!id) return Response::problem(notVisible("raw message", r.params.at("id")));
                    return inRead(*db, [&](store::Transaction& tx) {
                        store::RawMessageRepository raw(tx);
                        auto m = raw.get(*id);
                        if (!m || !m->instrument_id) return Response::problem(notVisible("raw message", r.params.at("id")));
                        store::InstrumentRepository instruments(tx);
                        auto i = instruments.get(*m->instrument_id);
                        if (!i || !withinJurisdiction(r.principal->organisationPath, orgPathOf(tx, i->org_id)))
                            return Response::problem(notVisible("raw message", r.params.at("id")));
                        auto o = newObject();
                        o->set("id", m->id);
                        o->set("instrument", i->code);
                        o->set("protocol", m->protocol);
                        o->set("received_at", m->received_at);
                        o->set("sha256", m->sha256);
                        o->set("bytes_base64", base64(m->bytes));
                        return Response::json(200, o);
                    });
                },
                200, kLabStaff});
}

}  // namespace lims::api::ingest_tables
