#include "lims/workflow/figures/risk_ledger.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/identifiers/region_code.hpp"
#include "lims/store/focus_tag_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include <algorithm>

namespace lims::workflow::figures {

namespace {

using domain::Error;
using domain::Result;
namespace errors = domain::errors;

constexpr std::size_t kMaxText = 2000;  // a paragraph of a risk register, not a report

Error invalid(const std::string& field, const std::string& message) {
    return errors::invalid(field, "risk.invalid", field + ": " + message);
}

Error stale(const store::Risk& r, std::int64_t given) {
    return errors::stale("risk.stale_version", "risk " + r.number + " is at version " + std::to_string(r.version) +
                                                   ", not " + std::to_string(given) + ": reload and retry");
}

std::optional<Error> check_text(const std::string& field, const std::string& value, bool required) {
    if (required && value.empty()) return invalid(field, "is empty");
    if (value.size() > kMaxText) return invalid(field, "is longer than " + std::to_string(kMaxText) + " bytes");
    return std::nullopt;
}

bool responsible_for(const Actor& actor, const store::Risk& r) {
    for (const auto& i : r.items)
        if (i.responsible_org_id && actor.org_id && *i.responsible_org_id == *actor.org_id) return true;
    return false;
}

Result<store::Risk> visible_risk(store::Transaction& tx, const Actor& actor, const std::string& number) {
    auto risk = store::RiskRepository(tx).get_by_number(number);
    if (!risk || !(jurisdiction::covers(actor, risk->org_path) || responsible_for(actor, *risk)))
        return errors::not_found("risk.not_found", "There is no risk " + number + ".");
    return risk;
}

}  // namespace

Result<store::Risk> create_risk(store::Database& db, const Actor& actor, const RiskRequest& r) {
    if (!actor.org_id) return errors::forbidden("risk.no_organisation", "The caller belongs to no organisation.");
    if (auto bad = check_text("title", r.title, true)) return *bad;
    if (auto bad = check_text("description", r.description, false)) return *bad;
    if (auto bad = check_text("source", r.source, true)) return *bad;
    if (r.region_code && !domain::RegionCode::parse(*r.region_code))
        return invalid("region_code", "\"" + *r.region_code + "\" is not a GB/T 2260 region code");
    if (r.items.empty()) return invalid("items", "a risk needs at least one item to close");
    for (std::size_t i = 0; i < r.items.size(); ++i) {
        const std::string at = "items[" + std::to_string(i) + "].";
        if (auto bad = check_text(at + "description", r.items[i].description, true)) return *bad;
        if (r.items[i].due_on && !domain::parse_date(*r.items[i].due_on))
            return invalid(at + "due_on", "\"" + *r.items[i].due_on + "\" is not a date YYYY-MM-DD");
    }
    return db.write([&](store::Transaction& tx) -> Result<store::Risk> {
        if (r.focus_tag && !store::FocusTagRepository(tx).exists(*r.focus_tag))
            return invalid("focus_tag", "\"" + *r.focus_tag + "\" is not in the focus-variety list (GET /api/v1/focus-tags)");
        store::Risk risk;
        risk.org_id = *actor.org_id;
        risk.title = r.title;
        risk.description = r.description;
        risk.source = r.source;
        risk.tag_code = r.focus_tag;
        risk.region_code = r.region_code;
        risk.created_by = actor.name;
        for (std::size_t i = 0; i < r.items.size(); ++i) {
            const auto& item = r.items[i];
            if (item.responsible_org_id) {
                auto held = jurisdiction::holds_organisation(tx, actor, *item.responsible_org_id);
                if (!held) return held.error();
                if (!*held)
                    return jurisdiction::body_id_refused("items[" + std::to_string(i) + "].responsible_org_id",
                                                         "organisation", *item.responsible_org_id);
            }
            store::RiskItem row;
            row.description = item.description;
            row.responsible_org_id = item.responsible_org_id;
            row.due_on = item.due_on;
            risk.items.push_back(std::move(row));
        }
        auto now = domain::parse_instant(tx.now_utc());
        if (!now) return now.error();
        auto created = store::RiskRepository(tx).create(risk, domain::year_of(domain::local_date(*now)));
        if (!created) return created.error();
        tx.record({actor.name, "risk.create", "risk", created->number, "", store::to_json(*created), ""});
        return created;
    });
}

Result<store::Risk> get_risk(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) { return visible_risk(tx, actor, number); });
}

