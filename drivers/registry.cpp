#include "drivers/registry.hpp"

#include "drivers/allowed_peers.hpp"
#include "drivers/link.hpp"
#include "protocols/hl7/mllp.hpp"

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>
#include <stdexcept>

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

std::optional<Family> family_from_string(std::string_view text) {
    for (auto f : {Family::astm, Family::hl7, Family::sics, Family::csv})
        if (to_string(f) == text) return f;
    return std::nullopt;
}

// ---- instrument options ------------------------------------------------------------------

namespace {

// Bounds of the drivers' own settings. Link deadlines: a day of silence at most before a
// link counts as dead (0: never), ten minutes for a write. Backoff: the first retry within
// ten minutes, the cap an hour. Message sizes: ASTM up to 256 MiB (a chromatogram in
// comments), HL7 up to the MLLP decoder's limit; never under 1 KiB, which no real message fits.
constexpr long long kMaxIdleSeconds = 86'400;
constexpr long long kMaxWriteSeconds = 600;
constexpr long long kMinBackoffMs = 10;
constexpr long long kMaxBackoffInitialMs = 600'000;
constexpr long long kMaxBackoffCapMs = 3'600'000;
constexpr long long kMinMessageBytes = 1024;
constexpr long long kMaxAstmMessageBytes = 256LL << 20;
constexpr long long kMaxHl7MessageBytes = static_cast<long long>(protocols::hl7::kDefaultMaxMessageSize);
constexpr long long kMaxAstmConnections = 1024;
constexpr long long kMaxHl7Connections = 4096;
constexpr long long kHourMs = 3'600'000;
// From a frame's first byte to its last: at least a second, at most the longest silence
// allowed (a 16 MiB HL7 message over a 9600-baud line takes about five hours).
constexpr long long kMinFrameSeconds = 1;

using Transports = std::vector<std::string_view>;
const Transports kDialled{"tcp_connect", "serial"};
const Transports kListening{"tcp_listen"};
const Transports kSerial{"serial"};

// What every stream family (ASTM, HL7, MT-SICS) shares: link deadlines, the dialer's
// backoff, the serial line.
std::vector<OptionSpec> stream_options() {
    return {
        {"idle_timeout_s", OptionKind::integer, 0, kMaxIdleSeconds, {}, {},
         "seconds of silence before the link is closed (0: never)"},
        {"write_timeout_s", OptionKind::integer, 1, kMaxWriteSeconds, {}, {}, "seconds a write may take"},
        {"backoff_initial_ms", OptionKind::integer, kMinBackoffMs, kMaxBackoffInitialMs, {}, kDialled,
         "first pause before reconnecting"},
        {"backoff_cap_ms", OptionKind::integer, kMinBackoffMs, kMaxBackoffCapMs, {}, kDialled,
         "longest pause between reconnections"},
        {"serial", OptionKind::serial_line, 0, 0, {}, kSerial, "line settings, e.g. 9600,8N1"},
    };
}

// Listener and frame safeguards of the families that take connections (ASTM, HL7).
std::vector<OptionSpec> listener_options() {
    return {
        {"allowed_peers", OptionKind::peers, 0, 0, {}, kListening,
         "addresses and CIDR ranges that may connect, e.g. 10.1.2.3, 10.20.0.0/16 (absent: any peer)"},
        {"frame_deadline_s", OptionKind::integer, kMinFrameSeconds, kMaxIdleSeconds, {}, {},
         "seconds from a frame's first byte to its last (a peer trickling bytes is cut off)"},
    };
}

std::vector<OptionSpec> with(std::vector<OptionSpec> base, std::vector<OptionSpec> more) {
    base.insert(base.end(), more.begin(), more.end());
    std::sort(base.begin(), base.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return base;
}

std::string_view canonical_transport(std::string_view transport) {
    return transport == "file_drop" ? std::string_view("folder") : transport;
}

bool applies(const OptionSpec& spec, std::string_view transport) {
    return spec.transports.empty() ||
           std::find(spec.transports.begin(), spec.transports.end(), transport) != spec.transports.end();
}

std::string joined(const std::vector<std::string_view>& names) {
    std::string out;
    for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
    return out.empty() ? "(none)" : out;
}

std::optional<long long> parse_integer(std::string_view raw) {
    long long v = 0;
    auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
    if (ec != std::errc{} || p != raw.data() + raw.size() || raw.empty()) return std::nullopt;
    return v;
}

std::optional<bool> parse_flag(std::string_view raw) {
    if (raw == "true" || raw == "1") return true;
    if (raw == "false" || raw == "0") return false;
    return std::nullopt;
}

// What is wrong with one value, or "".
std::string value_problem(const OptionSpec& spec, const std::string& raw) {
    const std::string got = ", got \"" + raw + "\"";
    switch (spec.kind) {
        case OptionKind::integer: {
            auto v = parse_integer(raw);
            if (!v || *v < spec.min || *v > spec.max)
                return "must be an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max) + got;
            return "";
        }
        case OptionKind::boolean:
            return parse_flag(raw) ? "" : "must be true or false" + got;
        case OptionKind::choice:
            if (std::find(spec.choices.begin(), spec.choices.end(), raw) != spec.choices.end()) return "";
            return "must be one of " + joined(spec.choices) + got;
        case OptionKind::character:
            return raw.size() == 1 || raw == "tab" ? "" : "must be one character or \"tab\"" + got;
        case OptionKind::serial_line:
            return parse_serial_settings(raw) ? "" : "must be line settings like 9600,8N1" + got;
        case OptionKind::peers: {
            auto peers = AllowedPeers::parse(raw);
            auto* why = std::get_if<std::string>(&peers);
            return why ? "must list IP addresses and CIDR ranges separated by commas: " + *why : "";
        }
        case OptionKind::text:
            if (raw.size() > kMaxOptionTextBytes)
                return "must be at most " + std::to_string(kMaxOptionTextBytes) + " bytes";
            // It goes into HL7 header fields (MSH-3/4): a delimiter or control character would
            // change the structure of every ACK.
            for (char c : raw)
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || std::string_view("|^~\\&").find(c) != std::string_view::npos)
                    return "must not contain control characters or the HL7 delimiters |^~\\&" + got;
            return "";
    }
    return "";
}

}  // namespace

