// Loading a calendar folder: official files, provisional files, and which one wins a year.
#include "lims/workflow/admin/calendar_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace lims;

namespace {

class CalendarFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("lims-calendars-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream out(dir_ / name, std::ios::binary);
        out << text;
    }
    void copy_fixture(const std::string& name) {
        std::filesystem::copy_file(std::filesystem::path(LIMS_SOURCE_DIR) / "fixtures/calendars" / name, dir_ / name);
    }
    std::string dir() const { return dir_.string(); }

    static bool mentions(const std::vector<std::string>& notes, const std::string& what) {
        for (const auto& n : notes)
            if (n.find(what) != std::string::npos) return true;
        return false;
    }

    std::filesystem::path dir_;
};

}  // namespace

TEST_F(CalendarFilesTest, TheShippedFolderHasAProvisional2027) {
    auto files = workflow::load_calendar_files(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars");
    ASSERT_TRUE(files.ok()) << files.error().message;
    EXPECT_EQ(files->calendar.years(), (std::set<int>{2025, 2026, 2027}));
    EXPECT_EQ(files->calendar.provisional_years(), (std::set<int>{2027}));
    EXPECT_EQ(files->loaded, (std::vector<std::string>{"cn-mainland-2025.txt", "cn-mainland-2026.txt",
                                                        "cn-mainland-2027.provisional.txt"}));
    ASSERT_EQ(files->notes.size(), 1U);
    EXPECT_NE(files->notes[0].find("PROVISIONAL"), std::string::npos) << files->notes[0];
}

TEST_F(CalendarFilesTest, TheOfficialFileWinsItsYear) {
    copy_fixture("cn-mainland-2026.txt");
    copy_fixture("cn-mainland-2027.provisional.txt");
    // The notice's own days: 1–3 Jan off with a make-up Saturday, unlike the statutory file.
    write("cn-mainland-2027.txt", "year 2027\nholiday 2027-01-01..2027-01-03 元旦\nworkday 2027-01-09 元旦调休\n");
    auto files = workflow::load_calendar_files(dir());
    ASSERT_TRUE(files.ok()) << files.error().message;
    EXPECT_EQ(files->calendar.years(), (std::set<int>{2026, 2027}));
    EXPECT_FALSE(files->calendar.is_provisional(2027));
    EXPECT_TRUE(files->calendar.provisional_years().empty());
    EXPECT_TRUE(files->calendar.is_working_day(*domain::parse_date("2027-01-09")).value());
    // 2027-02-05 is 除夕 in the provisional file only: ignored, it is an ordinary Friday now.
    EXPECT_TRUE(files->calendar.is_working_day(*domain::parse_date("2027-02-05")).value());
    EXPECT_EQ(files->loaded, (std::vector<std::string>{"cn-mainland-2026.txt", "cn-mainland-2027.txt"}));
    ASSERT_EQ(files->notes.size(), 1U);
    EXPECT_TRUE(mentions(files->notes, "cn-mainland-2027.provisional.txt ignored")) << files->notes[0];
    EXPECT_TRUE(mentions(files->notes, "official cn-mainland-2027.txt"));
    // The plain entry point gives the same calendar.
    auto plain = workflow::load_working_calendar(dir());
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->is_provisional(2027));
}

TEST_F(CalendarFilesTest, NameAndContentMustAgree) {
    copy_fixture("cn-mainland-2026.txt");
    write("cn-mainland-2027.provisional.txt", "year 2027\nholiday 2027-01-01 元旦\n");
    auto unmarked = workflow::load_calendar_files(dir());
    ASSERT_FALSE(unmarked.ok());
    EXPECT_EQ(unmarked.error().code, "calendar.provisional_mismatch");
    EXPECT_NE(unmarked.error().message.find("cn-mainland-2027.provisional.txt"), std::string::npos);

    std::filesystem::remove(dir_ / "cn-mainland-2027.provisional.txt");
    write("cn-mainland-2027.txt", "year 2027\nprovisional waiting\nholiday 2027-01-01 元旦\n");
    auto misnamed = workflow::load_calendar_files(dir());
    ASSERT_FALSE(misnamed.ok());
    EXPECT_EQ(misnamed.error().code, "calendar.provisional_mismatch");
    EXPECT_NE(misnamed.error().message.find("cn-mainland-2027.txt"), std::string::npos);
}

TEST_F(CalendarFilesTest, TwoProvisionalFilesForOneYearAreAnError) {
    copy_fixture("cn-mainland-2027.provisional.txt");
    write("other-2027.provisional.txt", "year 2027\nprovisional waiting\n");
    auto files = workflow::load_calendar_files(dir());
    ASSERT_FALSE(files.ok());
    EXPECT_EQ(files.error().code, "calendar.duplicate_year");
}

TEST_F(CalendarFilesTest, ABadProvisionalFileIsNamedWithItsLine) {
    write("cn-mainland-2027.provisional.txt", "year 2027\nprovisional waiting\nworkday 2027-02-20 guess\n");
    auto files = workflow::load_calendar_files(dir());
    ASSERT_FALSE(files.ok());
    EXPECT_EQ(files.error().code, "calendar.provisional_workday");
    EXPECT_EQ(files.error().message.rfind("cn-mainland-2027.provisional.txt:3:", 0), 0U) << files.error().message;
}

TEST_F(CalendarFilesTest, AnEmptyOrMissingFolderIsAnError) {
    EXPECT_EQ(workflow::load_calendar_files(dir()).error().code, "calendar.directory");
    EXPECT_EQ(workflow::load_calendar_files(dir() + "/nowhere").error().code, "calendar.directory");
}
