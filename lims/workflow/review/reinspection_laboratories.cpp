#include "lims/workflow/review/reinspection_laboratories.hpp"

#include "lims/workflow/documents/sql_rows.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Data/Session.h>

#include <cinttypes>
#include <cstdio>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

namespace {

using documents::select_rows;
using documents::text_or_empty;
namespace errors = domain::errors;

constexpr const char* kInspectionCentre = "inspection_centre";

bool is_directory_category(const std::string& c) { return c == "drug" || c == "cosmetic" || c == "device"; }

domain::Error bad_category(const std::string& category) {
    return errors::invalid("category", "review.reinspection_lab_category",
                           "'" + category + "' is not a directory category (drug, cosmetic, device)");
}

// The latest entry of each laboratory and category, listed ones only.
constexpr const char* kDirectorySelect =
    "SELECT o.id, o.code, o.name, e.category, e.basis, e.recorded_by_name, e.recorded_at "
    "FROM reinspection_laboratory_entries e JOIN organisations o ON o.id = e.organisation_id "
    "WHERE e.id = (SELECT max(l.id) FROM reinspection_laboratory_entries l "
    "WHERE l.organisation_id = e.organisation_id AND l.category = e.category) AND e.action = 'listed' ";

std::vector<DirectoryListing> directory_rows(store::Transaction& tx, const std::optional<std::string>& category) {
    const auto rows = category ? select_rows(tx, std::string(kDirectorySelect) + "AND e.category = $1 ORDER BY o.id",
                                             *category)
                               : select_rows(tx, std::string(kDirectorySelect) + "ORDER BY e.category, o.id");
    std::vector<DirectoryListing> out;
    for (const auto& r : rows)
        out.push_back({{std::stoll(text_or_empty(r[0])), text_or_empty(r[1]), text_or_empty(r[2])},
                       text_or_empty(r[3]),
                       text_or_empty(r[4]),
                       text_or_empty(r[5]),
                       text_or_empty(r[6])});
    return out;
}

std::string json_text(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream s;
    o->stringify(s);
    return s.str();
}

domain::Result<DirectoryEntry> change_directory(store::Database& db, const DirectoryChange& change, const Actor& actor,
                                                bool listing) {
    if (!is_directory_category(change.category)) return bad_category(change.category);
    if (change.basis.empty())
        return errors::invalid("basis", "review.reinspection_lab_basis",
                               "the notice or decision the directory change rests on is required");
    if (!actor.user_id)
        return errors::forbidden("review.person_required", "the directory is kept by a signed-in administrator");
    return db.write([&](store::Transaction& tx) -> domain::Result<DirectoryEntry> {
        auto lab = laboratory_by_code(tx, change.organisation_code, "organisation_code");
        if (!lab) return lab.error();
        const auto current = select_rows(tx,
                                         "SELECT action FROM reinspection_laboratory_entries WHERE organisation_id = $1 "
                                         "AND category = $2 ORDER BY id DESC LIMIT 1",
                                         static_cast<Poco::Int64>(lab->id), change.category);
        const bool listed = !current.empty() && text_or_empty(current[0][0]) == "listed";
        if (listing && listed)
            return errors::conflict("review.reinspection_lab_listed", lab->name + " (" + lab->code +
                                                                          ") is already in the directory for " +
                                                                          change.category);
        if (!listing && !listed)
            return errors::conflict("review.reinspection_lab_not_listed", lab->name + " (" + lab->code +
                                                                              ") is not in the directory for " +
                                                                              change.category);
        const std::string action = listing ? "listed" : "delisted";
        Poco::Int64 id = 0;
        tx.session() << "INSERT INTO reinspection_laboratory_entries (organisation_id, category, action, basis, "
                        "recorded_by, recorded_by_name, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            bind(static_cast<Poco::Int64>(lab->id)), bind(change.category), bind(action), bind(change.basis),
            bind(static_cast<Poco::Int64>(*actor.user_id)), bind(actor.name), bind(tx.now_utc()), into(id), now;
        DirectoryEntry entry{id, *lab, change.category, action, change.basis, actor.name, tx.now_utc()};
        Poco::JSON::Object::Ptr after = new Poco::JSON::Object;
        after->set("laboratory", lab->code);
        after->set("category", change.category);
        after->set("action", action);
        after->set("basis", change.basis);
        tx.record({actor.name, std::string("reinspection_laboratory.") + action, "reinspection_laboratory",
                   lab->code + ":" + change.category, "", json_text(after), change.basis});
        return entry;
    });
}

LaboratoryRef ref_of(const Poco::JSON::Object::Ptr& o) {
    return {o->getValue<Poco::Int64>("id"), o->getValue<std::string>("code"), o->getValue<std::string>("name")};
}

Poco::JSON::Object::Ptr json_of(const LaboratoryRef& lab) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", lab.id);
    o->set("code", lab.code);
    o->set("name", lab.name);
    return o;
}

}  // namespace

