// Host query answers for gateways: GET /api/v1/ingest/orders tells a gateway which tests an
// analyzer should run on the specimens it asked about (ASTM E1394 Q records), in the
// analyzer's own test codes. Ingest tokens only; read-only (the query message reaches the
// service as a raw message through POST /api/v1/ingest/observations like any other).
#include "lims/api/route_modules.hpp"

#include "lims/api/conventions.hpp"
#include "lims/workflow/ingest/worklist.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace lims::api {

namespace {

const domain::RoleSet kIngest{domain::Role::ingest_service};

// A registry id is short text; anything longer is not one (and is not looked up).
constexpr std::size_t kMaxInstrumentCodeLength = 64;
// Specimens are listed in one query parameter separated by commas (sample numbers and
// portion barcodes never hold one).
constexpr char kSpecimenSeparator = ',';

std::vector<std::string> split_specimens(const std::string& text) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = text.find(kSpecimenSeparator, begin);
        out.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
        if (end == std::string::npos) return out;
        begin = end + 1;
    }
}

Response orders(store::Database& db, const Request& r) {
    std::vector<FieldError> errors;
    const auto instrument_param = r.query.find("instrument");
    const auto specimen_param = r.query.find("specimen");
    const std::string instrument = instrument_param == r.query.end() ? "" : instrument_param->second;
    if (instrument.empty()) errors.push_back({"instrument", "required: the instrument's registry id"});
    else if (instrument.size() > kMaxInstrumentCodeLength)
        errors.push_back({"instrument", "longer than " + std::to_string(kMaxInstrumentCodeLength) + " characters"});
    std::vector<std::string> specimens;
    if (specimen_param == r.query.end() || specimen_param->second.empty()) {
        errors.push_back({"specimen", "required: one or more specimen ids separated by commas"});
    } else {
        specimens = split_specimens(specimen_param->second);
        if (specimens.size() > workflow::ingest::kMaxWorklistSpecimens)
            errors.push_back({"specimen", "at most " + std::to_string(workflow::ingest::kMaxWorklistSpecimens) +
                                              " specimens, not " + std::to_string(specimens.size())});
        else if (std::find(specimens.begin(), specimens.end(), std::string()) != specimens.end())
            errors.push_back({"specimen", "an empty specimen id (two commas in a row, or one at an end)"});
    }
    if (!errors.empty()) return Response::problem(problems::validation(std::move(errors)));

    // The instrument must belong to the gateway account's jurisdiction; another's is answered
    // as unknown (404), never admitted to exist.
    auto worklist = workflow::ingest::find_orders(db, actor_of(r), instrument, specimens);
    if (!worklist) return Response::error(worklist.error());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("instrument", instrument);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& o : worklist->orders) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
        item->set("specimen", o.specimen_id);
        Poco::JSON::Array::Ptr tests = new Poco::JSON::Array;
        for (const auto& code : o.instrument_test_codes) tests->add(code);
        item->set("tests", tests);
        list->add(item);
    }
    body->set("orders", list);
    Poco::JSON::Array::Ptr none = new Poco::JSON::Array;
    for (const auto& n : worklist->no_orders) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
        item->set("specimen", n.specimen_id);
        item->set("code", n.code);
        item->set("reason", n.reason);
        none->add(item);
    }
    body->set("noOrders", none);
    return Response::json(200, body);
}

}  // namespace

void add_worklist_routes(Router& router, const RouteContext& context) {
    const auto db = context.database;
    router.add({"GET", "/api/v1/ingest/orders", "getInstrumentOrders",
                "The tests an analyzer should run on the specimens it queried (ASTM host query), in its own test "
                "codes: ?instrument=<registry id>&specimen=<id>[,<id>...] (ingest tokens)",
                AuthRequirement::Ingest, std::nullopt, [db](const Request& r) { return orders(*db, r); }, 200, kIngest});
}

}  // namespace lims::api
