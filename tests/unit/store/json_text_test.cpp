#include "lims/store/json_text.hpp"
#include "lims/store/sample_repository.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <sstream>

namespace {

std::string poco_text(const Poco::JSON::Object& j) {
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

TEST(JsonObjectText, EveryByteIsWrittenAsPocoWritesIt) {
    // Stored audit snapshots were written by Poco; the same record must give the same text.
    for (int c = 0; c < 256; ++c) {
        const std::string value = "a" + std::string(1, static_cast<char>(c)) + "z";
        Poco::JSON::Object j;
        j.set("v", value);
        EXPECT_EQ(lims::store::JsonObjectText().text("v", value).str(), poco_text(j)) << "byte " << c;
    }
}

TEST(JsonObjectText, KeysAreSortedAndIntegersAndTextMatchPoco) {
    const std::string chinese = "\xe4\xb8\xad\xe6\x96\x87 mg/g \"q\" \\ \n";
    Poco::JSON::Object j;
    j.set("test_code", chinese);
    j.set("id", Poco::Int64(-42));
    j.set("version", Poco::Int64(9007199254740993));
    j.set("a_empty", std::string());
    const auto mine = lims::store::JsonObjectText()
                          .text("test_code", chinese)
                          .integer("id", -42)
                          .integer("version", 9007199254740993)
                          .text("a_empty", "")
                          .str();
    EXPECT_EQ(mine, poco_text(j));
    EXPECT_EQ(mine.find("\"a_empty\""), 1u);
}

TEST(JsonObjectText, AbsentOptionalsAreLeftOutAndALaterValueOfAKeyWins) {
    std::optional<std::string> none;
    std::optional<std::int64_t> no_number;
    EXPECT_EQ(lims::store::JsonObjectText().text("x", none).integer("y", no_number).str(), "{}");
    EXPECT_EQ(lims::store::JsonObjectText().integer("k", 1).text("j", "v").integer("k", 2).str(),
              R"({"j":"v","k":2})");
    std::optional<std::string> some = "s";
    EXPECT_EQ(lims::store::JsonObjectText().text("x", some).str(), R"({"x":"s"})");
}

TEST(JsonObjectText, ListsOfTextAreWrittenAsPocoWritesArrays) {
    Poco::JSON::Array flags;
    flags.add(std::string("H"));
    flags.add(std::string("a\"b"));
    Poco::JSON::Object j;
    j.set("flags", flags);
    j.set("none", Poco::JSON::Array());
    EXPECT_EQ(lims::store::JsonObjectText().texts("flags", {"H", "a\"b"}).texts("none", {}).str(), poco_text(j));
}

TEST(JsonObjectText, ASampleSnapshotIsTheTextThePocoObjectGave) {
    // The sample's audit snapshot moved from Poco::JSON::Object to JsonObjectText; the
    // reference below is the Poco code it replaced, so old and new entries read alike.
    lims::domain::Sample s;
    s.id = 7;
    s.number = "S-2026-000123";
    s.org_id = 3;
    s.product_id = 11;
    s.product_name = "葡萄糖注射液 \"5%\"";
    s.batch_number = "B/1";
    s.expiry_date = "2027-05-01";
    s.quantity = "6";
    s.unit = "vial";
    s.sampled_at = "2026-11-20T02:00:00.000Z";
    s.state = "received";
    s.registered_by = 5;
    s.seal_numbers = {"F-001", "F-002"};
    s.sampler_user_ids = {5, 6};
    s.portions = {{lims::domain::PortionKind::test, "3", "vial", std::nullopt},
                  {lims::domain::PortionKind::retained, "3", "vial", 42}};
    s.version = 4;

    Poco::JSON::Object j;
    j.set("id", s.id);
    j.set("number", s.number);
    j.set("org_id", s.org_id);
    j.set("product_id", *s.product_id);
    j.set("product_name", s.product_name);
    j.set("batch_number", s.batch_number);
    j.set("expiry_date", *s.expiry_date);
    j.set("quantity", s.quantity);
    j.set("unit", s.unit);
    j.set("storage_condition", std::string(lims::domain::to_string(s.storage_condition)));
    j.set("sampled_at", s.sampled_at);
    j.set("sampling_place", s.sampling_place);
    j.set("state", s.state);
    j.set("registered_by", *s.registered_by);
    Poco::JSON::Array seals, samplers, codes, portions;
    for (const auto& x : s.seal_numbers) seals.add(x);
    for (const auto& x : s.sampler_user_ids) samplers.add(x);
    for (const auto& p : s.portions) {
        Poco::JSON::Object o;
        o.set("kind", std::string(lims::domain::to_string(p.kind)));
        o.set("quantity", p.quantity);
        o.set("unit", p.unit);
        if (p.storage_unit_id) o.set("storage_unit_id", *p.storage_unit_id);
        portions.add(o);
    }
    j.set("seal_numbers", seals);
    j.set("sampler_user_ids", samplers);
    j.set("trace_codes", codes);
    j.set("portions", portions);
    j.set("version", s.version);
    EXPECT_EQ(lims::store::to_json(s), poco_text(j));
}

}  // namespace
