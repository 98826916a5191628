// The descriptor numbers below FD_SETSIZE that Modbus lines hold for libmodbus's select():
// a socket opened at any number ends up at the held one, vacating leaves /dev/null there
// (never a free number another thread could take), numbers go back to the pool and are
// used again, and a pool that can find none says why.
#include "drivers/low_descriptors.hpp"

#include "../../support/open_files.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <vector>

namespace {

using drivers::LowDescriptor;
using drivers::LowDescriptorPool;
using lims::testing::OpenFiles;
using lims::testing::raise_open_file_limit;

LowDescriptor take(LowDescriptorPool& pool) {
    auto taken = pool.take();
    if (auto* error = std::get_if<std::string>(&taken)) ADD_FAILURE() << *error;
    return std::get<LowDescriptor>(std::move(taken));
}

bool is_dev_null(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

bool is_socket(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

TEST(LowDescriptors, ASocketOpenedAboveFdSetsizeIsMovedOntoTheHeldNumber) {
    ASSERT_TRUE(raise_open_file_limit(4096)) << "the test needs 4096 open files (ulimit -Hn)";
    auto pool = LowDescriptorPool::create();
    auto held = take(*pool);
    ASSERT_GE(held.number(), 0);
    ASSERT_LT(held.number(), FD_SETSIZE);
    EXPECT_TRUE(is_dev_null(held.number()));
    OpenFiles files(FD_SETSIZE + 10);
    const int socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(socket, FD_SETSIZE);
    EXPECT_EQ(held.adopt(socket), "");
    EXPECT_TRUE(is_socket(held.number()));
    EXPECT_EQ(::fcntl(socket, F_GETFD), -1) << "the high number is closed";
    EXPECT_EQ(::fcntl(held.number(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC) << "not inherited by child processes";
    held.vacate();
    EXPECT_TRUE(is_dev_null(held.number())) << "vacated, the number still is not free for another open()";
}

TEST(LowDescriptors, NumbersGoBackToThePoolAndAreUsedAgain) {
    auto pool = LowDescriptorPool::create();
    int first = -1;
    {
        auto a = take(*pool);
        auto b = take(*pool);
        first = a.number();
        EXPECT_NE(a.number(), b.number());
        EXPECT_EQ(pool->held(), 2u);
        EXPECT_EQ(pool->vacant(), 0u);
    }
    EXPECT_EQ(pool->vacant(), 2u);
    EXPECT_TRUE(is_dev_null(first)) << "kept open while vacant";
    auto again = take(*pool);
    EXPECT_EQ(pool->held(), 2u) << "no new number taken from the system";
    EXPECT_EQ(pool->vacant(), 1u);
    EXPECT_LT(again.number(), FD_SETSIZE);
}

TEST(LowDescriptors, SpareNumbersAreKeptForLinesAddedWhenEveryLowNumberIsTaken) {
    ASSERT_TRUE(raise_open_file_limit(4096)) << "the test needs 4096 open files (ulimit -Hn)";
    auto pool = LowDescriptorPool::create(2);
    auto first = take(*pool);
    EXPECT_EQ(pool->held(), 3u);
    EXPECT_EQ(pool->vacant(), 2u);
    // Later the process has every number below 1024 open; two more lines still get one.
    OpenFiles files(FD_SETSIZE);
    ASSERT_GE(files.highest(), FD_SETSIZE);
    auto second = take(*pool);
    auto third = take(*pool);
    EXPECT_LT(second.number(), FD_SETSIZE);
    EXPECT_LT(third.number(), FD_SETSIZE);
    EXPECT_EQ(pool->vacant(), 0u) << "no low number was free to top the spare up";
    EXPECT_TRUE(std::holds_alternative<std::string>(pool->take()));
}

TEST(LowDescriptors, WhenEveryNumberBelowFdSetsizeIsOpenThePoolSaysSo) {
    ASSERT_TRUE(raise_open_file_limit(4096)) << "the test needs 4096 open files (ulimit -Hn)";
    auto pool = LowDescriptorPool::create();
    OpenFiles files(FD_SETSIZE);
    ASSERT_GE(files.highest(), FD_SETSIZE);
    auto taken = pool->take();
    ASSERT_TRUE(std::holds_alternative<std::string>(taken));
    EXPECT_NE(std::get<std::string>(taken).find("no descriptor below FD_SETSIZE (1024) is free for libmodbus"),
              std::string::npos)
        << std::get<std::string>(taken);
    EXPECT_EQ(pool->held(), 0u);
}

}  // namespace