std::vector<std::string_view> transports_of(Family f) {
    switch (f) {
        case Family::astm:
        case Family::hl7: return {"tcp_listen", "tcp_connect", "serial"};
        case Family::sics: return {"tcp_connect", "serial"};  // the system asks the balance
        case Family::csv: return {"folder"};
    }
    return {};
}

const std::vector<OptionSpec>& option_specs(Family f) {
    static const std::vector<OptionSpec> astm = with(
        with(stream_options(), listener_options()),
        {{"max_connections", OptionKind::integer, 1, kMaxAstmConnections, {}, kListening, "sessions at once"},
         {"framing", OptionKind::choice, 0, 0, {"e1381", "bare_records"}, {}, "E1381 frames or bare E1394 records"},
         {"ack", OptionKind::choice, 0, 0, {"after_commit", "immediate"}, {}, "when the last frame is ACKed"},
         {"max_message_bytes", OptionKind::integer, kMinMessageBytes, kMaxAstmMessageBytes, {}, {},
          "largest message taken"}});
    static const std::vector<OptionSpec> hl7 = with(
        with(stream_options(), listener_options()),
        {{"max_connections", OptionKind::integer, 1, kMaxHl7Connections, {}, kListening, "sessions at once"},
         {"max_message_bytes", OptionKind::integer, kMinMessageBytes, kMaxHl7MessageBytes, {}, {},
          "largest message taken"},
         {"tolerate_lf", OptionKind::boolean, 0, 0, {}, {}, "accept LF as a segment separator"},
         {"local_application", OptionKind::text, 0, 0, {}, {}, "MSH-3 of the ACKs"},
         {"local_facility", OptionKind::text, 0, 0, {}, {}, "MSH-4 of the ACKs"}});
    static const std::vector<OptionSpec> sics = with(
        stream_options(),
        {{"command", OptionKind::choice, 0, 0, {"S", "SI"}, {}, "S: stable weight, SI: immediate"},
         {"interval_ms", OptionKind::integer, 100, kHourMs, {}, {}, "how often the balance is asked"},
         {"reply_timeout_ms", OptionKind::integer, 100, kHourMs / 6, {}, {}, "how long an answer may take"},
         {"only_new_weights", OptionKind::boolean, 0, 0, {}, {}, "skip a weight equal to the last one"}});
    static const std::vector<OptionSpec> csv = with(
        {}, {{"scan_ms", OptionKind::integer, 50, kHourMs, {}, {}, "how often the folder is scanned"},
             {"settle_ms", OptionKind::integer, 0, kHourMs, {}, {}, "how long a file must stay unchanged"},
             {"delimiter", OptionKind::character, 0, 0, {}, {}, "the field separator (one character or tab)"}});
    switch (f) {
        case Family::astm: return astm;
        case Family::hl7: return hl7;
        case Family::sics: return sics;
        case Family::csv: return csv;
    }
    throw std::logic_error("option_specs: unknown family");
}

