#include "lims/workflow/sampling/shipments.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/registration.hpp"
#include "lims/workflow/sampling/shipment_list.hpp"
#include "lims/workflow/sampling/state_tables.hpp"

#include <Poco/Data/Statement.h>

#include <chrono>
#include <set>

using namespace Poco::Data::Keywords;

namespace lims::workflow::sampling {

namespace {

using domain::Error;
template <typename T>
using Result = domain::Result<T>;

// A time given by a person for a departure or arrival: UTC, not in the future; now when absent.
Result<std::chrono::sys_seconds> moment(const std::string& field, const std::optional<std::string>& given) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!given) return now;
    auto t = parse_utc(*given);
    if (!t) return invalid_field(field, "\"" + *given + "\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
    if (*t > now + kClockSkewAllowance) return invalid_field(field, *given + " is in the future");
    return *t;
}

Error versioned(const Error& e, const std::string& what, std::int64_t current, std::int64_t given) {
    if (store::kind_of(e) == store::StoreErrorKind::conflict) return stale_version(what, current, given);
    return e;
}

bool shipment_visible(const Actor& actor, const store::Shipment& s) {
    return jurisdiction::covers(actor, s.from_path) || jurisdiction::covers(actor, s.to_path);
}

}  // namespace

Result<store::Shipment> create_shipment(store::Database& db, const Actor& actor, const ShipmentRequest& r) {
    if (r.sample_numbers.empty()) return invalid_field("samples", "a shipment carries at least one sample");
    if (std::set<std::string>(r.sample_numbers.begin(), r.sample_numbers.end()).size() != r.sample_numbers.size())
        return invalid_field("samples", "a sample is listed twice");
    return db.write([&](store::Transaction& tx) -> Result<store::Shipment> {
        store::SampleRepository samples(tx);
        store::ShipmentRepository shipments(tx);
        std::vector<domain::Sample> loaded;
        std::optional<Error> sample_error;
        for (std::size_t i = 0; i < r.sample_numbers.size() && !sample_error; ++i) {
            const std::string field = "samples[" + std::to_string(i) + "]";
            auto s = samples.get_by_number(r.sample_numbers[i]);
            auto path = s ? store::organisation_path(tx, s->org_id) : std::nullopt;
            if (!s || !path || !jurisdiction::covers(actor, *path))
                sample_error = invalid_field(field, "there is no sample " + r.sample_numbers[i] + " of your office");
            else if (s->state != "registered")
                sample_error = invalid_field(field, "sample " + s->number + " is " + s->state + ", not registered");
            else if (auto open = shipments.latest_shipment_of(s->id))
                sample_error = invalid_field(field, "sample " + s->number + " is already in a shipment");
            else
                loaded.push_back(*s);
        }
        auto lab = store::OrganisationRepository(tx).get(r.laboratory_org_id);
        const bool lab_ok = is_destination_laboratory(lab ? std::optional<domain::Organisation>(*lab) : std::nullopt);
        auto to = take(shipment_machine(), domain::kNotCreated, "create", actor, [&](std::string_view g) {
            if (g == "samples_registered_here") return !sample_error;
            if (g == "destination_is_laboratory") return lab_ok;
            return false;
        });
        if (!to) {
            if (to.error().code != "transition.guard_failed") return to.error();
            if (sample_error) return *sample_error;
            return invalid_field("laboratory_id", "organisation " + std::to_string(r.laboratory_org_id) +
                                                      " is not an active laboratory (inspection centre); GET /api/v1/laboratories lists them");
        }
        store::Shipment s;
        s.from_org_id = actor.org_id.value_or(0);
        s.to_org_id = r.laboratory_org_id;
        s.state = *to;
        s.carrier = r.carrier;
        if (r.logger_serial) {
            auto logger = shipments.logger_id_by_serial(*r.logger_serial);
            if (!logger) return invalid_field("logger_serial", "there is no logger " + *r.logger_serial);
            if (shipments.logger_busy(*logger))
                return invalid_field("logger_serial", "logger " + *r.logger_serial + " is already on another trip");
            s.logger_id = *logger;
        }
        for (const auto& sample : loaded) s.items.push_back({sample.id, sample.number, std::nullopt, ""});
        const int year = static_cast<int>(std::chrono::year_month_day{
            beijing_day(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))}.year());
        auto created = shipments.create(s, year);
        if (!created) return created.error();
        tx.record({actor.name, "shipment.create", "shipment", created->number, "", store::to_json(*created), ""});
        return created;
    });
}

