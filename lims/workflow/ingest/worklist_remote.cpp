#include "lims/workflow/ingest/worklist_remote.hpp"

#include "lims/workflow/ingest/ingest_message.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

namespace lims::workflow::ingest {

namespace {

// Characters that must be percent-encoded inside a query parameter's value, beyond those
// Poco::URI::encode always encodes.
const char* const kReservedInQueryValue = "?#&=+,;/%";

std::string encoded(const std::string& text) {
    std::string out;
    Poco::URI::encode(text, kReservedInQueryValue, out);
    return out;
}

drivers::CommitFailure bad_body(const std::string& why) {
    return drivers::CommitFailure{"gateway.orders_body", "the service's orders answer " + why, true};
}

}  // namespace

std::string orders_path(const drivers::OrderQuery& query) {
    std::string specimens;
    for (const auto& id : query.specimen_ids) {
        if (id.empty() || id.find(',') != std::string::npos) continue;
        if (!specimens.empty()) specimens += ',';
        specimens += encoded(id);
    }
    return std::string(kOrdersPath) + "?instrument=" + encoded(query.instrument_code) + "&specimen=" + specimens;
}

drivers::QueryOutcome parse_orders_body(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        if (!root) return bad_body("is not a JSON object");
        auto orders = root->getArray("orders");
        if (!orders) return bad_body("has no \"orders\" array");
        drivers::OrdersAnswer answer;
        for (std::size_t i = 0; i < orders->size(); ++i) {
            auto item = orders->getObject(static_cast<unsigned>(i));
            if (!item || !item->has("specimen") || !item->get("specimen").isString() || !item->getArray("tests"))
                return bad_body("has an order without \"specimen\" text and a \"tests\" array");
            drivers::SpecimenOrders o;
            o.specimen_id = item->getValue<std::string>("specimen");
            auto tests = item->getArray("tests");
            for (std::size_t t = 0; t < tests->size(); ++t) {
                if (!tests->get(static_cast<unsigned>(t)).isString()) return bad_body("has a test code that is not text");
                o.test_codes.push_back(tests->getElement<std::string>(static_cast<unsigned>(t)));
            }
            answer.orders.push_back(std::move(o));
        }
        return answer;
    } catch (const Poco::Exception& e) {
        return bad_body("is not JSON: " + e.displayText());
    } catch (const std::exception& e) {
        return bad_body(std::string("cannot be read: ") + e.what());
    }
}

drivers::QueryOutcome RemoteOrdersSink::query_orders(const drivers::OrderQuery& query) {
    const PostReply reply = fetch_(orders_path(query));
    if (reply.status == 0)
        return drivers::CommitFailure{"gateway.orders_unreachable", reply.failure, true};
    if (reply.status == 200) return parse_orders_body(reply.body);
    if (reply.status == 404)
        return drivers::CommitFailure{kUnknownInstrument, "the service does not know instrument " + query.instrument_code,
                                      false};
    return drivers::CommitFailure{"gateway.orders_refused",
                                  "the service answered " + std::to_string(reply.status) + ": " + reply.body, false};
}

}  // namespace lims::workflow::ingest
