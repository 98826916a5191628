// The instrument option table (drivers/registry.hpp): check_options() refuses unknown
// names, names of another transport and bad values, naming the option and listing the
// allowed ones; the registry file loader refuses the same with the entry and key; the
// typed reads give defaults for absent options.
#include "drivers/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace {

using drivers::Family;
using Options = std::map<std::string, std::string>;

std::vector<drivers::OptionProblem> check(Family f, std::string_view transport, Options options) {
    return drivers::check_options(f, transport, options);
}

bool lists(const std::vector<std::string>& allowed, const std::string& name) {
    return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

std::string error_of(std::string_view json) {
    auto r = drivers::parse_registry_json(json);
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string("(parsed)");
}

TEST(RegistryOptions, EveryOptionTheDriversReadIsAcceptedWithAGoodValue) {
    EXPECT_TRUE(check(Family::astm, "tcp_listen",
                      {{"framing", "bare_records"}, {"ack", "immediate"}, {"max_connections", "2"},
                       {"max_message_bytes", "65536"}, {"idle_timeout_s", "0"}, {"write_timeout_s", "5"}})
                    .empty());
    EXPECT_TRUE(check(Family::astm, "tcp_connect", {{"backoff_initial_ms", "100"}, {"backoff_cap_ms", "60000"}}).empty());
    EXPECT_TRUE(check(Family::astm, "serial", {{"serial", "9600,8N1"}, {"backoff_cap_ms", "1000"}}).empty());
    EXPECT_TRUE(check(Family::hl7, "tcp_listen",
                      {{"tolerate_lf", "true"}, {"local_application", "LIS"}, {"local_facility", "LAB A"},
                       {"max_connections", "4096"}})
                    .empty());
    EXPECT_TRUE(check(Family::sics, "tcp_connect",
                      {{"command", "SI"}, {"interval_ms", "500"}, {"reply_timeout_ms", "1000"},
                       {"only_new_weights", "0"}})
                    .empty());
    EXPECT_TRUE(check(Family::csv, "folder", {{"scan_ms", "50"}, {"settle_ms", "0"}, {"delimiter", "tab"}}).empty());
    // The store spells the watched folder file_drop.
    EXPECT_TRUE(check(Family::csv, "file_drop", {{"delimiter", ";"}}).empty());
}

TEST(RegistryOptions, ListenersTakeAllowedPeersAndEveryStreamOfAstmAndHl7AFrameDeadline) {
    EXPECT_TRUE(check(Family::hl7, "tcp_listen", {{"allowed_peers", "10.1.2.3, 10.20.0.0/16"}, {"frame_deadline_s", "5"}})
                    .empty());
    EXPECT_TRUE(check(Family::astm, "tcp_listen", {{"allowed_peers", "fd00::/8"}, {"frame_deadline_s", "86400"}}).empty());
    EXPECT_TRUE(check(Family::astm, "serial", {{"frame_deadline_s", "120"}}).empty());
    EXPECT_TRUE(check(Family::hl7, "tcp_connect", {{"frame_deadline_s", "1"}}).empty());

    auto dialled = check(Family::hl7, "tcp_connect", {{"allowed_peers", "10.1.2.3"}});
    ASSERT_EQ(dialled.size(), 1u);
    EXPECT_EQ(dialled[0].option, "allowed_peers");
    EXPECT_NE(dialled[0].message.find("applies to hl7 over tcp_listen only, not tcp_connect"), std::string::npos)
        << dialled[0].message;
    auto typo = check(Family::astm, "tcp_listen", {{"allowed_peers", "10.1.2.3/16"}});
    ASSERT_EQ(typo.size(), 1u);
    EXPECT_EQ(typo[0].message, "must list IP addresses and CIDR ranges separated by commas: \"10.1.2.3/16\" has bits "
                               "set after its /16 prefix; the range is 10.1.0.0/16");
    auto never = check(Family::hl7, "tcp_listen", {{"frame_deadline_s", "0"}});
    ASSERT_EQ(never.size(), 1u);
    EXPECT_NE(never[0].message.find("must be an integer from 1 to 86400"), std::string::npos) << never[0].message;
    // A balance is asked, never listened for.
    EXPECT_EQ(check(Family::sics, "tcp_connect", {{"frame_deadline_s", "5"}}).size(), 1u);
}

TEST(RegistryOptions, AnUnknownNameIsNamedWithTheAllowedOnes) {
    auto p = check(Family::hl7, "tcp_listen", {{"max_conections", "4"}});
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].option, "max_conections");
    EXPECT_NE(p[0].message.find("unknown option for hl7 over tcp_listen"), std::string::npos) << p[0].message;
    EXPECT_NE(p[0].message.find("max_connections"), std::string::npos) << p[0].message;
    EXPECT_TRUE(lists(p[0].allowed, "max_connections"));
    EXPECT_TRUE(lists(p[0].allowed, "tolerate_lf"));
    EXPECT_FALSE(lists(p[0].allowed, "framing"));  // ASTM's, not HL7's
    EXPECT_FALSE(lists(p[0].allowed, "serial"));   // a serial line's, not a listener's
}

