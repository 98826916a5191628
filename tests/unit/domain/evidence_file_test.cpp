// Evidence files are told by their bytes (JPEG, PNG, PDF) and nothing else is kept; a
// refused file is named by what it is; sizes are checked against the configured limit.
#include "lims/domain/evidence/evidence_file.hpp"

#include <gtest/gtest.h>

using namespace lims::domain;
using namespace std::string_literals;

namespace {

TEST(EvidenceFile, JpegPngAndPdfAreToldByTheirMagicBytes) {
    EXPECT_EQ(*sniff_evidence_type("\xFF\xD8\xFF\xE0\x00\x10JFIF"s), EvidenceType::jpeg);
    EXPECT_EQ(*sniff_evidence_type("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"s), EvidenceType::png);
    EXPECT_EQ(*sniff_evidence_type("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"s), EvidenceType::pdf);
    EXPECT_EQ(media_type_of(EvidenceType::jpeg), "image/jpeg");
    EXPECT_EQ(media_type_of(EvidenceType::png), "image/png");
    EXPECT_EQ(media_type_of(EvidenceType::pdf), "application/pdf");
    EXPECT_EQ(evidence_type_from_media_type("image/png"), EvidenceType::png);
    EXPECT_FALSE(evidence_type_from_media_type("text/html"));
}

TEST(EvidenceFile, OtherTypesAreRefusedByName) {
    const std::pair<std::string, std::string> cases[] = {
        {"GIF89a\x01\x00"s, "GIF image"},
        {"RIFF\x10\x00\x00\x00WEBPVP8 "s, "WebP image"},
        {"\x00\x00\x00\x18" "ftypheic\x00\x00"s, "HEIC/HEIF image"},
        {"PK\x03\x04\x14\x00"s, "ZIP archive or Office document"},
        {"\x7F" "ELF\x02\x01\x01"s, "ELF executable"},
        {"MZ\x90\x00"s, "Windows executable"},
        {"  <!DOCTYPE html><html><script>alert(1)</script>"s, "HTML document"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"s, "SVG/XML document"},
        {"just some text"s, "unknown"},
        // A JPEG's name or a claimed type does not make it one: two bytes are not a JPEG.
        {"\xFF\xD8"s, "unknown"},
    };
    for (const auto& [bytes, name] : cases) {
        auto t = sniff_evidence_type(bytes);
        ASSERT_FALSE(t) << name;
        EXPECT_EQ(t.error().code, "evidence_file.type");
        EXPECT_NE(t.error().message.find("is a " + name + ";"), std::string::npos) << t.error().message;
        EXPECT_NE(t.error().message.find("only JPEG, PNG and PDF"), std::string::npos);
    }
    auto empty = sniff_evidence_type("");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, "evidence_file.empty");
}

TEST(EvidenceFile, SizeIsCheckedAgainstTheLimit) {
    EXPECT_TRUE(check_evidence_size(1024, 1024));
    auto over = check_evidence_size(1025, 1024);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, "evidence_file.too_large");
    EXPECT_NE(over.error().message.find("1025 bytes"), std::string::npos);
    EXPECT_NE(over.error().message.find("the limit is 1024 bytes (lims.attachments.max_bytes)"), std::string::npos);
}

}  // namespace
