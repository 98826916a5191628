#include "lims/api/utf8.hpp"

#include <gtest/gtest.h>

using lims::api::utf8::codePointCount;

TEST(Utf8, CountsCodePointsNotBytes) {
    EXPECT_EQ(codePointCount("abc"), 3u);
    EXPECT_EQ(codePointCount("监督抽检"), 4u);          // 3 bytes each
    EXPECT_EQ(codePointCount("\xF0\x9F\xA7\xAA"), 1u);  // U+1F9EA test tube, 4 bytes
    EXPECT_EQ(codePointCount(""), 0u);
}

TEST(Utf8, RefusesMalformedSequences) {
    EXPECT_FALSE(codePointCount("\x80"));              // lone continuation byte
    EXPECT_FALSE(codePointCount("\xC3"));              // truncated
    EXPECT_FALSE(codePointCount("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(codePointCount("\xE0\x80\xAF"));      // overlong, 3 bytes
    EXPECT_FALSE(codePointCount("\xED\xA0\x80"));      // UTF-16 surrogate U+D800
    EXPECT_FALSE(codePointCount("\xF4\x90\x80\x80"));  // U+110000, past the last code point
    EXPECT_FALSE(codePointCount("\xFF"));
    EXPECT_FALSE(codePointCount("ok\xE4\xB8"));        // truncated at the end
}