TEST(RegistryOptions, ANameOfAnotherTransportSaysWhereItApplies) {
    auto p = check(Family::astm, "tcp_connect", {{"max_connections", "4"}});
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].option, "max_connections");
    EXPECT_NE(p[0].message.find("applies to astm over tcp_listen only, not tcp_connect"), std::string::npos)
        << p[0].message;
    auto serial = check(Family::hl7, "tcp_listen", {{"serial", "9600,8N1"}, {"backoff_cap_ms", "100"}});
    ASSERT_EQ(serial.size(), 2u);
    EXPECT_EQ(serial[0].option, "backoff_cap_ms");
    EXPECT_EQ(serial[1].option, "serial");
}

TEST(RegistryOptions, BadValuesAreNamedWithWhatIsExpected) {
    struct Case {
        Family family;
        std::string transport, name, value, expected;
    };
    for (const auto& c : std::vector<Case>{
             {Family::astm, "tcp_listen", "max_connections", "0", "must be an integer from 1 to 1024, got \"0\""},
             {Family::astm, "tcp_listen", "max_connections", "four", "must be an integer from 1 to 1024"},
             {Family::astm, "tcp_listen", "max_connections", "4.5", "must be an integer"},
             {Family::hl7, "tcp_listen", "max_connections", "4097", "from 1 to 4096"},
             {Family::astm, "tcp_listen", "framing", "E1381", "must be one of e1381, bare_records"},
             {Family::astm, "tcp_listen", "ack", "later", "must be one of after_commit, immediate"},
             {Family::hl7, "tcp_listen", "tolerate_lf", "yes", "must be true or false"},
             {Family::hl7, "tcp_listen", "max_message_bytes", "100", "from 1024 to"},
             {Family::hl7, "tcp_listen", "local_application", "LIS|X", "HL7 delimiters"},
             {Family::hl7, "tcp_listen", "local_facility", std::string(200, 'F'), "at most 180 bytes"},
             {Family::sics, "serial", "serial", "fast", "like 9600,8N1"},
             {Family::sics, "serial", "command", "SX", "must be one of S, SI"},
             {Family::sics, "tcp_connect", "interval_ms", "10", "from 100 to 3600000"},
             {Family::csv, "folder", "delimiter", ";;", "one character or \"tab\""},
             {Family::csv, "folder", "settle_ms", "-1", "from 0 to"},
             {Family::astm, "tcp_listen", "write_timeout_s", "", "must be an integer"},
         }) {
        auto p = check(c.family, c.transport, {{c.name, c.value}});
        ASSERT_EQ(p.size(), 1u) << c.name << "=" << c.value;
        EXPECT_EQ(p[0].option, c.name);
        EXPECT_NE(p[0].message.find(c.expected), std::string::npos) << c.name << "=" << c.value << ": " << p[0].message;
        EXPECT_TRUE(lists(p[0].allowed, c.name));
    }
}

