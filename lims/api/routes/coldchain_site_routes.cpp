// /api/v1/coldchain/site-status, /excursions and /recording-compliance: the board of the
// caller's sites, what went wrong there and whether the GSP recording interval was kept.
#include "lims/api/routes/coldchain_common.hpp"

namespace lims::api::coldchain_routes {

namespace {

Json status_json(const cc::UnitStatus& s) {
    Json j = parse_object(store::to_json(s.unit));
    if (s.logger_id) j->set("logger_id", *s.logger_id);
    if (s.last_reading_utc) j->set("last_reading_utc", *s.last_reading_utc);
    if (s.last_centi_celsius) j->set("last_centi_celsius", *s.last_centi_celsius);
    if (s.open_alarms) j->set("open_alarms", *s.open_alarms);
    if (!s.logger_serial.empty()) j->set("logger_serial", s.logger_serial);
    if (s.no_data_since_utc) j->set("no_data_since_utc", *s.no_data_since_utc);
    if (s.logger_id) j->set("stale_after_s", s.stale_after_s);
    if (!s.link_state.empty()) j->set("link_state", s.link_state);
    j->set("state", s.state);
    return j;
}

Json gap_json(const lims::coldchain::RecordingGap& g) {
    Json j = newObject();
    j->set("from_utc", g.from);
    j->set("to_utc", g.to);
    j->set("allowed_s", g.allowed);
    j->set("requirement", std::string(lims::coldchain::to_string(g.requirement)));
    return j;
}

Json site_json(const cc::SiteCompliance& site) {
    Json s = newObject();
    if (site.entity_id) s->set("entity_id", *site.entity_id);
    s->set("org_id", site.org_id);
    s->set("name", site.name);
    s->set("compliant", site.compliant());
    s->set("storage_units", static_cast<Poco::UInt64>(site.storage_units));
    s->set("gaps", static_cast<Poco::UInt64>(site.gap_count()));
    s->set("longest_gap_s", site.longest_gap());
    Poco::JSON::Array::Ptr unwatched = new Poco::JSON::Array;
    for (auto id : site.unwatched_units) unwatched->add(id);
    s->set("unwatched_units", unwatched);
    Poco::JSON::Array::Ptr placements = new Poco::JSON::Array;
    for (const auto& p : site.placements) {
        Json j = newObject();
        j->set("logger_id", p.logger_id);
        j->set("logger_serial", p.logger_serial);
        j->set("storage_unit_id", p.storage_unit_id);
        j->set("storage_unit_code", p.storage_unit_code);
        j->set("from_utc", p.from_utc);
        j->set("to_utc", p.to_utc);
        j->set("records", static_cast<Poco::UInt64>(p.records));
        j->set("compliant", p.gaps.empty());
        Poco::JSON::Array::Ptr gaps = new Poco::JSON::Array;
        for (const auto& g : p.gaps) gaps->add(gap_json(g));
        j->set("gaps", gaps);
        placements->add(j);
    }
    s->set("placements", placements);
    return s;
}

}  // namespace

void add_site_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    auto links = context.instrumentStatus;

    router.add({"GET", "/api/v1/coldchain/site-status", "coldChainSiteStatus",
                "For each storage unit: its logger, last reading and state (ok, no_data, out_of_range, excursion, "
                "offline, sensor_fault, no_logger); no_data_since_utc as soon as data stops (the poller's link_state "
                "down, or no reading for stale_after_s)",
                AuthRequirement::User, std::nullopt,
                [db, links](const Request& r) {
                    cc::LinkStateOf link_state;
                    if (links)
                        link_state = [&links](const std::string& serial) {
                            auto link = links->link(serial);
                            return link ? link->state : std::string();
                        };
                    auto board = cc::site_status(*db, actor_of(r), now_utc(), link_state);
                    if (!board) return Response::error(board.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& s : *board) items->add(status_json(s));
                    Json body = newObject();
                    body->set("items", items);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/recording-compliance", "recordingComplianceBySite",
                "Recording-interval compliance per site over [from, to] (UTC seconds; default the last day, at most "
                "92 days): each storage unit's logger placements with their gaps beyond the GSP annex's limits "
                "(30 min in storage, 2 while out of range) and the units no logger watched",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    auto period = query_period(r);
                    if (!period) return Response::problem(period.problem());
                    auto report = cc::site_compliance(*db, actor_of(r), period->from, period->to);
                    if (!report) return Response::error(report.error());
                    Poco::JSON::Array::Ptr sites = new Poco::JSON::Array;
                    for (const auto& site : report->sites) sites->add(site_json(site));
                    Json body = newObject();
                    body->set("from_utc", report->from_utc);
                    body->set("to_utc", report->to_utc);
                    body->set("compliant", report->compliant());
                    body->set("sites", sites);
                    return Response::json(200, body);
                },
                200, kPeopleRoles});

    router.add({"GET", "/api/v1/coldchain/excursions", "listExcursions",
                "Excursions at the caller's storage units and shipments (?logger_id, ?storage_unit_id, ?after_id)",
                AuthRequirement::User, std::nullopt,
                [db](const Request& r) {
                    store::ExcursionFilter f;
                    std::optional<std::int64_t> after;
                    for (auto [name, slot] : {std::pair{"logger_id", &f.logger_id}, std::pair{"storage_unit_id", &f.storage_unit_id},
                                              std::pair{"after_id", &after}})
                        if (auto p = query_int(r, name, *slot)) return Response::problem(*p);
                    f.after_id = after.value_or(0);
                    auto rows = cc::excursions(*db, actor_of(r), f);
                    if (!rows) return Response::error(rows.error());
                    return items_of(*rows);
                },
                200, kPeopleRoles});
}

}  // namespace lims::api::coldchain_routes
