#include "lims/store/json_text.hpp"

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

}  // namespace
