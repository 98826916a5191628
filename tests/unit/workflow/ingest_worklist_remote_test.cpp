// The gateway's RemoteOrdersSink with a stand-in for the service: the path it asks
// (percent-encoded, comma-holding ids left out), the answer it reads, and every failure:
// no answer, 404, another status, a body of the wrong shape. Commits pass through.
#include "lims/workflow/ingest/worklist_remote.hpp"

#include <gtest/gtest.h>

namespace lims::workflow::ingest {
namespace {

struct CountingSink : drivers::IngestSink {
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage&) override {
        ++messages;
        return drivers::CommitReceipt{1, 0, 0};
    }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>&) override {
        ++readings;
        return drivers::CommitReceipt{};
    }
    int messages = 0, readings = 0;
};

drivers::CommitFailure failure_of(const drivers::QueryOutcome& o) {
    if (auto* f = std::get_if<drivers::CommitFailure>(&o)) return *f;
    return {"(answered)", "", false};
}

TEST(RemoteOrders, AsksAPercentEncodedPathAndLeavesOutIdsWithTheListsComma) {
    EXPECT_EQ(orders_path({"AU 1&x", {"S-1/2", "a,b", "", "S=3"}}),
              "/api/v1/ingest/orders?instrument=AU%201%26x&specimen=S-1%2F2,S%3D3");
}

TEST(RemoteOrders, ReadsTheServicesAnswer) {
    CountingSink commits;
    std::string asked;
    RemoteOrdersSink sink(commits, [&](const std::string& path) {
        asked = path;
        return PostReply{200, R"({"instrument":"AU-1","orders":[{"specimen":"S1","tests":["GLU","K"]}],"noOrders":[]})", ""};
    });
    auto answer = sink.query_orders({"AU-1", {"S1", "S2"}});
    ASSERT_TRUE(std::holds_alternative<drivers::OrdersAnswer>(answer));
    EXPECT_EQ(std::get<drivers::OrdersAnswer>(answer).orders,
              (std::vector<drivers::SpecimenOrders>{{"S1", {"GLU", "K"}}}));
    EXPECT_EQ(asked, "/api/v1/ingest/orders?instrument=AU-1&specimen=S1,S2");
    // Commits go to the wrapped sink (the gateway's outbox).
    EXPECT_TRUE(std::holds_alternative<drivers::CommitReceipt>(sink.commit_message({})));
    (void)sink.commit_readings({});
    EXPECT_EQ(commits.messages, 1);
    EXPECT_EQ(commits.readings, 1);
}

TEST(RemoteOrders, EveryFailureIsNamed) {
    CountingSink commits;
    auto with = [&](PostReply reply) {
        RemoteOrdersSink sink(commits, [reply](const std::string&) { return reply; });
        return failure_of(sink.query_orders({"AU-1", {"S1"}}));
    };
    auto unreachable = with({0, "", "cannot reach http://127.0.0.1:1: Connection refused"});
    EXPECT_EQ(unreachable.code, "gateway.orders_unreachable");
    EXPECT_NE(unreachable.reason.find("Connection refused"), std::string::npos);
    EXPECT_EQ(with({404, "{}", ""}).code, "ingest.unknown_instrument");
    auto refused = with({503, "busy", ""});
    EXPECT_EQ(refused.code, "gateway.orders_refused");
    EXPECT_NE(refused.reason.find("503"), std::string::npos);
    for (const char* body : {"not json", "[]", "{}", R"({"orders":[{"tests":[]}]})", R"({"orders":[{"specimen":"S1"}]})",
                             R"({"orders":[{"specimen":"S1","tests":[7]}]})", R"({"orders":[{"specimen":5,"tests":[]}]})"})
        EXPECT_EQ(with({200, body, ""}).code, "gateway.orders_body") << body;
}

}  // namespace
}  // namespace lims::workflow::ingest
