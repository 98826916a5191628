// protocols::find_char, the codecs' scan for a delimiter in a field: the same answer as
// std::string_view::find for every start and every place of the character, on both sides
// of the 32 bytes it loops over before it hands the rest to memchr.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "protocols/text_values.hpp"

TEST(TextValues, FindCharAgreesWithStringViewFindEverywhere) {
    for (std::size_t size : {0u, 1u, 7u, 31u, 32u, 33u, 64u, 65u, 200u}) {
        for (std::size_t at = 0; at <= size; ++at) {  // at == size: the character is absent
            std::string text(size, 'a');
            if (at < size) text[at] = '|';
            const std::string_view s(text);
            for (std::size_t from = 0; from <= size + 1; ++from)
                ASSERT_EQ(protocols::find_char(s, '|', from), s.find('|', from))
                    << "size " << size << " at " << at << " from " << from;
        }
    }
    // The first of two, a byte above 0x7F, and a view inside a larger buffer.
    EXPECT_EQ(protocols::find_char("a|b|c", '|'), 1u);
    EXPECT_EQ(protocols::find_char("a|b|c", '|', 2), 3u);
    EXPECT_EQ(protocols::find_char("\xE4\xB8\xBD^x", '^'), 3u);
    const std::string buffer = std::string(40, 'x') + "|" + std::string(40, 'y') + "|";
    EXPECT_EQ(protocols::find_char(std::string_view(buffer).substr(0, 40), '|'), std::string_view::npos);
    EXPECT_EQ(protocols::find_char(std::string_view(buffer).substr(41), '|'), 40u);
}