TEST(RegistryOptions, ATransportTheFamilyCannotUseIsRefusedFirst) {
    auto p = check(Family::sics, "tcp_listen", {{"nonsense", "1"}});
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].option, "");
    EXPECT_NE(p[0].message.find("transport \"tcp_listen\" is not one of tcp_connect, serial for sics"), std::string::npos)
        << p[0].message;
    EXPECT_EQ(p[0].allowed, (std::vector<std::string>{"tcp_connect", "serial"}));
    auto csv = check(Family::csv, "tcp_listen", {});
    ASSERT_EQ(csv.size(), 1u);
    EXPECT_NE(csv[0].message.find("file_drop"), std::string::npos) << csv[0].message;
    EXPECT_EQ(check(Family::hl7, "modbus_tcp", {}).size(), 1u);
}

TEST(RegistryOptions, AllowedOptionsDependOnTheTransport) {
    auto listen = drivers::allowed_options(Family::astm, "tcp_listen");
    auto serial = drivers::allowed_options(Family::astm, "serial");
    auto has = [](const std::vector<std::string_view>& v, std::string_view n) {
        return std::find(v.begin(), v.end(), n) != v.end();
    };
    EXPECT_TRUE(has(listen, "max_connections"));
    EXPECT_FALSE(has(listen, "serial"));
    EXPECT_FALSE(has(serial, "max_connections"));
    EXPECT_TRUE(has(serial, "serial"));
    EXPECT_TRUE(has(serial, "backoff_initial_ms"));
    EXPECT_TRUE(std::is_sorted(listen.begin(), listen.end()));
}

TEST(RegistryOptions, TypedReadsGiveDefaultsForAbsentOptionsAndRefuseNamesNotInTheTable) {
    drivers::InstrumentConfig c;
    c.family = Family::hl7;
    c.transport = "tcp_listen";
    c.options = {{"max_connections", "7"}, {"tolerate_lf", "1"}};
    const drivers::InstrumentOptions o(c);
    EXPECT_EQ(o.integer("max_connections", 16), 7);
    EXPECT_EQ(o.integer("max_message_bytes", 1024), 1024);
    EXPECT_TRUE(o.flag("tolerate_lf", false));
    EXPECT_EQ(o.text("local_application", "LIS"), "LIS");
    EXPECT_THROW(o.integer("framing", 0), std::logic_error);        // not an HL7 option
    EXPECT_THROW(o.flag("max_connections", false), std::logic_error);  // not a flag
}

TEST(RegistryOptions, TheRegistryFileRefusesBadOptionsNamingTheEntryAndTheKey) {
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "AU-1", "family": "astm", "transport": "tcp_listen",
                          "address": "0.0.0.0:5000", "options": {"framng": "e1381"}}]})")
                  .rfind("instruments[0] (AU-1): options.framng: unknown option for astm over tcp_listen; allowed: ", 0),
              0u);
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "AU-1", "family": "astm", "transport": "tcp_listen",
                          "address": "0.0.0.0:5000", "options": {"max_connections": 0}}]})"),
              "instruments[0] (AU-1): options.max_connections: must be an integer from 1 to 1024, got \"0\"");
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "B", "family": "hl7", "transport": "tcp_listen", "address": "h:1"},
                          {"id": "BAL", "family": "sics", "transport": "tcp_listen", "address": "h:2"}]})"),
              "instruments[1] (BAL): transport \"tcp_listen\" is not one of tcp_connect, serial for sics");
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "HL", "family": "hl7", "transport": "tcp_connect",
                          "address": "h:1", "options": {"tolerate_lf": "maybe"}}]})"),
              "instruments[0] (HL): options.tolerate_lf: must be true or false, got \"maybe\"");
    // JSON booleans and numbers are taken as the text they are.
    EXPECT_EQ(error_of(R"({"instruments": [{"id": "HL", "family": "hl7", "transport": "tcp_listen",
                          "address": "h:1", "options": {"tolerate_lf": true, "max_connections": 3}}]})"),
              "(parsed)");
}

}  // namespace
