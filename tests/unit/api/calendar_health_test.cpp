// /healthz and /metrics on the working-day calendar: from 1 November a next year that is
// missing or provisional is a warning (the service stays up and "ok"), shown as gauges too.
#include "lims/api/api_service.hpp"
#include "lims/api/server.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "support/http_client.hpp"
#include "support/memory_credentials.hpp"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

using namespace lims::api;
using lims::api::testing::call;
using lims::api::testing::MemoryCredentials;

namespace {

class CalendarHealthTest : public ::testing::Test {
protected:
    CalendarHealthTest() : auth(store, settings()) {}
    static AuthSettings settings() {
        AuthSettings s;
        s.argon2 = {1024, 1, 1};
        return s;
    }
    // The service over `calendar`, on the day `today` (China Standard Time).
    void start(const lims::domain::WorkingCalendar& calendar, const char* today) {
        ASSERT_TRUE(auth.createUser({"admin", "管理员", "SH-LAB", {"administrator"}, ""}, "admin-password-1"));
        ApiParts parts;
        parts.auth = &auth;
        parts.health = []() -> lims::domain::Result<void> { return {}; };
        parts.calendar = &calendar;
        const auto day = *lims::domain::parse_date(today);
        parts.today = [day] { return day; };
        api = std::make_unique<ApiService>(std::move(parts));
        ServerConfig c;
        c.port = 0;
        server = std::make_unique<Server>(c, api->dispatcher());
        server->start();
        auto login = call(server->port(), "POST", "/api/v1/auth/login", R"({"username":"admin","password":"admin-password-1"})");
        ASSERT_EQ(login.status, 200);
        token = {{"Authorization", "Bearer " + login.json()->getValue<std::string>("token")}};
    }
    static lims::domain::WorkingCalendar shipped() {
        return lims::workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars").value();
    }
    static lims::domain::WorkingCalendar official_2025_2026() {
        std::vector<lims::domain::CalendarYear> years;
        years.push_back(lims::domain::parse_calendar_year("a", "year 2025\n").value());
        years.push_back(lims::domain::parse_calendar_year("b", "year 2026\n").value());
        return lims::domain::WorkingCalendar::from_years(std::move(years)).value();
    }

    MemoryCredentials store;
    AuthService auth;
    std::unique_ptr<ApiService> api;
    std::unique_ptr<Server> server;
    std::map<std::string, std::string> token;
};

}  // namespace

TEST_F(CalendarHealthTest, ProvisionalNextYearIsAWarningNotAFailure) {
    const auto calendar = shipped();
    start(calendar, "2026-11-23");
    auto health = call(server->port(), "GET", "/healthz");
    ASSERT_EQ(health.status, 200) << health.body;
    EXPECT_EQ(health.json()->getValue<std::string>("status"), "ok");
    auto warnings = health.json()->getArray("warnings");
    ASSERT_TRUE(warnings);
    ASSERT_EQ(warnings->size(), 1U) << health.body;
    auto w = warnings->getObject(0);
    EXPECT_EQ(w->getValue<std::string>("code"), "calendar.year_provisional");
    EXPECT_EQ(w->getValue<int>("year"), 2027);
    EXPECT_NE(w->getValue<std::string>("message").find("provisional"), std::string::npos);

    auto metrics = call(server->port(), "GET", "/metrics", "", token);
    ASSERT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("lims_calendar_year_provisional{year=\"2027\"} 1\n"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("lims_calendar_year_provisional{year=\"2026\"} 0\n"), std::string::npos);
    EXPECT_NE(metrics.body.find("lims_calendar_year_loaded{year=\"2027\"} 1\n"), std::string::npos);
    EXPECT_NE(metrics.body.find("lims_calendar_warnings 1\n"), std::string::npos);
}

TEST_F(CalendarHealthTest, MissingNextYearIsAWarningFromNovember) {
    const auto calendar = official_2025_2026();
    start(calendar, "2026-11-01");
    auto health = call(server->port(), "GET", "/healthz");
    ASSERT_EQ(health.status, 200);
    auto warnings = health.json()->getArray("warnings");
    ASSERT_TRUE(warnings);
    ASSERT_EQ(warnings->size(), 1U) << health.body;
    EXPECT_EQ(warnings->getObject(0)->getValue<std::string>("code"), "calendar.year_missing");
    auto metrics = call(server->port(), "GET", "/metrics", "", token);
    EXPECT_NE(metrics.body.find("lims_calendar_year_loaded{year=\"2027\"} 0\n"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("lims_calendar_year_provisional{year=\"2027\"} 0\n"), std::string::npos);
}

TEST_F(CalendarHealthTest, NoWarningBeforeNovember) {
    const auto calendar = official_2025_2026();
    start(calendar, "2026-10-31");
    auto health = call(server->port(), "GET", "/healthz");
    ASSERT_EQ(health.status, 200);
    auto warnings = health.json()->getArray("warnings");
    ASSERT_TRUE(warnings);
    EXPECT_EQ(warnings->size(), 0U) << health.body;
    auto metrics = call(server->port(), "GET", "/metrics", "", token);
    EXPECT_NE(metrics.body.find("lims_calendar_warnings 0\n"), std::string::npos) << metrics.body;
}
