// The site board, excursions, compliance, alarms and shipments of site_use_cases.hpp.
#include "lims/workflow/coldchain/site_use_cases.hpp"

#include "lims/workflow/coldchain/site_rules.hpp"

#include <Poco/Data/Session.h>

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace lims::workflow::coldchain {

namespace {

template <typename T, typename Work>
domain::Result<T> reading(store::Database& db, const Actor& caller, Work work) {
    return db.read([&](store::Transaction& tx) -> domain::Result<T> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        return work(tx, *subtree);
    });
}

// One unit's line of the board: its logger now, that logger's last reading and the
// unit's uncleared alarms, the worst of which names the state.
domain::Result<UnitStatus> status_of(store::Transaction& tx, const store::StorageUnitRow& unit, std::int64_t now_utc,
                                     const LinkStateOf& link_state) {
    UnitStatus s;
    s.unit = unit;
    s.state = "no_logger";
    std::vector<Poco::Int64> logger, placed_from;
    std::vector<std::string> serial;
    tx.session() << "SELECT p.logger_id, p.from_utc, l.serial FROM logger_placements p JOIN loggers l ON l.id = p.logger_id "
                    "WHERE p.storage_unit_id = $1 AND p.to_utc IS NULL",
        bind(unit.id), into(logger), into(placed_from), into(serial), now;
    if (logger.empty()) return s;
    s.logger_id = logger.front();
    s.logger_serial = serial.front();
    std::vector<Poco::Int64> at;
    std::vector<int> centi, flags;
    tx.session() << "SELECT at_utc, centi_celsius, flags FROM readings WHERE logger_id = $1 ORDER BY at_utc DESC LIMIT 1",
        bind(logger.front()), into(at), into(centi), into(flags), now;
    if (!at.empty()) {
        s.last_reading_utc = at.front();
        if (!(flags.front() & kFlagSensorFault)) s.last_centi_celsius = centi.front();
    }
    std::vector<std::string> kinds;
    tx.session() << "SELECT kind FROM coldchain_alarms WHERE logger_id = $1 AND storage_unit_id = $2 AND cleared_at_utc IS NULL",
        bind(logger.front()), bind(unit.id), into(kinds), now;
    s.state = "ok";
    for (const char* k : {"out_of_range", "sensor_fault", "offline", "excursion"})
        if (std::find(kinds.begin(), kinds.end(), k) != kinds.end()) s.state = k;
    s.open_alarms = static_cast<std::int64_t>(kinds.size());

    // Has data stopped? A polled logger is expected every interval; any other as often as
    // its rule's offline alarm delay. A link the drivers report down says so at once.
    std::vector<int> interval;
    tx.session() << "SELECT interval_seconds FROM logger_settings WHERE logger_id = $1 AND active = 1", bind(logger.front()),
        into(interval), now;
    if (!interval.empty()) {
        s.stale_after_s = 2 * static_cast<std::int64_t>(interval.front());
    } else {
        auto in_force = rule_in_force(tx, unit, unit.kind == "transport_box" ? lims::coldchain::RecordingContext::transport
                                                                              : lims::coldchain::RecordingContext::storage);
        if (!in_force) return in_force.error();
        s.stale_after_s = in_force->rules->offline_alarm_after;
    }
    if (link_state) s.link_state = link_state(s.logger_serial);
    const bool link_down = s.link_state == "failed" || s.link_state == "backing_off" || s.link_state == "stopped";
    const std::int64_t since = s.last_reading_utc.value_or(placed_from.front());
    if (link_down || now_utc - since > s.stale_after_s) {
        s.no_data_since_utc = since;
        if (s.state == "ok") s.state = "no_data";
    }
    return s;
}

}  // namespace

domain::Result<std::vector<UnitStatus>> site_status(store::Database& db, const Actor& caller, std::int64_t now_utc,
                                                    const LinkStateOf& link_state) {
    using Board = std::vector<UnitStatus>;
    return reading<Board>(db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<Board> {
        auto units = store::StorageUnitRepository(tx).list(s.ids());
        if (!units) return units.error();
        Board board;
        board.reserve(units->size());
        for (const auto& u : *units) {
            auto line = status_of(tx, u, now_utc, link_state);
            if (!line) return line.error();
            board.push_back(std::move(*line));
        }
        return board;
    });
}

