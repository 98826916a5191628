// drivers/device_policy: the outgoing allowlist (lims.drivers.allow) and the confinement of
// paths to a root (lims.drivers.file_drop_root, lims.drivers.map_root).
#include "drivers/device_policy.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using boost::asio::ip::make_address;
using drivers::AllowList;

AllowList parsed(const std::string& text) {
    auto list = AllowList::parse(text);
    if (auto* why = std::get_if<std::string>(&list)) ADD_FAILURE() << text << ": " << *why;
    return std::get<AllowList>(list);
}

std::string refusal(const std::string& text) {
    auto list = AllowList::parse(text);
    auto* why = std::get_if<std::string>(&list);
    return why ? *why : "";
}

TEST(AllowList, UnsetMeansThePrivateRangesOnEveryPort) {
    const auto list = parsed("");
    EXPECT_EQ(list.text(), "private:*");
    for (const char* a : {"10.0.0.21", "172.16.0.1", "172.31.255.254", "192.168.1.20", "fd12:3456::1"})
        EXPECT_TRUE(list.allows(make_address(a), 502)) << a;
    // Loopback (the service's own database and ports), link-local (cloud metadata), public
    // addresses and the unspecified address (which reaches this machine) are not private.
    for (const char* a : {"127.0.0.1", "::1", "169.254.169.254", "8.8.8.8", "172.32.0.1", "0.0.0.0", "fe80::1",
                          "2001:db8::1"})
        EXPECT_FALSE(list.allows(make_address(a), 502)) << a;
    // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
    EXPECT_FALSE(list.allows(make_address("::ffff:127.0.0.1"), 502));
    EXPECT_TRUE(list.allows(make_address("::ffff:10.1.2.3"), 502));
}

TEST(AllowList, NetworksAndPortsAsConfigured) {
    const auto list = parsed("10.0.0.0/8:502,4001-4010 192.168.1.20:4001; [fd00::/8]:* loopback:2575");
    EXPECT_TRUE(list.allows(make_address("10.9.8.7"), 502));
    EXPECT_TRUE(list.allows(make_address("10.9.8.7"), 4001));
    EXPECT_TRUE(list.allows(make_address("10.9.8.7"), 4010));
    EXPECT_FALSE(list.allows(make_address("10.9.8.7"), 4011));
    EXPECT_FALSE(list.allows(make_address("10.9.8.7"), 22));
    EXPECT_TRUE(list.allows(make_address("192.168.1.20"), 4001));
    EXPECT_FALSE(list.allows(make_address("192.168.1.21"), 4001));
    EXPECT_TRUE(list.allows(make_address("fd00::5"), 1));
    EXPECT_TRUE(list.allows(make_address("127.0.0.1"), 2575));
    EXPECT_FALSE(list.allows(make_address("127.0.0.1"), 5432));
    const auto nothing = parsed("none");
    EXPECT_FALSE(nothing.allows(make_address("10.0.0.1"), 502));
}

TEST(AllowList, BadEntriesAreRefusedNamingTheKeyAndTheEntry) {
    EXPECT_NE(refusal("10.0.0.0/8").find("lims.drivers.allow: entry \"10.0.0.0/8\": ports are missing"),
              std::string::npos);
    EXPECT_NE(refusal("10.0.0.0/33:502").find("prefix length"), std::string::npos);
    EXPECT_NE(refusal("10.0.0.300:502").find("is not an IPv4 address"), std::string::npos);
    EXPECT_NE(refusal("10.0.0.1:0").find("is not a port"), std::string::npos);
    EXPECT_NE(refusal("10.0.0.1:4010-4001").find("is not a port"), std::string::npos);
    EXPECT_NE(refusal("10.0.0.1:70000").find("is not a port"), std::string::npos);
    EXPECT_NE(refusal("fd00::1:502").find("in brackets"), std::string::npos);
    EXPECT_NE(refusal("[10.0.0.1]:502").find("is not an IPv6 address"), std::string::npos);
    EXPECT_NE(refusal("private:* none").find("stands alone"), std::string::npos);
}

