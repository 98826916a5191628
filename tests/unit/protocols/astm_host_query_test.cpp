// Host queries (LIS2-A2 request information): decoding and checking the analyzer's Q
// records, the answer's records (orders, no information, query error) and reading the
// answer back as the analyzer does.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "astm_test_support.hpp"
#include "protocols/astm/host_query.hpp"

using namespace protocols::astm;

namespace {

Message parsed(std::string_view text) {
    auto p = parse_message(text);
    EXPECT_TRUE(std::holds_alternative<Message>(p))
        << (std::holds_alternative<protocols::DecodeError>(p) ? std::get<protocols::DecodeError>(p).detail : "");
    return std::holds_alternative<Message>(p) ? std::get<Message>(p) : Message{};
}

HostQuery query_of(std::string_view text) {
    auto q = decode_host_query(parsed(text));
    EXPECT_TRUE(std::holds_alternative<HostQuery>(q))
        << (std::holds_alternative<protocols::DecodeError>(q) ? std::get<protocols::DecodeError>(q).detail : "");
    return std::holds_alternative<HostQuery>(q) ? std::get<HostQuery>(q) : HostQuery{};
}

protocols::DecodeError error_of(std::string_view text) {
    auto q = decode_host_query(parsed(text));
    if (auto* e = std::get_if<protocols::DecodeError>(&q)) return *e;
    return {"(decoded)", 0, ""};
}

const std::string kHeader = "H|\\^&|||AU-Chem^2.1.0^SN41235|||||LIS||P|LIS2-A2|20240611110000\r";

HeaderRecord host_header() {
    HeaderRecord h;
    h.sender = {"LIS"};
    h.receiver = {"AU-Chem"};
    h.timestamp = "20261123180000";
    return h;
}

}  // namespace

TEST(AstmHostQuery, DecodesTheBriefsQueryWithTheBareWordAll) {
    HostQuery q = query_of(kHeader + "Q|1|^S-2026-000123||ALL||||||||O\rL|1|N\r");
    EXPECT_EQ(q.specimen_ids, std::vector<std::string>{"S-2026-000123"});
    EXPECT_TRUE(q.test_codes.empty());  // ALL
    EXPECT_FALSE(q.cancel);
    EXPECT_EQ(q.sender, (Components{"AU-Chem", "2.1.0", "SN41235"}));
}

TEST(AstmHostQuery, DecodesTheVectorFile) {
    const std::string bytes = astm_test::read_vector("19_query.astm");
    auto events = astm_test::run_whole(bytes);
    std::string records;
    for (const auto& e : events)
        if (auto* m = std::get_if<MessageReceived>(&e)) records = m->records;
    Message m = parsed(records);
    EXPECT_TRUE(is_query(m));
    HostQuery q = query_of(records);
    EXPECT_EQ(q.specimen_ids, std::vector<std::string>{"S240611-0016"});
    EXPECT_TRUE(q.test_codes.empty());  // ^^^ALL
}

TEST(AstmHostQuery, DecodesTheTwoRecordVector) {
    std::string records;
    for (const auto& e : astm_test::run_whole(astm_test::read_vector("28_query_two_records.astm")))
        if (auto* m = std::get_if<MessageReceived>(&e)) records = m->records;
    HostQuery q = query_of(records);
    EXPECT_EQ(q.specimen_ids, (std::vector<std::string>{"S240611-0016", "S240611-0017", "S240611-0018"}));
    EXPECT_TRUE(q.test_codes.empty());  // the first Q asks for ALL
}

TEST(AstmHostQuery, CollectsRepeatsAndSeveralQRecordsOnceEach) {
    HostQuery q = query_of(kHeader + "Q|1|P1^S1\\^S2||^^^GLU\\^^^K||||||||O\rQ|2|^S2\\^S3||^^^K||||||||O\rL|1|N\r");
    EXPECT_EQ(q.specimen_ids, (std::vector<std::string>{"S1", "S2", "S3"}));
    EXPECT_EQ(q.test_codes, (std::vector<std::string>{"GLU", "K"}));
}

TEST(AstmHostQuery, AllInAnyQRecordMeansEveryTest) {
    HostQuery q = query_of(kHeader + "Q|1|^S1||^^^GLU||||||||O\rQ|2|^S2||^^^ALL||||||||O\rL|1|N\r");
    EXPECT_TRUE(q.test_codes.empty());
}

TEST(AstmHostQuery, UnescapesSpecimenIdsAndKeepsTheAnalyzersDelimiters) {
    HostQuery q = query_of("H!@#$\rQ!1!#S-1$F$x!!###G$S$LU!!!!!!!!O\rL!1!N\r");
    EXPECT_EQ(q.specimen_ids, std::vector<std::string>{"S-1!x"});
    EXPECT_EQ(q.test_codes, std::vector<std::string>{"G#LU"});  // component delimiter is # here
    EXPECT_EQ(q.delimiters, (Delimiters{'!', '@', '#', '$'}));
}

TEST(AstmHostQuery, EmptyStatusIsAnOrderRequestAndAIsACancel) {
    EXPECT_FALSE(query_of(kHeader + "Q|1|^S1||ALL\rL|1|N\r").cancel);
    HostQuery cancel = query_of(kHeader + "Q|1|^S1||ALL||||||||A\rL|1|N\r");
    EXPECT_TRUE(cancel.cancel);
    EXPECT_EQ(answer_records(cancel, host_header(), {{"S1", {"GLU"}}}), "");
}

