// The documents read from the store and the public report check, over a migrated SQLite
// database seeded with plain SQL (documents_seed.hpp).
#include "documents_seed.hpp"

#include "lims/store/audit.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/report_pdf.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

using namespace lims;
using namespace lims::workflow::documents;
namespace seed = lims::test::documents_seed;

namespace {

class DocumentStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("lims-docsrc-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        auto opened = store::Database::open("sqlite:" + (dir_ / "lims.db").string());
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db = *opened;
        auto migrated = store::migrate(*db, store::builtin_migrations());
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        seeded = seed::seed_documents(*db, seed::seed_organisations(*db));
    }
    void TearDown() override {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    template <typename F>
    auto read(F&& f) {
        return db->read([&](store::Transaction& tx) { return f(tx); });
    }

    domain::Result<bool> verify(const std::string& number, const std::string& prefix) {
        return read([&](store::Transaction& tx) { return verify_report(tx, number, prefix); });
    }

    std::string stored_hash() {
        auto doc = read([&](store::Transaction& tx) { return load_report_document(tx, seeded.report_number); });
        return doc ? report_content_hash(*doc) : "";
    }

    std::shared_ptr<store::Database> db;
    seed::Seeded seeded;

private:
    std::filesystem::path dir_;
};

}  // namespace

TEST_F(DocumentStoreTest, ReportDocumentComesFromTheStore) {
    auto doc = read([&](store::Transaction& tx) { return load_report_document(tx, seeded.report_number); });
    ASSERT_TRUE(doc.ok()) << doc.error().code << ": " << doc.error().message;
    EXPECT_EQ(doc->sample_number, seeded.sample_number);
    EXPECT_EQ(doc->issuer, "某省药品检验研究院");
    EXPECT_EQ(doc->manufacturer, "某某制药有限公司");
    EXPECT_EQ(doc->sampled_unit, "某某大药房第一分店");
    EXPECT_EQ(doc->specification, "0.25g");
    EXPECT_EQ(doc->sampling_date, "2026-03-02");
    EXPECT_EQ(doc->receipt_date, "2026-03-03");
    EXPECT_EQ(doc->issue_date, "2026-03-13");
    EXPECT_EQ(doc->basis, "《中华人民共和国药典》2025年版二部");  // two lines, one standard: no repeat
    ASSERT_EQ(doc->items.size(), 2U);
    EXPECT_EQ(doc->items[0].item, "性状");
    EXPECT_EQ(doc->items[0].requirement, "本品内容物为白色或类白色粉末");
    EXPECT_EQ(doc->items[0].verdict, ItemVerdict::conforms);
    EXPECT_EQ(doc->items[1].item, "含量测定");
    EXPECT_EQ(doc->items[1].requirement, "应为90.0～110.0%");
    EXPECT_EQ(doc->items[1].result, "86.4");
    EXPECT_EQ(doc->items[1].unit, "%");
    EXPECT_EQ(doc->items[1].verdict, ItemVerdict::does_not_conform);
    EXPECT_EQ(doc->conclusion, ReportConclusion::does_not_conform);
    ASSERT_EQ(doc->signatures.size(), 3U);
    EXPECT_EQ(doc->signatures[0].meaning, "performed");
    EXPECT_EQ(doc->signatures[0].name, "张三");
    EXPECT_EQ(doc->signatures[1].meaning, "verified");
    EXPECT_EQ(doc->signatures[1].name, "李四");
    EXPECT_EQ(doc->signatures[2].meaning, "approved");
    EXPECT_EQ(doc->signatures[2].name, "王五");
}

TEST_F(DocumentStoreTest, UnknownReportAndSampleAreNamed) {
    auto doc = read([&](store::Transaction& tx) { return load_report_document(tx, "BG-NONE"); });
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, "documents.report_not_found");
    auto rec = read([&](store::Transaction& tx) { return load_sampling_record(tx, "D-NONE"); });
    ASSERT_FALSE(rec.ok());
    EXPECT_EQ(rec.error().code, "documents.sample_not_found");
}

TEST_F(DocumentStoreTest, ReportWithoutApprovalCannotBePrinted) {
    seed::exec(*db, "UPDATE reports SET number = 'BG-DRAFT', state = 'draft' WHERE id = " + seed::n(seeded.report_id));
    auto doc = read([&](store::Transaction& tx) { return load_report_document(tx, "BG-DRAFT"); });
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, "documents.report_incomplete");
}

TEST_F(DocumentStoreTest, SamplingRecordComesFromTheStore) {
    auto rec = read([&](store::Transaction& tx) { return load_sampling_record(tx, seeded.sample_number); });
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    EXPECT_EQ(rec->sampling_office, "某市药品监督管理局第一分局");
    EXPECT_EQ(rec->sampled_unit_credit_code, "91310101MA1FL0000X");
    EXPECT_EQ(rec->approval_number, "国药准字H00000000");
    ASSERT_EQ(rec->samplers.size(), 2U);
    EXPECT_EQ(rec->samplers[0].name, "赵六");
    ASSERT_EQ(rec->seal_numbers.size(), 1U);
    EXPECT_EQ(rec->test_portion, "3 盒");
    EXPECT_EQ(rec->retained_portion, "3 盒");
    EXPECT_EQ(rec->storage_condition, "常温");
    auto pdf = render_sampling_record_pdf(*rec);
    EXPECT_TRUE(pdf.ok()) << pdf.error().message;
}