TEST(OutgoingProblem, NamesTheKeyAndJudgesHostNamesByWhereTheyResolve) {
    const auto list = AllowList::defaults();
    EXPECT_EQ(drivers::outgoing_problem(list, "10.0.0.21", "502"), "");
    const auto refused = drivers::outgoing_problem(list, "169.254.169.254", "80");
    EXPECT_NE(refused.find("169.254.169.254:80 is not allowed by lims.drivers.allow"), std::string::npos) << refused;
    // "localhost" is a name that resolves to loopback.
    const auto by_name = drivers::outgoing_problem(list, "localhost", "5432");
    EXPECT_NE(by_name.find("resolves to an address outside it"), std::string::npos) << by_name;
    EXPECT_EQ(drivers::outgoing_problem(parsed("loopback:5432"), "localhost", "5432"), "");
    // At connect time the first allowed address, or the refusal.
    auto none = drivers::allowed_address(list, "localhost", 5432);
    ASSERT_TRUE(std::holds_alternative<std::string>(none));
    EXPECT_NE(std::get<std::string>(none).find("resolves to no address lims.drivers.allow allows"), std::string::npos);
    auto some = drivers::allowed_address(parsed("127.0.0.0/8:5432"), "localhost", 5432);
    ASSERT_TRUE(std::holds_alternative<boost::asio::ip::address>(some));
    EXPECT_EQ(std::get<boost::asio::ip::address>(some).to_string(), "127.0.0.1");
}

class ConfinedPath : public ::testing::Test {
protected:
    void SetUp() override {
        base = fs::temp_directory_path() / ("lims-confined-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "root" / "hplc-1");
        fs::create_directories(base / "outside");
        fs::create_symlink(base / "outside", base / "root" / "escape");
        fs::create_directory_symlink(base / "root" / "hplc-1", base / "root" / "alias");
        root = fs::canonical(base / "root");
    }
    void TearDown() override { fs::remove_all(base); }

    std::string problem(std::string_view given) {
        auto r = drivers::confined_path(root, drivers::kFileDropRootKey, given);
        auto* why = std::get_if<std::string>(&r);
        return why ? *why : "";
    }
    fs::path path(std::string_view given) { return std::get<fs::path>(drivers::confined_path(root, "k", given)); }

    fs::path base;
    std::optional<fs::path> root;
};

TEST_F(ConfinedPath, InsideTheRootRelativeOrAbsoluteIsTakenAsItsCanonicalPath) {
    EXPECT_EQ(path("hplc-1"), *root / "hplc-1");
    EXPECT_EQ(path((*root / "hplc-1").string()), *root / "hplc-1");
    EXPECT_EQ(path("new/deeper"), *root / "new" / "deeper");  // not made yet: the watcher makes it
    EXPECT_EQ(path("alias"), *root / "hplc-1");               // a link that stays inside
}

TEST_F(ConfinedPath, OutsideDotDotSymbolicLinksOutAndTheRootItselfAreRefusedNamingTheKey) {
    EXPECT_NE(problem("/var/lib/lims").find("must lie inside lims.drivers.file_drop_root"), std::string::npos);
    EXPECT_NE(problem("../outside").find("must not contain \"..\""), std::string::npos);
    EXPECT_NE(problem("hplc-1/../../outside").find("must not contain \"..\""), std::string::npos);
    EXPECT_NE(problem("escape").find("leaves lims.drivers.file_drop_root through a symbolic link"), std::string::npos);
    EXPECT_NE(problem("escape/sub").find("symbolic link"), std::string::npos);
    EXPECT_NE(problem(root->string()).find("must lie inside"), std::string::npos);
    EXPECT_NE(problem(".").find("must lie inside"), std::string::npos);
    EXPECT_NE(problem("").find("is empty"), std::string::npos);
    EXPECT_NE(problem("a\nb").find("control characters"), std::string::npos);
    // Nothing is allowed without a root.
    auto unset = drivers::confined_path(std::nullopt, drivers::kMapRootKey, "maps/fl20.json");
    EXPECT_NE(std::get<std::string>(unset).find("lims.drivers.map_root is not set"), std::string::npos);
}

TEST_F(ConfinedPath, ThePolicyReadsItsKeysAndWantsExistingAbsoluteFolders) {
    auto policy = drivers::make_device_policy("10.0.0.0/8:502", root->string(), "");
    ASSERT_TRUE(std::holds_alternative<drivers::DevicePolicy>(policy)) << std::get<std::string>(policy);
    EXPECT_EQ(std::get<drivers::DevicePolicy>(policy).file_drop_root, *root);
    EXPECT_FALSE(std::get<drivers::DevicePolicy>(policy).map_root);
    auto relative = drivers::make_device_policy("", "", "maps");
    EXPECT_NE(std::get<std::string>(relative).find("lims.drivers.map_root must be an absolute path"), std::string::npos);
    auto missing = drivers::make_device_policy("", (base / "nope").string(), "");
    EXPECT_NE(std::get<std::string>(missing).find("lims.drivers.file_drop_root must name an existing folder"),
              std::string::npos);
    auto bad = drivers::make_device_policy("everything", "", "");
    EXPECT_NE(std::get<std::string>(bad).find("lims.drivers.allow"), std::string::npos);
}

}  // namespace
