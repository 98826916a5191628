// Reading an ASTM message's termination code from its raw bytes, framed or bare.
#include "lims/workflow/ingest/termination.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lims::workflow::ingest {
namespace {

std::string framed(const std::string& terminator) {
    // Checksums are not checked here (the codec did that); only the records are read.
    return "\x02" "1H|\\^&|||AU-Chem^2.1.0^SN41235|||||LIS||P|LIS2-A2|20240611093015\r\x03" "F4\r\n"
           "\x02" "2R|1|^^^GLU^Glucose|7.8|mmol/L||H||F\r\x03" "0B\r\n"
           "\x02" "3" + terminator + "\r\x03" "03\r\n";
}

TEST(IngestTermination, NormalAndLastRequestCodesAreNormal) {
    EXPECT_TRUE(terminated_normally("astm", framed("L|1|N")));
    EXPECT_TRUE(terminated_normally("astm", framed("L|1|F")));
    EXPECT_TRUE(terminated_normally("astm", framed("L|1")));
    EXPECT_TRUE(terminated_normally("astm", "H|\\^&\rR|1|^^^GLU|7.8\rL|1|N\r"));  // bare records
}

TEST(IngestTermination, AbortedOrUnterminatedMessagesAreNot) {
    for (const char* code : {"T", "R", "E", "Q", "I"})
        EXPECT_FALSE(terminated_normally("astm", framed(std::string("L|1|") + code))) << code;
    EXPECT_FALSE(terminated_normally("astm", "H|\\^&\rR|1|^^^GLU|7.8\r"));
}

TEST(IngestTermination, OtherProtocolsCarryNoCode) {
    EXPECT_TRUE(terminated_normally("hl7", "MSH|^~\\&|X\rL|1|T\r"));
    EXPECT_TRUE(terminated_normally("csv", ""));
}

}  // namespace
}  // namespace lims::workflow::ingest
