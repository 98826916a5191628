// The rendered PDFs as a person and a scanner see them: text extracted with pdftotext
// (poppler-utils), the QR code and the Code 128 barcode decoded by zbarimg (zbar-tools)
// from pdftoppm's rendering of the page.
#include "lims/workflow/documents/cjk_font.hpp"
#include "lims/workflow/documents/report_pdf.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

using namespace lims::workflow::documents;
namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("lims-documents-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Runs a shell command, returns its standard output; the exit status into *status.
std::string run(const std::string& command, int* status = nullptr) {
    std::string out;
    FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int rc = pclose(pipe);
    if (status) *status = rc;
    return out;
}

void write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
}

ReportDocument nonconforming_report() {
    ReportDocument r;
    r.report_number = "BG2026-0000123";
    r.sample_number = "D2026-310101-000123-K";
    r.issuer = "上海市食品药品检验研究院";
    r.product_name = "阿莫西林胶囊";
    r.specification = "0.25g";
    r.batch_number = "240501";
    r.manufacturer = "某某制药有限公司";
    r.sampled_unit = "某某大药房连锁有限公司第一分店";
    r.sampling_date = "2026-03-02";
    r.receipt_date = "2026-03-04";
    r.basis = "《中华人民共和国药典》2025年版二部";
    r.items = {
        {"性状", "本品内容物为白色或类白色粉末", "符合规定", "", ItemVerdict::conforms},
        {"含量测定", "应为标示量的90.0%～110.0%", "86.4", "%", ItemVerdict::does_not_conform},
        {"溶出度", "限度为标示量的80%", "92", "%", ItemVerdict::conforms},
    };
    r.conclusion = ReportConclusion::does_not_conform;
    r.signatures = {{"authored", "张三", "2026-03-20T02:00:00Z"},
                    {"reviewed", "李四", "2026-03-21T02:00:00Z"},
                    {"approved", "王五", "2026-03-23T02:00:00Z"}};
    r.issue_date = "2026-03-23";
    return r;
}

SamplingRecordDocument sampling_record() {
    SamplingRecordDocument s;
    s.sample_number = "D2026-310101-000123-K";
    s.task_number = "RW2026-0042";
    s.sampling_office = "上海市药品监督管理局浦东分局";
    s.sampled_unit = "某某大药房连锁有限公司第一分店";
    s.sampled_unit_address = "上海市浦东新区某某路1号";
    s.product_name = "阿莫西林胶囊";
    s.specification = "0.25g";
    s.manufacturer = "某某制药有限公司";
    s.batch_number = "240501";
    s.quantity = "6";
    s.unit = "盒";
    s.storage_condition = "常温";
    s.sampling_place = "药品零售区货架";
    s.sampled_at = "2026-03-02T02:30:00Z";
    s.samplers = {{"赵六", "浦东分局"}, {"钱七", "浦东分局"}};
    s.seal_numbers = {"FQ-000981", "FQ-000982"};
    return s;
}

// With LIMS_DOCUMENTS_OUT set to a folder, the PDF is also kept there to be looked at.
void keep_for_viewing(const std::string& name, const std::string& pdf) {
    if (const char* out = std::getenv("LIMS_DOCUMENTS_OUT")) write_file(fs::path(out) / name, pdf);
}

std::string pdf_text(const TempDir& dir, const std::string& pdf) {
    write_file(dir.path() / "doc.pdf", pdf);
    return run("pdftotext -enc UTF-8 " + (dir.path() / "doc.pdf").string() + " -");
}

// zbarimg's decodings of page 1 rendered at 200 dpi ("QR-Code:..." / "CODE-128:..." lines).
std::string scan_page(const TempDir& dir, const std::string& pdf) {
    write_file(dir.path() / "scan.pdf", pdf);
    const auto prefix = (dir.path() / "page").string();
    run("pdftoppm -r 200 -f 1 -l 1 -png " + (dir.path() / "scan.pdf").string() + " " + prefix);
    std::string pngs;
    for (const auto& e : fs::directory_iterator(dir.path()))
        if (e.path().extension() == ".png") pngs += " " + e.path().string();
    return run("zbarimg --quiet" + pngs);
}

}  // namespace

