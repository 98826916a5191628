#include "lims/api/routes/coldchain_common.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <chrono>

namespace lims::api::coldchain_routes {

std::int64_t now_utc() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

cc::ColdChainOptions options_for(const Request& r, const domain::WorkingCalendar* calendar) {
    cc::ColdChainOptions o;
    o.actor = r.principal->username;
    o.calendar = calendar;
    return o;
}

std::optional<std::int64_t> param_id(const Request& r, const std::string& name) {
    auto it = r.params.find(name);
    if (it == r.params.end()) return std::nullopt;
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(it->second, v) || v <= 0) return std::nullopt;
    return v;
}

std::optional<Problem> query_int(const Request& r, const std::string& name, std::optional<std::int64_t>& out) {
    auto it = r.query.find(name);
    if (it == r.query.end()) return std::nullopt;
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(it->second, v))
        return problems::validation({{name, "'" + it->second + "' is not an integer"}});
    out = v;
    return std::nullopt;
}

Outcome<Period> query_period(const Request& r) {
    std::optional<std::int64_t> from, to;
    if (auto p = query_int(r, "from", from)) return *p;
    if (auto p = query_int(r, "to", to)) return *p;
    Period period;
    period.to = to.value_or(now_utc());
    period.from = from.value_or(period.to - kDefaultPeriod);
    return period;
}

Json parse_object(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Json>();
}

std::optional<std::int64_t> optional_int(const Json& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return std::nullopt;
    return o->getValue<Poco::Int64>(key);
}

std::string optional_text(const Json& o, const std::string& key) {
    if (!o->has(key) || o->isNull(key)) return "";
    return o->getValue<std::string>(key);
}

Json bucket_json(const lims::coldchain::SeriesBucket& b) {
    Json j = newObject();
    j->set("from_utc", b.from);
    j->set("to_utc", b.to);
    j->set("readings", b.count);
    if (b.minimum) j->set("min_centi_celsius", *b.minimum);
    if (b.maximum) j->set("max_centi_celsius", *b.maximum);
    if (auto m = b.mean()) j->set("mean_centi_celsius", *m);
    j->set("sensor_faults", b.sensor_faults);
    return j;
}

}  // namespace lims::api::coldchain_routes
