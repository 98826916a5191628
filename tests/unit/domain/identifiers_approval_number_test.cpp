#include "lims/domain/identifiers/approval_number.hpp"

#include <gtest/gtest.h>

using lims::domain::ApprovalKind;
using lims::domain::ApprovalNumber;

TEST(ApprovalNumber, CanonicalFormFromEverySpelling) {
    for (const char* text : {"国药准字H20044063", "H20044063", "h20044063", " 国药准字 H20044063 ",
                             "国药准字Ｈ２００４４０６３", "Ｈ20044063", "国药准字　H20044063"}) {
        auto r = ApprovalNumber::parse(text);
        ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
        EXPECT_EQ(r->text(), "国药准字H20044063") << text;
        EXPECT_EQ(r->kind(), ApprovalKind::chemical);
        EXPECT_EQ(r->digits(), "20044063");
    }
}

TEST(ApprovalNumber, EveryKind) {
    EXPECT_EQ(ApprovalNumber::parse("国药准字Z11020001")->kind(), ApprovalKind::tcm);
    EXPECT_EQ(ApprovalNumber::parse("国药准字S10980001")->kind(), ApprovalKind::biological);
    EXPECT_EQ(ApprovalNumber::parse("国药准字J20150001")->kind(), ApprovalKind::imported_repacked);
}

TEST(ApprovalNumber, BadNumbersAreNamed) {
    struct Case { const char* text; const char* code; };
    const Case cases[] = {
        {"", "approval_number.empty"},          {"国药准字", "approval_number.empty"},
        {"   ", "approval_number.empty"},       {"国药准字B20044063", "approval_number.kind"},
        {"20044063", "approval_number.kind"},  {"国械注准20153400001", "approval_number.kind"},
        {"H2004406", "approval_number.digits"}, {"H200440633", "approval_number.digits"},
        {"H2004406X", "approval_number.digits"}, {"H 20044063", "approval_number.digits"},
        {"国药准字H20044063 extra", "approval_number.digits"},
    };
    for (const auto& c : cases) {
        auto r = ApprovalNumber::parse(c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().code, c.code) << c.text << ": " << r.error().message;
    }
}
