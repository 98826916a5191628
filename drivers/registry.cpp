#include "drivers/registry.hpp"

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <charconv>
#include <set>
#include <sstream>

namespace drivers {

namespace pt = boost::property_tree;

std::string_view to_string(Family f) {
    switch (f) {
        case Family::astm: return "astm";
        case Family::hl7: return "hl7";
        case Family::sics: return "sics";
        case Family::csv: return "csv";
    }
    return "?";
}

namespace {

struct Fail {
    std::string message;
};

std::string where(std::string_view list, std::size_t index, const pt::ptree& entry) {
    auto id = entry.get<std::string>("id", "");
    return std::string(list) + "[" + std::to_string(index) + "]" + (id.empty() ? "" : " (" + id + ")");
}

void check_keys(const pt::ptree& entry, const std::set<std::string>& allowed, const std::string& at) {
    for (const auto& [key, value] : entry)
        if (!allowed.contains(key)) throw Fail{at + ": unknown field \"" + key + "\""};
}

std::string text(const pt::ptree& entry, const std::string& key, const std::string& at, bool required) {
    auto child = entry.get_child_optional(key);
    if (!child) {
        if (required) throw Fail{at + ": field \"" + key + "\" is required"};
        return {};
    }
    if (!child->empty()) throw Fail{at + ": field \"" + key + "\" must be a string or number"};
    return child->data();
}

long long integer(const pt::ptree& entry, const std::string& key, const std::string& at, long long fallback,
                  long long min, long long max) {
    auto raw = text(entry, key, at, false);
    if (raw.empty()) return fallback;
    long long value = 0;
    auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (ec != std::errc{} || p != raw.data() + raw.size())
        throw Fail{at + ": field \"" + key + "\" must be an integer, got \"" + raw + "\""};
    if (value < min || value > max)
        throw Fail{at + ": field \"" + key + "\" must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", got " + raw};
    return value;
}

InstrumentConfig instrument(const pt::ptree& e, const std::string& at) {
    check_keys(e, {"id", "family", "transport", "address", "options", "test_codes", "name", "description"}, at);
    InstrumentConfig c;
    c.id = text(e, "id", at, true);
    const auto family = text(e, "family", at, true);
    if (family == "astm") c.family = Family::astm;
    else if (family == "hl7") c.family = Family::hl7;
    else if (family == "sics") c.family = Family::sics;
    else if (family == "csv") c.family = Family::csv;
    else throw Fail{at + ": family \"" + family + "\" is not astm, hl7, sics or csv"};
    c.transport = text(e, "transport", at, true);
    c.address = text(e, "address", at, true);
    if (auto options = e.get_child_optional("options")) {
        for (const auto& [key, value] : *options) {
            if (key.empty() || !value.empty()) throw Fail{at + ": options must be an object of strings or numbers"};
            c.options[key] = value.data();
        }
    }
    if (auto codes = e.get_child_optional("test_codes")) {
        std::size_t i = 0;
        for (const auto& [key, m] : *codes) {
            const auto mat = at + ".test_codes[" + std::to_string(i++) + "]";
            if (!key.empty()) throw Fail{at + ": test_codes must be an array"};
            check_keys(m, {"code", "test_item", "unit", "factor"}, mat);
            TestCodeMapping t;
            t.instrument_code = text(m, "code", mat, true);
            t.test_item = text(m, "test_item", mat, true);
            t.unit = text(m, "unit", mat, false);
            if (auto f = text(m, "factor", mat, false); !f.empty()) t.factor = f;
            c.test_codes.push_back(std::move(t));
        }
    }
    return c;
}

LoggerConfig logger(const pt::ptree& e, const std::string& at) {
    check_keys(e, {"id", "transport", "address", "serial", "unit_id", "map_file", "point", "interval_s", "timeout_ms",
                   "retries", "retry_failed_after_s", "storage_unit", "shipment", "name", "description"},
               at);
    LoggerConfig c;
    c.id = text(e, "id", at, true);
    c.transport = text(e, "transport", at, false);
    if (c.transport.empty()) c.transport = "tcp";
    if (c.transport != "tcp" && c.transport != "rtu") throw Fail{at + ": transport \"" + c.transport + "\" is not tcp or rtu"};
    c.address = text(e, "address", at, true);
    if (auto s = text(e, "serial", at, false); !s.empty()) c.serial = s;
    c.unit_id = static_cast<int>(integer(e, "unit_id", at, 1, 0, 247));
    c.map_file = text(e, "map_file", at, true);
    c.point = text(e, "point", at, false);
    c.interval = std::chrono::seconds(integer(e, "interval_s", at, 60, 1, 86'400));
    c.timeout = std::chrono::milliseconds(integer(e, "timeout_ms", at, 1'000, 10, 60'000));
    c.retries = static_cast<int>(integer(e, "retries", at, 2, 0, 10));
    c.retry_failed_after = std::chrono::seconds(integer(e, "retry_failed_after_s", at, 30, 1, 86'400));
    c.storage_unit = text(e, "storage_unit", at, false);
    c.shipment = text(e, "shipment", at, false);
    if (!c.storage_unit.empty() && !c.shipment.empty())
        throw Fail{at + ": a logger belongs to a storage_unit or a shipment, not both"};
    return c;
}

}  // namespace

std::variant<Registry, std::string> parse_registry_json(std::string_view json) {
    pt::ptree root;
    try {
        std::istringstream in{std::string(json)};
        pt::read_json(in, root);
    } catch (const pt::json_parser_error& e) {
        return "registry JSON line " + std::to_string(e.line()) + ": " + e.message();
    }
    try {
        check_keys(root, {"instruments", "loggers"}, "registry");
        Registry r;
        std::set<std::string> ids;
        auto unique = [&](const std::string& id, const std::string& at) {
            if (!ids.insert(id).second) throw Fail{at + ": id \"" + id + "\" is used twice"};
        };
        if (auto list = root.get_child_optional("instruments")) {
            if (!list->data().empty()) throw Fail{"instruments must be an array"};
            std::size_t i = 0;
            for (const auto& [key, entry] : *list) {
                const auto at = where("instruments", i++, entry);
                if (!key.empty()) throw Fail{"instruments must be an array"};
                r.instruments.push_back(instrument(entry, at));
                unique(r.instruments.back().id, at);
            }
        }
        if (auto list = root.get_child_optional("loggers")) {
            if (!list->data().empty()) throw Fail{"loggers must be an array"};
            std::size_t i = 0;
            for (const auto& [key, entry] : *list) {
                const auto at = where("loggers", i++, entry);
                if (!key.empty()) throw Fail{"loggers must be an array"};
                r.loggers.push_back(logger(entry, at));
                unique(r.loggers.back().id, at);
            }
        }
        return r;
    } catch (const Fail& f) {
        return f.message;
    }
}

}  // namespace drivers