TEST(ReportPdf, TextHasTheReportNumberAndTheConclusionInChinese) {
    auto pdf = render_report_pdf(nonconforming_report());
    ASSERT_TRUE(pdf.ok()) << pdf.error().code << ": " << pdf.error().message;
    ASSERT_EQ(pdf->substr(0, 5), "%PDF-");
    TempDir dir;
    const auto text = pdf_text(dir, *pdf);
    EXPECT_NE(text.find("BG2026-0000123"), std::string::npos) << text;
    EXPECT_NE(text.find("结果不符合规定"), std::string::npos) << text;
    EXPECT_NE(text.find("阿莫西林胶囊"), std::string::npos);
    EXPECT_NE(text.find("含量测定"), std::string::npos);
    EXPECT_NE(text.find("王五"), std::string::npos);
}

TEST(ReportPdf, QrCodeCarriesTheVerificationAddress) {
    const auto report = nonconforming_report();
    RenderOptions options;
    options.public_base_url = "https://lims.example.gov.cn/";
    auto pdf = render_report_pdf(report, options);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    TempDir dir;
    const auto scanned = scan_page(dir, *pdf);
    const auto expected = "https://lims.example.gov.cn/verify/BG2026-0000123?h=" +
                          report_content_hash(report).substr(0, kPrintedHashPrefixLength);
    EXPECT_NE(scanned.find("QR-Code:" + expected), std::string::npos) << scanned;
}

TEST(ReportPdf, SameReportSameBytes) {
    auto a = render_report_pdf(nonconforming_report());
    auto b = render_report_pdf(nonconforming_report());
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(sha256_hex(*a), sha256_hex(*b));
}

TEST(ReportPdf, ManyItemsContinueOnFurtherPagesWithNumberedFooters) {
    auto report = nonconforming_report();
    for (int i = 0; i < 60; ++i)
        report.items.push_back({"有关物质" + std::to_string(i + 1), "单个杂质不得过0.5%", "0.1" + std::to_string(i % 10),
                                "%", ItemVerdict::conforms});
    auto pdf = render_report_pdf(report);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    TempDir dir;
    auto text = pdf_text(dir, *pdf);
    // pdftotext drops the spaces between CJK characters.
    std::erase(text, ' ');
    EXPECT_NE(text.find("有关物质60"), std::string::npos);
    EXPECT_NE(text.find("第1页共3页"), std::string::npos) << text;
    EXPECT_NE(text.find("第3页共3页"), std::string::npos);
    EXPECT_NE(text.find("（续）"), std::string::npos);
    EXPECT_NE(text.find("结果不符合规定"), std::string::npos);
}

TEST(ReportPdf, InvalidReportIsRefusedBeforeDrawing) {
    auto report = nonconforming_report();
    report.conclusion = ReportConclusion::conforms;  // an item does not conform
    auto pdf = render_report_pdf(report);
    ASSERT_FALSE(pdf.ok());
    EXPECT_EQ(pdf.error().code, "report_document.conclusion");
    report = nonconforming_report();
    report.items.clear();
    EXPECT_EQ(render_report_pdf(report).error().code, "report_document.no_items");
}

TEST(ReportPdf, BrokenUtf8AndControlCharactersStillRender) {
    auto report = nonconforming_report();
    report.product_name = std::string("阿莫西林\xff\xfe胶囊\x01\n𠀀");
    auto pdf = render_report_pdf(report);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    TempDir dir;
    EXPECT_NE(pdf_text(dir, *pdf).find("阿莫西林??胶囊"), std::string::npos);
}

TEST(ReportPdf, MissingOrUnusableFontIsNamed) {
    RenderOptions options;
    options.font_path = "/nonexistent/font.ttc";
    auto missing = render_report_pdf(nonconforming_report(), options);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "documents.font_missing");
    EXPECT_NE(missing.error().message.find("/nonexistent/font.ttc"), std::string::npos);

    TempDir dir;
    write_file(dir.path() / "not-a-font.ttf", "this is not a font");
    options.font_path = (dir.path() / "not-a-font.ttf").string();
    auto unusable = render_report_pdf(nonconforming_report(), options);
    ASSERT_FALSE(unusable.ok());
    EXPECT_EQ(unusable.error().code, "documents.font_unusable");
    EXPECT_NE(unusable.error().message.find(std::string(kCjkFontPackage)), std::string::npos);
}