domain::Result<std::vector<store::ExcursionRow>> excursions(store::Database& db, const Actor& caller,
                                                           store::ExcursionFilter filter) {
    using Rows = std::vector<store::ExcursionRow>;
    return reading<Rows>(db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<Rows> {
        filter.org_ids = s.ids();
        if (filter.org_ids.empty()) return Rows{};  // an empty filter would mean "everywhere"
        return store::ExcursionRepository(tx).list(filter);
    });
}

domain::Result<ComplianceReport> site_compliance(store::Database& db, const Actor& caller, std::int64_t from_utc,
                                                 std::int64_t to_utc) {
    return reading<ComplianceReport>(db, caller, [&](store::Transaction& tx, const Subtree& s) {
        return recording_compliance(tx, s.ids(), from_utc, to_utc);
    });
}

domain::Result<std::vector<store::AlarmRow>> alarms(store::Database& db, const Actor& caller, store::AlarmFilter filter) {
    using Rows = std::vector<store::AlarmRow>;
    return reading<Rows>(db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<Rows> {
        filter.org_ids = s.ids();
        if (filter.org_ids.empty()) return Rows{};  // an empty filter would mean "everywhere"
        return store::AlarmRepository(tx).list(filter);
    });
}

namespace {
domain::Result<store::AlarmRow> visible_alarm(store::Transaction& tx, const Subtree& subtree, std::int64_t alarm_id) {
    auto alarm = store::AlarmRepository(tx).get(alarm_id);
    if (!alarm) {
        if (alarm.error().kind == domain::ErrorKind::not_found) return not_visible("alarm", alarm_id);
        return alarm.error();
    }
    if (!subtree.contains(alarm->org_id)) return not_visible("alarm", alarm_id);
    return alarm;
}
}  // namespace

domain::Result<store::AlarmRow> find_alarm(store::Database& db, const Actor& caller, std::int64_t alarm_id) {
    return reading<store::AlarmRow>(db, caller, [&](store::Transaction& tx, const Subtree& s) {
        return visible_alarm(tx, s, alarm_id);
    });
}

domain::Result<store::AlarmRow> acknowledge(store::Database& db, const Actor& caller, std::int64_t alarm_id,
                                            const std::string& note, std::int64_t expected_version) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::AlarmRow> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        if (auto alarm = visible_alarm(tx, *subtree, alarm_id); !alarm) return alarm.error();
        if (!caller.user_id)  // an acknowledgement is a person's word on what was done
            return domain::errors::forbidden("coldchain.acknowledgement.person", "only a signed-in person acknowledges an alarm");
        return store::AlarmRepository(tx).acknowledge(alarm_id, *caller.user_id, note, expected_version, caller.name);
    });
}

domain::Result<void> bind_transport_box(store::Database& db, const Actor& caller, std::int64_t shipment_id,
                                        std::int64_t storage_unit_id, std::int64_t at_utc) {
    return db.write([&](store::Transaction& tx) -> domain::Result<void> {
        auto subtree = Subtree::of(tx, caller);
        if (!subtree) return subtree.error();
        auto parties = shipment_parties(tx, shipment_id);
        if (!parties) return parties.error();
        if (!*parties || !subtree->contains((*parties)->from_org_id)) return not_visible("shipment", shipment_id);
        auto box = store::StorageUnitRepository(tx).get(storage_unit_id);
        if (!box && box.error().kind != domain::ErrorKind::not_found) return box.error();
        if (!box || !subtree->contains(box->org_id))
            return jurisdiction::body_id_refused("storage_unit_id", "storage unit", storage_unit_id);
        return bind_transport_box(tx, shipment_id, storage_unit_id, at_utc, caller.name);
    });
}

domain::Result<TripVerdict> shipment_verdict(store::Database& db, const Actor& caller, std::int64_t shipment_id,
                                             std::int64_t receipt_utc) {
    return reading<TripVerdict>(db, caller, [&](store::Transaction& tx, const Subtree& s) -> domain::Result<TripVerdict> {
        auto parties = shipment_parties(tx, shipment_id);
        if (!parties) return parties.error();
        if (!*parties || !(s.contains((*parties)->from_org_id) || s.contains((*parties)->to_org_id)))
            return not_visible("shipment", shipment_id);
        return trip_verdict(tx, shipment_id, receipt_utc);
    });
}

}  // namespace lims::workflow::coldchain