TEST(AstmHostQuery, RefusesWhatItCannotServeWithNamedErrors) {
    EXPECT_EQ(error_of(kHeader + "P|1\rL|1|N\r").code, "astm.query_missing");
    auto status = error_of(kHeader + "Q|1|^S1||ALL||||||||F\rL|1|N\r");
    EXPECT_EQ(status.code, "astm.query_status");
    EXPECT_NE(status.detail.find("\"F\""), std::string::npos);
    EXPECT_EQ(status.offset, kHeader.size());
    EXPECT_EQ(error_of(kHeader + "Q|1|P1||ALL||||||||O\rL|1|N\r").code, "astm.query_specimen");  // patient id only
    EXPECT_EQ(error_of(kHeader + "Q|1|||ALL||||||||O\rL|1|N\r").code, "astm.query_specimen");
    EXPECT_EQ(error_of(kHeader + "Q|1|^ALL||ALL||||||||O\rL|1|N\r").code, "astm.query_specimen");
    EXPECT_EQ(error_of(kHeader + "Q|1|^S1\\^||ALL||||||||O\rL|1|N\r").code, "astm.query_specimen");
    EXPECT_EQ(error_of(kHeader + "Q|1|^S1|^S9|ALL||||||||O\rL|1|N\r").code, "astm.query_range");
    EXPECT_EQ(query_of(kHeader + "Q|1|^S1|^S1|ALL||||||||O\rL|1|N\r").specimen_ids.size(), 1u);  // a range of one
    std::string many = kHeader + "Q|1|";
    for (std::size_t i = 0; i <= kMaxQueriedSpecimens; ++i) many += (i ? "\\^S" : "^S") + std::to_string(i);
    many += "||ALL||||||||O\rL|1|N\r";
    EXPECT_EQ(error_of(many).code, "astm.query_too_many");
}

TEST(AstmHostQuery, AnswersOneOrderRecordPerTestInTheQueryOrder) {
    HostQuery q = query_of(kHeader + "Q|1|^S2\\^S1\\^S3||ALL||||||||O\rL|1|N\r");
    const std::vector<SpecimenOrder> orders{{"S1", {"GLU", "K"}, "R"}, {"S2", {"ALT"}, "S"}};
    EXPECT_EQ(answer_records(q, host_header(), orders),
              "H|\\^&|||LIS|||||AU-Chem||P|LIS2-A2|20261123180000\r"
              "P|1\r"
              "O|1|S2||^^^ALT|S||||||N||||||||||||||Q\r"
              "P|2\r"
              "O|1|S1||^^^GLU|R||||||N||||||||||||||Q\r"
              "O|2|S1||^^^K|R||||||N||||||||||||||Q\r"
              "L|1|N\r");
}

TEST(AstmHostQuery, AnswerKeepsOnlyTheTestsTheQueryAskedFor) {
    HostQuery q = query_of(kHeader + "Q|1|^S1\\^S2||^^^K||||||||O\rL|1|N\r");
    const std::string text = answer_records(q, host_header(), {{"S1", {"GLU", "K"}}, {"S2", {"GLU"}}});
    HostAnswer a = decode_answer(parsed(text));
    EXPECT_EQ(a.orders, (std::vector<SpecimenOrder>{{"S1", {"K"}, "R"}}));
    EXPECT_EQ(a.termination, "N");
}

TEST(AstmHostQuery, NothingToDoIsTheNoInformationTerminator) {
    HostQuery q = query_of(kHeader + "Q|1|^S1||ALL||||||||O\rL|1|N\r");
    EXPECT_EQ(answer_records(q, host_header(), {}), "H|\\^&|||LIS|||||AU-Chem||P|LIS2-A2|20261123180000\rL|1|I\r");
    // Orders for a specimen nobody asked about are not sent.
    EXPECT_EQ(decode_answer(parsed(answer_records(q, host_header(), {{"S9", {"GLU"}}}))).termination, "I");
    EXPECT_EQ(decode_answer(parsed(answer_records(q, host_header(), {{"S1", {}}}))).orders.size(), 0u);
}

TEST(AstmHostQuery, AnswerRoundTripsInTheAnalyzersDelimitersWithEscapes) {
    HostQuery q = query_of("H!@#$\rQ!1!#S$F$1!!ALL!!!!!!!!O\rL!1!N\r");
    const std::string text = answer_records(q, host_header(), {{"S!1", {"G#L", "K"}}});
    EXPECT_EQ(text.substr(0, 5), "H!@#$");
    HostAnswer a = decode_answer(parsed(text));
    EXPECT_EQ(a.orders, (std::vector<SpecimenOrder>{{"S!1", {"G#L", "K"}, "R"}}));
    EXPECT_EQ(a.termination, "N");
}

TEST(AstmHostQuery, QueryErrorAnswer) {
    EXPECT_EQ(query_error_records(host_header()), "H|\\^&|||LIS|||||AU-Chem||P|LIS2-A2|20261123180000\rL|1|Q\r");
}

TEST(AstmRecords, SplitOnAndRepeatComponents) {
    EXPECT_EQ(split_on("a^^b", '^'), (std::vector<std::string_view>{"a", "", "b"}));
    EXPECT_EQ(split_on("", '^'), (std::vector<std::string_view>{""}));
    Message m = parsed(kHeader + "Q|1|^S1\\P2^S&F&2^x\\||ALL\rL|1|N\r");
    EXPECT_EQ(m.records.at(1).repeat_components(3, 2), (std::vector<std::string>{"S1", "S|2", ""}));
    EXPECT_TRUE(m.records.at(1).repeat_components(4, 2).empty());
    EXPECT_EQ(local_test_code("^^^GLU^Glucose", Delimiters{}), "GLU");
    EXPECT_EQ(local_test_code("ALL", Delimiters{}), "ALL");
    EXPECT_EQ(local_test_code("^GLU", Delimiters{}), "");
}
