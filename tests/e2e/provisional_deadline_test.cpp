// Deadlines through a provisional calendar year over HTTP on the test harness: a case lead
// whose 15 working days run through a year loaded from a *.provisional.txt file is opened
// (not refused with calendar.year_not_loaded) and shows deadline_provisional: true, the
// extension keeps the mark, and once the official files are loaded the recount gives the
// lead a new audited version with the official deadline and no mark.
#include "tests/support/test_service.hpp"

#include "lims/domain/calendar/deadline.hpp"
#include "lims/domain/calendar/deadline_clock.hpp"
#include "lims/domain/calendar/statutory_deadlines.hpp"
#include "lims/store/audit.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "lims/workflow/case_leads/case_lead_transitions.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/Data/Session.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace lims::test {
namespace {

using namespace Poco::Data::Keywords;
using domain::Role;

// A calendar folder of the current year and the next, written by the test, so that the
// test holds whatever the date it runs on.
class CalendarFolder {
public:
    CalendarFolder() {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("lims-provisional-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        year_ = domain::year_of(domain::local_date(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
    }
    ~CalendarFolder() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    // Both years provisional, no holiday at all: every weekday is a working day.
    void write_provisional() {
        for (int y : {year_, year_ + 1})
            write("cn-test-" + std::to_string(y) + ".provisional.txt",
                  "year " + std::to_string(y) + "\nprovisional the test's notice is not out\n");
    }
    // The official files: the same, plus one day off in each year on `extra` (a weekday).
    void write_official(domain::Date extra) {
        for (int y : {year_, year_ + 1}) {
            std::string text = "year " + std::to_string(y) + "\n";
            if (domain::year_of(extra) == y) text += "holiday " + domain::format_date(extra) + " test holiday\n";
            write("cn-test-" + std::to_string(y) + ".txt", text);
        }
    }
    std::string path() const { return dir_.string(); }

private:
    void write(const std::string& name, const std::string& text) {
        std::ofstream out(dir_ / name, std::ios::binary);
        out << text;
    }
    std::filesystem::path dir_;
    int year_ = 0;
};

std::int64_t add_entity(TestService& service) {
    const auto unit = service.organisation(TestService::enforcementUnit(Jurisdiction::A));
    auto session = service.database()->connect();
    Poco::Int64 id = 0;
    const std::string at = "2026-11-23T00:00:00.000Z";
    session.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                         "updated_at) VALUES ('某药房', 'pharmacy', $1, $2, $3, $4) RETURNING id",
        bind(unit.id), bind(unit.region_code), bind(at), bind(at), into(id), now;
    return id;
}

domain::Instant time_of(const std::string& stored) { return workflow::parse_store_time(stored).value(); }

TEST(ProvisionalDeadlines, ACaseLeadThroughAProvisionalYearIsOpenedAndMarkedThenRecounted) {
    CalendarFolder folder;
    folder.write_provisional();
    TestService::Options options;
    options.calendarDir = folder.path();
    TestService service(options);
    const auto entity = add_entity(service);
    auto officer = service.as(TestService::username(Role::enforcement_officer, Jurisdiction::A));

    auto opened = officer.post("/api/v1/case-leads", std::string(R"({"subject_entity_id":)") + std::to_string(entity) +
                                                         R"(,"summary":"投诉 received late in the year"})");
    ASSERT_EQ(opened.status, 201) << opened.describe();
    auto lead = opened.json();
    EXPECT_TRUE(lead->has("deadline_provisional")) << opened.body;
    EXPECT_TRUE(lead->optValue<bool>("deadline_provisional", false));
    const auto received = time_of(lead->getValue<std::string>("received_at"));
    const auto provisional_calendar = workflow::load_working_calendar(folder.path()).value();
    const auto expected = domain::counted_deadline_for(provisional_calendar, domain::statutory::kCaseLeadDecision, received);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(lead->getValue<std::string>("deadline_at"), workflow::store_time(expected->due));
    const auto number = lead->getValue<std::string>("number");

    // Read back, and extended: still marked.
    auto got = officer.get("/api/v1/case-leads/" + number);
    ASSERT_EQ(got.status, 200) << got.describe();
    EXPECT_TRUE(got.json()->optValue<bool>("deadline_provisional", false));
    auto extended = officer.post("/api/v1/case-leads/" + number + "/extension", std::string(R"({"approval":"局长 2026-12-01"})"),
                                 {{"If-Match", "\"1\""}});
    ASSERT_EQ(extended.status, 200) << extended.describe();
    EXPECT_TRUE(extended.json()->optValue<bool>("deadline_provisional", false));
    EXPECT_TRUE(extended.json()->getValue<bool>("extended"));

    // The notice comes: the official files (one more day off, the first weekday after
    // receipt) win over the provisional ones, and the recount moves the deadline a day.
    domain::Date holiday = domain::local_date(received) + std::chrono::days{1};
    while (domain::is_weekend(holiday)) holiday += std::chrono::days{1};
    folder.write_official(holiday);
    auto files = workflow::load_calendar_files(folder.path());
    ASSERT_TRUE(files.ok()) << files.error().message;
    EXPECT_TRUE(files->calendar.provisional_years().empty());
    EXPECT_EQ(files->notes.size(), 2U);  // both provisional files set aside
    auto recount = service.database()->write([&](store::Transaction& tx) {
        return workflow::case_leads::recount_provisional_deadlines(tx, files->calendar, "system:calendar-recompute");
    });
    ASSERT_TRUE(recount.ok()) << recount.error().message;
    EXPECT_EQ(recount->examined, 1U);
    EXPECT_EQ(recount->changed, 1U);
    EXPECT_EQ(recount->still_provisional, 0U);
    ASSERT_EQ(recount->changes.size(), 1U);
    EXPECT_NE(recount->changes[0].find(number), std::string::npos);

    auto clock = domain::DeadlineClock::start(received, domain::statutory::kCaseLeadDecision,
                                              domain::statutory::kCaseLeadExtension).value();
    ASSERT_TRUE(clock.extend(received).ok());
    const auto official = clock.counted_due(files->calendar).value();
    EXPECT_FALSE(official.provisional);
    auto after = officer.get("/api/v1/case-leads/" + number);
    ASSERT_EQ(after.status, 200) << after.describe();
    EXPECT_FALSE(after.json()->has("deadline_provisional")) << after.body;
    EXPECT_EQ(after.json()->getValue<std::string>("deadline_at"), workflow::store_time(official.due));
    // One more day off: one working day later than the provisional count.
    EXPECT_GT(time_of(after.json()->getValue<std::string>("deadline_at")),
              time_of(extended.json()->getValue<std::string>("deadline_at")));
    EXPECT_EQ(after.json()->getValue<int>("version"), 3);  // opened, extended, recounted

    // A second recount finds nothing to do; the trail holds the recount and verifies.
    auto again = service.database()->write([&](store::Transaction& tx) {
        return workflow::case_leads::recount_provisional_deadlines(tx, files->calendar, "system:calendar-recompute");
    });
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->examined, 0U);
    EXPECT_EQ(again->changed, 0U);
    int recounts = 0;
    {
        auto session = service.database()->connect();
        session.session() << "SELECT count(*) FROM audit_log WHERE action = 'case_lead.deadline_recount' AND actor = "
                             "'system:calendar-recompute'",
            into(recounts), now;
    }
    EXPECT_EQ(recounts, 1);
    auto chain = store::verify_audit_chain(*service.database());
    ASSERT_TRUE(chain.ok());
    EXPECT_TRUE(chain->intact) << chain->problem;
}

}  // namespace
}  // namespace lims::test