TEST(ReportPdf, NotoCjkCffFontIsRefusedWithTheReason) {
    // fonts-noto-cjk is installed for the rest of the system; its CFF outlines are what
    // libharu cannot embed, which is why the documents use fonts-wqy-microhei.
    const std::string noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    ASSERT_TRUE(fs::exists(noto)) << "fonts-noto-cjk is in scripts/debian-packages";
    RenderOptions options;
    options.font_path = noto;
    auto pdf = render_report_pdf(nonconforming_report(), options);
    ASSERT_FALSE(pdf.ok());
    EXPECT_EQ(pdf.error().code, "documents.font_unusable");
}

TEST(SamplingRecordPdf, BarcodeScansAsTheSampleNumber) {
    auto pdf = render_sampling_record_pdf(sampling_record());
    ASSERT_TRUE(pdf.ok()) << pdf.error().code << ": " << pdf.error().message;
    TempDir dir;
    const auto text = pdf_text(dir, *pdf);
    EXPECT_NE(text.find("抽样记录及凭证"), std::string::npos) << text;
    EXPECT_NE(text.find("FQ-000981"), std::string::npos);
    EXPECT_NE(text.find("赵六"), std::string::npos);
    const auto scanned = scan_page(dir, *pdf);
    EXPECT_NE(scanned.find("CODE-128:D2026-310101-000123-K"), std::string::npos) << scanned;
}

TEST(SamplingRecordPdf, BadRecordsAreRefused) {
    auto one_sampler = sampling_record();
    one_sampler.samplers.pop_back();
    EXPECT_EQ(render_sampling_record_pdf(one_sampler).error().code, "sampling_record.samplers");
    auto no_number = sampling_record();
    no_number.sample_number.clear();
    EXPECT_EQ(render_sampling_record_pdf(no_number).error().code, "sampling_record.missing_field");
    auto unprintable = sampling_record();
    unprintable.sample_number = "样品-1";
    EXPECT_EQ(render_sampling_record_pdf(unprintable).error().code, "code128.character");
}

// Issue 16, item 1: a person reads Beijing time in the form of official documents, not
// the stored UTC instant. 18:30 UTC on 1 March is 02:30 on 2 March in Beijing.
TEST(SamplingRecordPdf, SamplingTimeIsBeijingTimeInChineseDateForm) {
    auto record = sampling_record();
    record.sampled_at = "2026-03-01T18:30:00.000Z";
    record.production_date = "2025-11-05";
    record.expiry_date = "2027-10-31";
    auto pdf = render_sampling_record_pdf(record);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    keep_for_viewing("sampling-record.pdf", *pdf);
    TempDir dir;
    const auto text = pdf_text(dir, *pdf);
    EXPECT_NE(text.find("2026年3月2日 02:30"), std::string::npos) << text;
    EXPECT_NE(text.find("2025年11月5日"), std::string::npos) << text;
    EXPECT_NE(text.find("2027年10月31日"), std::string::npos) << text;
    EXPECT_EQ(text.find("18:30"), std::string::npos) << text;
    EXPECT_EQ(text.find("2026-03-01"), std::string::npos) << text;
    EXPECT_EQ(text.find("T18"), std::string::npos) << text;
}

TEST(ReportPdf, DatesAreBeijingDatesInChineseDateForm) {
    auto report = nonconforming_report();
    // A signature at 17:00 UTC on 22 March was given on 23 March in Beijing.
    report.signatures = {{"authored", "张三", "2026-03-19T16:30:00Z"},
                         {"reviewed", "李四", "2026-03-21T02:00:00Z"},
                         {"approved", "王五", "2026-03-22T17:00:00.000Z"}};
    auto pdf = render_report_pdf(report);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    keep_for_viewing("report.pdf", *pdf);
    TempDir dir;
    auto text = pdf_text(dir, *pdf);
    EXPECT_NE(text.find("2026年3月2日"), std::string::npos) << text;   // 抽样日期
    EXPECT_NE(text.find("2026年3月4日"), std::string::npos) << text;   // 收样日期
    EXPECT_NE(text.find("2026年3月20日"), std::string::npos) << text;  // 检验人, the next day in Beijing
    EXPECT_NE(text.find("2026年3月21日"), std::string::npos) << text;
    std::erase(text, ' ');
    EXPECT_NE(text.find("签发日期：2026年3月23日"), std::string::npos) << text;
    const auto approver = text.find("批准人：王五");
    ASSERT_NE(approver, std::string::npos) << text;
    EXPECT_NE(text.find("2026年3月23日", approver), std::string::npos) << text;
    EXPECT_EQ(text.find("2026-03"), std::string::npos) << text;
}
