// `lims calendar recompute`, run as a process the way an operator does once the State
// Council's notice is in the calendar folder: a case lead counted on a provisional year is
// recounted on the official one, with its audit entry; a bad folder is refused by name.
// And `lims serve` says at start-up that a calendar year it needs is missing.
#include "lims/domain/calendar/deadline.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/database.hpp"

#include <Poco/Data/Session.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

using namespace Poco::Data::Keywords;

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Run runLims(const std::vector<std::string>& args, const std::string& url) {
    Poco::Pipe outPipe, errPipe;
    Poco::Process::Env env;
    env["LIMS_DATABASE"] = url;
    auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims", args, ".", nullptr, &outPipe, &errPipe, env);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    Run r;
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, r.err); });
    Poco::StreamCopier::copyToString(outStream, r.out);
    errReader.join();
    r.exitCode = handle.wait();
    return r;
}

class LimsCalendarCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "lims-cal-cli-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir = pattern;
        url = "sqlite:" + dir + "/lims.db";
        auto m = runLims({"migrate"}, url);
        ASSERT_EQ(m.exitCode, 0) << m.err;
        auto org = runLims({"org", "add", "--code", "ENF", "--name", "Enforcement unit", "--kind", "enforcement_unit",
                            "--region", "310000"},
                           url);
        ASSERT_EQ(org.exitCode, 0) << org.err;
        // The official folder after the notice: 2026 as shipped, 2027 with (here) 元旦 only.
        calendars = dir + "/calendars";
        std::filesystem::create_directories(calendars);
        std::filesystem::copy_file(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/cn-mainland-2026.txt",
                                   calendars + "/cn-mainland-2026.txt");
        std::filesystem::copy_file(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/cn-mainland-2027.provisional.txt",
                                   calendars + "/cn-mainland-2027.provisional.txt");
        std::ofstream(calendars + "/cn-mainland-2027.txt") << "year 2027\nholiday 2027-01-01 元旦\n";
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    // An open case lead received Monday 21 Dec 2026, 15:00 in Beijing, with a deadline
    // counted on a provisional 2027 (written as if a day later, so that the recount shows).
    void add_provisional_lead() {
        auto db = lims::store::Database::open(url).value();
        auto session = db->connect();
        const std::string at = "2026-12-21T07:00:00.000Z";
        Poco::Int64 org = 0, entity = 0;
        session.session() << "SELECT id FROM organisations WHERE code = 'ENF'", into(org), now;
        session.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                             "updated_at) VALUES ('某药房', 'pharmacy', $1, '310000', $2, $3) RETURNING id",
            bind(org), bind(at), bind(at), into(entity), now;
        session.session() << "INSERT INTO case_leads (number, source, entity_id, assigned_org_id, state, received_at, "
                             "deadline_at, deadline_provisional, created_at, updated_at) VALUES ('XS2026-000001', "
                             "'manual', $1, $2, 'open', $3, '2027-01-13T16:00:00Z', 1, $4, $5)",
            bind(entity), bind(org), bind(at), bind(at), bind(at), now;
    }
    std::string dir;
    std::string url;
    std::string calendars;
};

}  // namespace

TEST_F(LimsCalendarCliTest, RecomputeRecountsAProvisionalLeadOnTheOfficialYear) {
    add_provisional_lead();
    auto run = runLims({"calendar", "recompute", "--calendar-dir", calendars}, url);
    ASSERT_EQ(run.exitCode, 0) << run.err;
    // The official file wins; 15 working days from 21 Dec 2026 end on 12 Jan 2027.
    EXPECT_NE(run.out.find("cn-mainland-2027.provisional.txt ignored"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("case lead XS2026-000001: 2027-01-13T16:00:00Z -> 2027-01-12T16:00:00"), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("case leads with a provisional deadline: 1 open, 1 recounted, 0 still provisional"),
              std::string::npos)
        << run.out;
    auto again = runLims({"calendar", "recompute", "--calendar-dir", calendars}, url);
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.out.find("case leads with a provisional deadline: 0 open, 0 recounted"), std::string::npos)
        << again.out;
    auto audit = runLims({"audit", "verify"}, url);
    EXPECT_EQ(audit.exitCode, 0) << audit.out << audit.err;
}

TEST_F(LimsCalendarCliTest, RecomputeOnTheProvisionalYearChangesNothing) {
    add_provisional_lead();
    std::filesystem::remove(calendars + "/cn-mainland-2027.txt");
    auto run = runLims({"calendar", "recompute", "--calendar-dir", calendars}, url);
    ASSERT_EQ(run.exitCode, 0) << run.err;
    // Counted again on the statutory days it is 12 Jan too, but the year is still provisional.
    EXPECT_NE(run.out.find("1 open, 1 recounted, 1 still provisional"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("(still provisional)"), std::string::npos) << run.out;
}

TEST_F(LimsCalendarCliTest, RecomputeRefusesABadFolderByName) {
    auto missing = runLims({"calendar", "recompute", "--calendar-dir", dir + "/nowhere"}, url);
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find(dir + "/nowhere"), std::string::npos) << missing.err;
    std::ofstream(calendars + "/cn-mainland-2028.provisional.txt") << "year 2028\n";
    auto mismatch = runLims({"calendar", "recompute", "--calendar-dir", calendars}, url);
    EXPECT_EQ(mismatch.exitCode, 2);
    EXPECT_NE(mismatch.err.find("cn-mainland-2028.provisional.txt"), std::string::npos) << mismatch.err;
    auto extra = runLims({"calendar", "recompute", "now"}, url);
    EXPECT_EQ(extra.exitCode, 2);
}

TEST_F(LimsCalendarCliTest, ServeWarnsAtStartUpAboutAMissingYear) {
    // Only 2025 in the folder: this year is missing whatever the date the test runs on.
    const std::string old_only = dir + "/old";
    std::filesystem::create_directories(old_only);
    std::filesystem::copy_file(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/cn-mainland-2025.txt",
                               old_only + "/cn-mainland-2025.txt");
    const int this_year = lims::domain::year_of(
        lims::domain::local_date(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
    Poco::Pipe outPipe, errPipe;
    Poco::Process::Env env;
    env["LIMS_DATABASE"] = url;
    auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims",
                                        {"serve", "--port", "0", "--calendar-dir", old_only}, ".", nullptr, &outPipe,
                                        &errPipe, env);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    std::string err;
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, err); });
    std::string line;
    std::getline(outStream, line);  // "lims: serving http://127.0.0.1:PORT over ...": it serves
    Poco::Process::requestTermination(handle.id());
    EXPECT_EQ(handle.wait(), 0);
    errReader.join();
    EXPECT_NE(line.find("serving"), std::string::npos) << line << " / " << err;
    EXPECT_NE(err.find("lims: warning: no working-day calendar for " + std::to_string(this_year) + " is loaded"),
              std::string::npos)
        << err;
}