Result<store::Shipment> dispatch_shipment(store::Database& db, const Actor& actor, const std::string& number,
                                          std::int64_t expected_version, const std::optional<std::string>& departed_at) {
    auto departed = moment("departed_at", departed_at);
    if (!departed) return departed.error();
    return db.write([&](store::Transaction& tx) -> Result<store::Shipment> {
        store::ShipmentRepository shipments(tx);
        auto shipment = shipments.get_by_number(number);
        if (!shipment || !shipment_visible(actor, *shipment)) return not_found("There is no shipment " + number + ".");
        auto to = take(shipment_machine(), shipment->state, "dispatch", actor,
                       [&](std::string_view g) { return g == "actor_in_sending_office" && jurisdiction::covers(actor, shipment->from_path); });
        if (!to) return to.error();
        if (shipment->version != expected_version)
            return stale_version("shipment " + number, shipment->version, expected_version);
        const std::string sent_at = format_utc_seconds(*departed);
        auto moved = shipments.move_state(*shipment, expected_version, *to, sent_at, std::nullopt);
        if (!moved) return versioned(moved.error(), "shipment " + number, shipment->version, expected_version);
        if (shipment->logger_id)
            shipments.place_logger_on_trip(*shipment->logger_id, shipment->id, departed->time_since_epoch().count());
        tx.record({actor.name, "shipment.dispatch", "shipment", number, store::to_json(*shipment),
                   store::to_json(*moved), ""});

        store::SampleRepository samples(tx);
        for (const auto& item : shipment->items) {
            auto sample = samples.get_by_id(item.sample_id);
            if (!sample) return sample.error();
            auto next = take(domain::machines::sample(), sample->state, "ship", actor);
            if (!next) return conflict("sample " + sample->number + ": " + next.error().message);
            auto shipped = samples.move_state(*sample, sample->version, *next);
            if (!shipped) return shipped.error();
            samples.add_custody_event({0, sample->id, "ship", sample->state, *next, actor.user_id.value_or(0), actor.name,
                                       shipment->from_org_id, "", "in transit with " + shipment->carrier, shipment->id,
                                       "", "shipment " + number, sent_at});
            tx.record({actor.name, "sample.ship", "sample", sample->number, store::to_json(*sample),
                       store::to_json(*shipped), "shipment " + number});
        }
        return shipments.get(shipment->id);
    });
}

Result<store::Shipment> arrive_shipment(store::Database& db, const Actor& actor, const std::string& number,
                                        std::int64_t expected_version, const std::optional<std::string>& arrived_at) {
    auto arrived = moment("arrived_at", arrived_at);
    if (!arrived) return arrived.error();
    return db.write([&](store::Transaction& tx) -> Result<store::Shipment> {
        store::ShipmentRepository shipments(tx);
        auto shipment = shipments.get_by_number(number);
        if (!shipment || !shipment_visible(actor, *shipment)) return not_found("There is no shipment " + number + ".");
        auto to = take(shipment_machine(), shipment->state, "arrive", actor,
                       [&](std::string_view g) { return g == "actor_in_destination" && jurisdiction::covers(actor, shipment->to_path); });
        if (!to) return to.error();
        if (shipment->version != expected_version)
            return stale_version("shipment " + number, shipment->version, expected_version);
        if (shipment->sent_at && format_utc_seconds(*arrived) < *shipment->sent_at)
            return invalid_field("arrived_at", "the shipment arrived before it left (" + *shipment->sent_at + ")");
        const std::string received_at = format_utc_seconds(*arrived);
        auto moved = shipments.move_state(*shipment, expected_version, *to, std::nullopt, received_at);
        if (!moved) return versioned(moved.error(), "shipment " + number, shipment->version, expected_version);
        shipments.end_logger_trip(shipment->id, arrived->time_since_epoch().count());
        tx.record({actor.name, "shipment.arrive", "shipment", number, store::to_json(*shipment),
                   store::to_json(*moved), ""});
        store::SampleRepository samples(tx);
        for (const auto& item : shipment->items) {
            auto sample = samples.get_by_id(item.sample_id);
            if (!sample) return sample.error();
            // Handed over to the laboratory: a custody fact, not a change of the sample's state.
            samples.add_custody_event({0, sample->id, "arrive", sample->state, sample->state, actor.user_id.value_or(0),
                                       actor.name, shipment->to_org_id, "", "", shipment->id, "",
                                       "arrived with shipment " + number, received_at});
        }
        return shipments.get(shipment->id);
    });
}

Result<store::Shipment> get_shipment(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> Result<store::Shipment> {
        auto shipment = store::ShipmentRepository(tx).get_by_number(number);
        if (!shipment || !shipment_visible(actor, *shipment)) return not_found("There is no shipment " + number + ".");
        return shipment;
    });
}

}  // namespace lims::workflow::sampling
