// The bytes of a captured or hand-built message under fixtures/messages/<codec>/, for the
// codec tests. A missing file fails the calling test (and yields an empty message).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace lims::test {

inline std::string message_fixture(const std::string& codec, const std::string& name) {
    std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/" + codec + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << codec << "/" << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace lims::test