domain::Result<LaboratoryRef> laboratory_by_code(store::Transaction& tx, const std::string& code, const std::string& field) {
    const auto rows = select_rows(tx, "SELECT id, code, name, kind FROM organisations WHERE code = $1", code);
    if (rows.empty())
        return errors::invalid(field, "review.reinspection_lab_not_found", "there is no organisation " + code);
    if (text_or_empty(rows[0][3]) != kInspectionCentre)
        return errors::invalid(field, "review.reinspection_lab_kind",
                               text_or_empty(rows[0][2]) + " (" + code + ") is not an inspection centre (检验机构)");
    return LaboratoryRef{std::stoll(text_or_empty(rows[0][0])), text_or_empty(rows[0][1]), text_or_empty(rows[0][2])};
}

domain::Result<std::vector<DirectoryListing>> reinspection_directory(store::Database& db,
                                                                     const std::optional<std::string>& category) {
    if (category && !is_directory_category(*category)) return bad_category(*category);
    return db.read([&](store::Transaction& tx) -> domain::Result<std::vector<DirectoryListing>> {
        return directory_rows(tx, category);
    });
}

domain::Result<DirectoryEntry> list_reinspection_laboratory(store::Database& db, const DirectoryChange& change,
                                                            const Actor& actor) {
    return change_directory(db, change, actor, true);
}

domain::Result<DirectoryEntry> delist_reinspection_laboratory(store::Database& db, const DirectoryChange& change,
                                                              const Actor& actor) {
    return change_directory(db, change, actor, false);
}

std::string seed_hex(std::uint64_t seed) {
    char text[17];
    std::snprintf(text, sizeof text, "%016" PRIx64, seed);
    return text;
}

domain::Result<LaboratoryDraw> draw_reinspection_laboratory(store::Transaction& tx, const std::string& category,
                                                            const LaboratoryRef& original, std::uint64_t seed) {
    LaboratoryDraw draw{category, original, {}, seed, 0};
    for (auto& listing : directory_rows(tx, category))
        if (listing.laboratory.id != original.id) draw.candidates.push_back(std::move(listing.laboratory));
    if (draw.candidates.empty())
        return errors::conflict("review.reinspection_no_laboratory",
                                "no re-inspection laboratory is listed for " + category + " other than the original "
                                "laboratory " + original.name + " (" + original.code +
                                "): the directory (复检机构名录) needs one before a laboratory can be drawn");
    draw.chosen_index = static_cast<std::size_t>(seed % draw.candidates.size());
    return draw;
}

void record_draw(store::Transaction& tx, std::int64_t reinspection_id, const LaboratoryDraw& draw, const Actor& actor) {
    Poco::JSON::Array::Ptr candidates = new Poco::JSON::Array;
    for (const auto& c : draw.candidates) candidates->add(json_of(c));
    std::ostringstream list;
    candidates->stringify(list);
    tx.session() << "INSERT INTO reinspection_laboratory_draws (reinspection_id, category, excluded_org_id, candidates, "
                    "seed, chosen_index, chosen_org_id, drawn_by_name, drawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        bind(static_cast<Poco::Int64>(reinspection_id)), bind(draw.category), bind(static_cast<Poco::Int64>(draw.excluded.id)),
        bind(list.str()), bind(seed_hex(draw.seed)), bind(static_cast<Poco::Int64>(draw.chosen_index)),
        bind(static_cast<Poco::Int64>(draw.chosen().id)), bind(actor.name), bind(tx.now_utc()), now;
    Poco::JSON::Object::Ptr after = new Poco::JSON::Object;
    after->set("category", draw.category);
    after->set("excluded", draw.excluded.code);
    after->set("candidates", candidates);
    after->set("seed", seed_hex(draw.seed));
    after->set("chosen_index", static_cast<Poco::Int64>(draw.chosen_index));
    after->set("chosen", draw.chosen().code);
    tx.record({actor.name, "reinspection.laboratory_drawn", "reinspection", std::to_string(reinspection_id), "",
               json_text(after), "随机确定复检机构"});
}

std::optional<LaboratoryDraw> draw_of(store::Transaction& tx, std::int64_t reinspection_id) {
    const auto rows = select_rows(tx,
                                  "SELECT d.category, o.id, o.code, o.name, d.candidates, d.seed, d.chosen_index "
                                  "FROM reinspection_laboratory_draws d JOIN organisations o ON o.id = d.excluded_org_id "
                                  "WHERE d.reinspection_id = $1",
                                  static_cast<Poco::Int64>(reinspection_id));
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    LaboratoryDraw draw;
    draw.category = text_or_empty(r[0]);
    draw.excluded = {std::stoll(text_or_empty(r[1])), text_or_empty(r[2]), text_or_empty(r[3])};
    const auto parsed = Poco::JSON::Parser().parse(text_or_empty(r[4])).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < parsed->size(); ++i) draw.candidates.push_back(ref_of(parsed->getObject(i)));
    draw.seed = std::stoull(text_or_empty(r[5]), nullptr, 16);
    draw.chosen_index = static_cast<std::size_t>(std::stoll(text_or_empty(r[6])));
    return draw;
}

}  // namespace lims::workflow::review
