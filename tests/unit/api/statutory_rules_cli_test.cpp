// lims.statutory.rules as an operator meets it, the `lims` executable run as a process:
// a rule file with a mistake stops `lims serve` and `lims calendar recompute` before they
// count anything, naming the file, the line and the field; a file that is right is used.
#include "lims_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using lims::test::run_lims;

class StatutoryRulesCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "lims-rules-cli-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir = pattern;
        url = "sqlite:" + dir + "/lims.db";
        auto m = run_lims({"migrate"}, url);
        ASSERT_EQ(m.exit_code, 0) << m.err;
        std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/statutory-rules.txt");
        std::stringstream text;
        text << in.rdbuf();
        shipped = text.str();
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    // The shipped file with `from` replaced by `to`, written as `name` in the test's folder.
    std::string write(const std::string& name, const std::string& from, const std::string& to) {
        std::string text = shipped;
        if (!from.empty()) {
            const auto at = text.find(from);
            EXPECT_NE(at, std::string::npos) << from;
            text.replace(at, from.size(), to);
        }
        const std::string path = dir + "/" + name;
        std::ofstream(path) << text;
        return path;
    }

    std::string dir, url, shipped;
    const std::string calendars = std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars";
};

TEST_F(StatutoryRulesCliTest, AMistakeStopsTheServiceNamingTheFileTheLineAndTheField) {
    const std::string bad = write("rules.txt", "unit     = hours\nstarts   = transfer_approved",
                                  "unit     = minutes\nstarts   = transfer_approved");
    auto serve = run_lims({"serve", "--port", "0", "--calendar-dir", calendars, "--web-root", "none",
                           "--statutory-rules", bad},
                          url);
    EXPECT_EQ(serve.exit_code, 2) << serve.out << serve.err;
    EXPECT_NE(serve.err.find(bad + ":"), std::string::npos) << serve.err;
    EXPECT_NE(serve.err.find("field 'unit': 'minutes' is not one of working_days, calendar_days, hours"),
              std::string::npos)
        << serve.err;
    EXPECT_EQ(serve.out.find("serving"), std::string::npos) << serve.out;

    auto missing = run_lims({"calendar", "recompute", "--calendar-dir", calendars}, url, "",
                            {{"LIMS_STATUTORY_RULES", dir + "/none.txt"}});
    // The environment spelling of lims.statutory.rules, as every other setting.
    EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
    EXPECT_NE(missing.err.find(dir + "/none.txt cannot be opened"), std::string::npos) << missing.err;
}

TEST_F(StatutoryRulesCliTest, AFileThatIsRightIsUsed) {
    const std::string province = write("province.txt", "length   = 2\n", "length   = 3\n");
    auto recount = run_lims({"calendar", "recompute", "--calendar-dir", calendars, "--statutory-rules", province}, url);
    EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
}

}  // namespace