Result<RiskPage> list_risks(store::Database& db, const Actor& actor, std::optional<std::string> state,
                            std::int64_t before_id, int limit) {
    if (state && *state != "open" && *state != "closed")
        return invalid("state", "\"" + state->substr(0, 40) + "\" is not open or closed");
    return db.read([&](store::Transaction& tx) -> Result<RiskPage> {
        store::RiskListQuery q;
        q.within_path = actor.org_path;
        q.state = state;
        q.before_id = before_id;
        q.limit = std::clamp(limit, 1, 500);
        RiskPage page;
        page.items = store::RiskRepository(tx).list(q);
        if (static_cast<int>(page.items.size()) > q.limit) {
            page.items.pop_back();
            page.next_before_id = page.items.back().id;
        }
        return page;
    });
}

Result<store::Risk> close_risk_item(store::Database& db, const Actor& actor, const std::string& number,
                                    const ItemClosureRequest& c, std::int64_t expected_version) {
    if (auto bad = check_text("evidence", c.evidence, true)) return *bad;
    if (auto bad = check_text("note", c.note, false)) return *bad;
    return db.write([&](store::Transaction& tx) -> Result<store::Risk> {
        auto risk = visible_risk(tx, actor, number);
        if (!risk) return risk.error();
        auto item = std::find_if(risk->items.begin(), risk->items.end(),
                                 [&](const store::RiskItem& i) { return i.position == c.position; });
        if (item == risk->items.end())
            return invalid("position", "risk " + number + " has no item " + std::to_string(c.position) + " (it has " +
                                           std::to_string(risk->items.size()) + ")");
        // A user of the risk's organisation closes any item; a responsible organisation its own.
        if (!jurisdiction::covers(actor, risk->org_path) &&
            !(item->responsible_org_id && actor.org_id && *item->responsible_org_id == *actor.org_id))
            return errors::forbidden("risk.not_responsible", "item " + std::to_string(c.position) + " of risk " + number +
                                                                 " is another organisation's to close");
        if (risk->state == "closed") return errors::conflict("risk.closed", "risk " + number + " is closed");
        if (item->closure)
            return errors::conflict("risk.item_closed", "item " + std::to_string(c.position) + " of risk " + number +
                                                            " was closed by " + item->closure->closed_by_name + " at " +
                                                            item->closure->closed_at);
        if (risk->version != expected_version) return stale(*risk, expected_version);
        store::RiskRepository repo(tx);
        const std::string at = tx.now_utc();
        auto closed = repo.close_item(item->id, {c.evidence, c.note, actor.user_id, actor.name, at});
        if (!closed) {
            if (store::kind_of(closed.error()) == store::StoreErrorKind::conflict)
                return errors::conflict("risk.item_closed", "item " + std::to_string(c.position) + " of risk " + number +
                                                                " was closed meanwhile");
            return closed.error();
        }
        const bool last = std::all_of(risk->items.begin(), risk->items.end(),
                                      [&](const store::RiskItem& i) { return i.closure || i.id == item->id; });
        auto after = repo.advance(*risk, expected_version, last, at);
        if (!after) {
            if (store::kind_of(after.error()) == store::StoreErrorKind::conflict) return stale(*risk, expected_version);
            return after.error();
        }
        tx.record({actor.name, "risk.item_close", "risk", number, store::to_json(*risk), store::to_json(*after),
                   "item " + std::to_string(c.position) + ": " + c.evidence});
        if (last) tx.record({actor.name, "risk.close", "risk", number, "", store::to_json(*after), "every item closed"});
        return after;
    });
}

}  // namespace lims::workflow::figures
