#include "lims/workflow/sampling/delivery.hpp"

#include "lims/store/sample_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/registration.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace lims::workflow::sampling {

domain::Result<domain::Sample> record_sample_delivery(store::Database& db, const Actor& actor, const std::string& number,
                                                      std::int64_t expected_version, const Delivery& delivery) {
    const auto today = beijing_day(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (auto bad = validate_delivery(delivery, today)) return *bad;
    return db.write([&](store::Transaction& tx) -> domain::Result<domain::Sample> {
        store::SampleRepository samples(tx);
        auto sample = samples.get_by_number(number);
        if (!sample || !sample_visible(tx, actor, *sample)) return not_found("There is no sample " + number + ".");
        if (!actor.roles.contains(domain::Role::sampler) || actor.org_id != sample->org_id)
            return forbidden("Only a sampler of the office that bought sample " + number + " records its delivery.");
        if (sample->version != expected_version)
            return stale_version("sample " + sample->number, sample->version, expected_version);
        auto online = store::sql(tx, "SELECT order_number FROM sample_online_purchases WHERE sample_id = $1", {sample->id});
        if (online.rows.empty())
            return conflict("Sample " + number + " was not bought online: it has no parcel to track.");
        auto moved = store::sql(tx,
                                "UPDATE samples SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3",
                                {tx.now_utc(), sample->id, expected_version});
        if (moved.changed != 1) return stale_version("sample " + sample->number, sample->version, expected_version);
        record_delivery(tx, sample->id, delivery, actor.name, actor.user_id);
        Poco::JSON::Object after;
        after.set("order_number", online.rows.front().text(0));
        after.set("carrier", delivery.carrier);
        after.set("tracking_number", delivery.tracking_number);
        after.set("received_on", delivery.received_on ? Poco::Dynamic::Var(*delivery.received_on) : Poco::Dynamic::Var());
        after.set("version", sample->version + 1);
        std::ostringstream json;
        after.stringify(json);
        tx.record({actor.name, "sample.delivery", "sample", sample->number, "", json.str(), delivery.note});
        auto updated = samples.get_by_number(number);
        if (!updated) return not_found("There is no sample " + number + ".");
        return *updated;
    });
}

}  // namespace lims::workflow::sampling