TEST_F(DocumentStoreTest, PrintedPrefixVerifies) {
    const auto hash = stored_hash();
    ASSERT_EQ(hash.size(), 64U);
    auto ok = verify(seeded.report_number, hash.substr(0, kPrintedHashPrefixLength));
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_TRUE(*ok);
    // Upper-case hex (a person typing it) and the shortest prefix accepted also verify.
    std::string upper = hash.substr(0, kPrintedHashPrefixLength);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(*verify(seeded.report_number, upper));
    EXPECT_TRUE(*verify(seeded.report_number, hash.substr(0, kMinimumHashPrefixLength)));
    EXPECT_TRUE(*verify(seeded.report_number, hash));
}

TEST_F(DocumentStoreTest, WrongPrefixAndUnknownNumberAreNotVerifiedAlike) {
    const auto hash = stored_hash();
    std::string wrong = hash.substr(0, kPrintedHashPrefixLength);
    wrong[5] = wrong[5] == '0' ? '1' : '0';
    EXPECT_FALSE(*verify(seeded.report_number, wrong));
    EXPECT_FALSE(*verify("BG2026-NOPE-0001", hash.substr(0, kPrintedHashPrefixLength)));
}

TEST_F(DocumentStoreTest, AlteredResultIsNotVerified) {
    const auto prefix = stored_hash().substr(0, kPrintedHashPrefixLength);
    ASSERT_TRUE(*verify(seeded.report_number, prefix));
    // A later row that replaces the reported assay result changes what the report says.
    seed::exec(*db, "INSERT INTO results (test_id, replaces_result_id, value_text, unit, source, conformity, entered_at) "
                    "VALUES (" + seed::n(seeded.assay_test_id) + ", " + seed::n(seeded.assay_result_id) +
                        ", '95.0', '%', 'manual', 'conforming', '2026-03-20T02:00:00.000Z')");
    EXPECT_FALSE(*verify(seeded.report_number, prefix));
}

TEST_F(DocumentStoreTest, AlteredStoredHashIsNotVerified) {
    const auto prefix = stored_hash().substr(0, kPrintedHashPrefixLength);
    seed::exec(*db, "UPDATE reports SET content_sha256 = '" + std::string(64, 'f') + "' WHERE id = " +
                        seed::n(seeded.report_id));
    EXPECT_FALSE(*verify(seeded.report_number, prefix));
}

TEST_F(DocumentStoreTest, DraftReportIsNotVerified) {
    const auto prefix = stored_hash().substr(0, kPrintedHashPrefixLength);
    seed::exec(*db, "UPDATE reports SET state = 'approved' WHERE id = " + seed::n(seeded.report_id));
    EXPECT_FALSE(*verify(seeded.report_number, prefix));
}

TEST_F(DocumentStoreTest, BadCheckValuesAreRefusedBeforeLookingAnythingUp) {
    const auto hash = stored_hash();
    EXPECT_EQ(verify(seeded.report_number, hash.substr(0, kMinimumHashPrefixLength - 1)).error().code,
              "verify.prefix_too_short");
    EXPECT_EQ(verify(seeded.report_number, "").error().code, "verify.prefix_too_short");
    EXPECT_EQ(verify(seeded.report_number, "zzzzzzzzzzzzzzzz").error().code, "verify.prefix_not_hex");
    EXPECT_EQ(verify(seeded.report_number, hash + "0").error().code, "verify.prefix_too_long");
    EXPECT_EQ(verify("", hash).error().code, "verify.number");
    EXPECT_EQ(verify(std::string(65, 'B'), hash).error().code, "verify.number");
}

TEST_F(DocumentStoreTest, StoredInstantsBecomeLocalDates) {
    EXPECT_EQ(*local_date_of_instant("2026-03-02T15:59:59.000Z"), "2026-03-02");
    EXPECT_EQ(*local_date_of_instant("2026-03-02T16:00:00Z"), "2026-03-03");  // midnight in Beijing
    EXPECT_EQ(*local_date_of_instant("2026-03-02"), "2026-03-02");
    EXPECT_EQ(local_date_of_instant("2026-03-02 16:00").error().code, "documents.instant");
    EXPECT_EQ(local_date_of_instant("2026-02-30T00:00:00Z").error().code, "documents.instant");
    EXPECT_EQ(local_date_of_instant("2026-03-02T25:00:00Z").error().code, "documents.instant");
}

TEST_F(DocumentStoreTest, ReadingDocumentsLeavesTheAuditChainIntact) {
    (void)read([&](store::Transaction& tx) { return load_report_document(tx, seeded.report_number); });
    auto v = store::verify_audit_chain(*db);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->intact) << v->problem;
}