std::vector<std::string_view> allowed_options(Family f, std::string_view transport) {
    transport = canonical_transport(transport);
    std::vector<std::string_view> names;
    for (const auto& spec : option_specs(f))
        if (applies(spec, transport)) names.push_back(spec.name);
    return names;
}

std::vector<OptionProblem> check_options(Family f, std::string_view transport,
                                         const std::map<std::string, std::string>& options) {
    const std::string given(transport);
    transport = canonical_transport(transport);
    const auto transports = transports_of(f);
    std::vector<OptionProblem> problems;
    if (std::find(transports.begin(), transports.end(), transport) == transports.end()) {
        problems.push_back({"", "transport \"" + given + "\" is not one of " + joined(transports) +
                                    (f == Family::csv ? " (file_drop in the API)" : "") + " for " +
                                    std::string(to_string(f)),
                            {transports.begin(), transports.end()}});
        return problems;
    }
    const auto allowed_views = allowed_options(f, transport);
    const std::vector<std::string> allowed(allowed_views.begin(), allowed_views.end());
    const auto& specs = option_specs(f);
    const std::string over = std::string(to_string(f)) + " over " + std::string(transport);
    for (const auto& [name, raw] : options) {
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
        if (spec == specs.end()) {
            problems.push_back({name, "unknown option for " + over + "; allowed: " + joined(allowed_views), allowed});
        } else if (!applies(*spec, transport)) {
            problems.push_back({name, "applies to " + std::string(to_string(f)) + " over " + joined(spec->transports) +
                                          " only, not " + std::string(transport) + "; allowed: " + joined(allowed_views),
                                allowed});
        } else if (auto why = value_problem(*spec, raw); !why.empty()) {
            problems.push_back({name, why, allowed});
        }
    }
    return problems;
}

const std::string* InstrumentOptions::raw(std::string_view name, OptionKind kind) const {
    const auto& specs = option_specs(config_.family);
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
    if (spec == specs.end() || spec->kind != kind)
        throw std::logic_error("option " + std::string(name) + " is not a " + std::string(to_string(config_.family)) +
                               " option of that kind (registry.cpp option_specs)");
    auto it = config_.options.find(std::string(name));
    return it == config_.options.end() ? nullptr : &it->second;
}

long long InstrumentOptions::integer(std::string_view name, long long fallback) const {
    const auto* v = raw(name, OptionKind::integer);
    if (!v) return fallback;
    auto parsed = parse_integer(*v);
    if (!parsed) throw std::logic_error("option " + std::string(name) + " was not checked: \"" + *v + "\"");
    return *parsed;
}

bool InstrumentOptions::flag(std::string_view name, bool fallback) const {
    const auto* v = raw(name, OptionKind::boolean);
    if (!v) return fallback;
    auto parsed = parse_flag(*v);
    if (!parsed) throw std::logic_error("option " + std::string(name) + " was not checked: \"" + *v + "\"");
    return *parsed;
}

std::string InstrumentOptions::text(std::string_view name, std::string fallback) const {
    const auto& specs = option_specs(config_.family);
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
    if (spec == specs.end() || spec->kind == OptionKind::integer || spec->kind == OptionKind::boolean)
        throw std::logic_error("option " + std::string(name) + " is not a " + std::string(to_string(config_.family)) +
                               " text option (registry.cpp option_specs)");
    auto it = config_.options.find(std::string(name));
    return it == config_.options.end() ? fallback : it->second;
}

// ---- the registry file -------------------------------------------------------------------

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
    auto f = family_from_string(family);
    if (!f) throw Fail{at + ": family \"" + family + "\" is not astm, hl7, sics or csv"};
    c.family = *f;
    c.transport = text(e, "transport", at, true);
    c.address = text(e, "address", at, true);
    if (auto options = e.get_child_optional("options")) {
        for (const auto& [key, value] : *options) {
            if (key.empty() || !value.empty()) throw Fail{at + ": options must be an object of strings or numbers"};
            c.options[key] = value.data();
        }
    }
    // The same check as the API's: a typo is refused here, naming the key, not later as a
    // failed link.
    for (const auto& p : check_options(c.family, c.transport, c.options))
        throw Fail{at + (p.option.empty() ? ": " : ": options." + p.option + ": ") + p.message};
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
