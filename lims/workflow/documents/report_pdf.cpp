#include "lims/workflow/documents/report_pdf.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/documents/cjk_font.hpp"
#include "lims/workflow/documents/code128.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/pdf_canvas.hpp"
#include "lims/workflow/documents/pdf_layout.hpp"
#include "lims/workflow/documents/qr_code.hpp"

#include "lims/domain/text/sha256.hpp"

#include <algorithm>
#include <array>

namespace lims::workflow::documents {

namespace {

// Page geometry in points: 20 mm side margins, a footer band and room for the QR code.
constexpr float kMarginLeft = 56.0F;
constexpr float kMarginRight = 56.0F;
constexpr float kContentWidth = kA4Width - kMarginLeft - kMarginRight;
constexpr float kTop = kA4Height - 48.0F;
constexpr float kBottom = 64.0F;       // below this only the footer
constexpr float kFooterBaseline = 32.0F;
constexpr float kBodySize = 10.0F;
constexpr float kSmallSize = 8.0F;
constexpr float kLineHeight = layout::kLineHeight;
constexpr float kQrSide = 96.0F;
// The closing block (conclusion, signatures, QR) needs this much room on the last page.
constexpr float kClosingBlockHeight = 250.0F;

domain::Result<std::unique_ptr<PdfCanvas>> open_canvas(const RenderOptions& options) {
    auto font = locate_cjk_font(options.font_path);
    if (!font) return font.error();
    return PdfCanvas::open(*font);
}

// Rows and footers: pdf_layout.hpp, at this page's left margin and footer line.
using layout::Cell;
using layout::row_height;

void draw_row(PdfCanvas& c, float top, const std::vector<Cell>& cells, float size, float height) {
    layout::draw_row(c, kMarginLeft, top, cells, size, height);
}

void footers(PdfCanvas& c, const std::string& label) { layout::number_pages(c, label, kFooterBaseline, kSmallSize); }

// Every date and time on the page is Beijing time in the form of official documents
// ("2026年3月2日", "2026年3月2日 02:30"); the documents carry UTC instants and ISO dates.
std::string printed_date(const std::string& stored) { return domain::chinese_date_of(stored); }
std::string printed_time(const std::string& stored) { return domain::chinese_date_time_of(stored); }

}  // namespace

std::string sha256_hex(std::string_view bytes) { return domain::sha256_hex(bytes); }

domain::Result<std::string> render_report_pdf(const ReportDocument& report, const RenderOptions& options) {
    if (auto ok = validate(report); !ok) return ok.error();
    const std::string url = !report.verification_url.empty()
                                ? report.verification_url
                                : verification_path(report.report_number, report_content_hash(report),
                                                    options.public_base_url);
    auto qr = encode_qr(url);
    if (!qr) return qr.error();
    auto opened = open_canvas(options);
    if (!opened) return opened.error();
    PdfCanvas& c = **opened;

    c.new_page();
    float y = kTop;
    c.text_centred(kA4Width / 2, y, report.issuer, 13.0F);
    y -= 34;
    c.text_centred(kA4Width / 2, y, "检 验 报 告 书", 22.0F);
    y -= 26;
    const std::string number_line = "报告编号：" + report.report_number;
    c.text(kA4Width - kMarginRight - c.text_width(number_line, kBodySize), y, number_line, kBodySize);
    y -= 10;

    const float label_w = 80.0F;
    const float value_w = kContentWidth / 2 - label_w;
    const float wide_w = kContentWidth - label_w;
    std::vector<std::vector<Cell>> particulars = {
        {{"样品名称", label_w, true}, {report.product_name, value_w}, {"样品编号", label_w, true}, {report.sample_number, value_w}},
        {{"规格", label_w, true}, {report.specification, value_w}, {"批号", label_w, true}, {report.batch_number, value_w}},
        {{"标示生产企业", label_w, true}, {report.manufacturer, wide_w}},
        {{"被抽样单位", label_w, true}, {report.sampled_unit, wide_w}},
        {{"抽样日期", label_w, true}, {printed_date(report.sampling_date), value_w}, {"收样日期", label_w, true}, {printed_date(report.receipt_date), value_w}},
        {{"检验依据", label_w, true}, {report.basis, wide_w}},
    };
    if (!report.supersedes_report_number.empty())
        particulars.push_back({{"复验说明", label_w, true},
                               {"本报告为复验报告，替代报告编号 " + report.supersedes_report_number + " 的检验报告", wide_w}});
    if (!report.reinspection_laboratory.empty())
        particulars.push_back({{"复验机构", label_w, true}, {report.reinspection_laboratory, wide_w}});
    if (!report.reinspection_rule.empty())
        particulars.push_back({{"复验依据", label_w, true}, {report.reinspection_rule, wide_w}});
    for (const auto& row : particulars) {
        const float h = row_height(c, row, kBodySize);
        draw_row(c, y, row, kBodySize, h);
        y -= h;
    }
    y -= 14;

    // Items table: 序号 | 检验项目 | 标准规定 | 检验结果 | 结论.
    const std::array<float, 5> widths = {32.0F, 110.0F, 170.0F, 95.0F, kContentWidth - 407.0F};
    auto header = [&](float top) {
        std::vector<Cell> h = {{"序号", widths[0], true}, {"检验项目", widths[1], true}, {"标准规定", widths[2], true},
                               {"检验结果", widths[3], true}, {"单项结论", widths[4], true}};
        const float hh = row_height(c, h, kBodySize);
        draw_row(c, top, h, kBodySize, hh);
        return top - hh;
    };
    y = header(y);
    for (std::size_t i = 0; i < report.items.size(); ++i) {
        const auto& item = report.items[i];
        const std::string result = item.unit.empty() ? item.result : item.result + " " + item.unit;
        std::vector<Cell> row = {{std::to_string(i + 1), widths[0], true},
                                 {item.item, widths[1]},
                                 {item.requirement, widths[2]},
                                 {result, widths[3]},
                                 {std::string(to_chinese(item.verdict)), widths[4], true}};
        const float h = row_height(c, row, kBodySize);
        if (y - h < kBottom) {
            c.new_page();
            y = kTop;
            c.text(kMarginLeft, y, "报告编号：" + report.report_number + "（续）", kBodySize);
            y = header(y - 10);
        }
        draw_row(c, y, row, kBodySize, h);
        y -= h;
    }

    if (y - kClosingBlockHeight < kBottom) {
        c.new_page();
        y = kTop;
        c.text(kMarginLeft, y, "报告编号：" + report.report_number + "（续）", kBodySize);
        y -= 10;
    }
    y -= 20;
    const std::string conclusion = "检验结论：本品按" + report.basis + "检验，结果" +
                                   std::string(to_chinese(report.conclusion)) + "。";
    for (const auto& l : c.wrap(conclusion, 12.0F, kContentWidth)) {
        c.text(kMarginLeft, y, l, 12.0F);
        y -= 18;
    }
    y -= 16;
    for (const auto& s : report.signatures) {
        std::string meaning(signature_meaning_in_chinese(s.meaning));
        if (meaning.empty()) meaning = s.meaning;
        c.text(kMarginLeft, y, meaning + "：" + s.name + "    " + printed_date(s.signed_at), kBodySize);
        y -= kLineHeight + 4;
    }
    y -= 8;
    c.text(kMarginLeft, y, "签发日期：" + printed_date(report.issue_date), kBodySize);
    y -= kLineHeight + 4;
    c.text(kMarginLeft, y, report.issuer + "（检验检测专用章）", kBodySize);

    const float qr_x = kA4Width - kMarginRight - kQrSide;
    const float qr_y = kBottom + 14;
    c.qr(*qr, qr_x, qr_y, kQrSide);
    c.text_centred(qr_x + kQrSide / 2, qr_y - 10, "扫码核验本报告", kSmallSize);
    footers(c, "报告编号：" + report.report_number);
    return c.save();
}

domain::Result<std::string> render_sampling_record_pdf(const SamplingRecordDocument& record,
                                                       const RenderOptions& options) {
    if (auto ok = validate(record); !ok) return ok.error();
    auto values = code128::encode(record.sample_number);
    if (!values) return values.error();
    auto opened = open_canvas(options);
    if (!opened) return opened.error();
    PdfCanvas& c = **opened;

    c.new_page();
    float y = kTop;
    // The barcode at the top right: about 0.33 mm a module (ISO/IEC 15417 leaves X to the
    // application; 0.25 mm is the usual minimum for label printers).
    const auto bars = code128::modules(*values);
    const float module = 0.95F;
    const float bar_w = module * static_cast<float>(bars.size());
    const float bar_x = kA4Width - kMarginRight - bar_w;
    c.bars(bars, bar_x, y - 36, bar_w, 40);
    c.text_centred(bar_x + bar_w / 2, y - 48, record.sample_number, kBodySize);
    c.text(kMarginLeft, y - 22, "抽样记录及凭证", 20.0F);
    y -= 70;

    const float label_w = 80.0F;
    const float value_w = kContentWidth / 2 - label_w;
    const float wide_w = kContentWidth - label_w;
    std::string samplers;
    for (const auto& s : record.samplers)
        samplers += (samplers.empty() ? "" : "、") + s.name +
                    (s.certificate_number.empty() ? "" : "（执法证号 " + s.certificate_number + "）") +
                    (s.organisation.empty() ? "" : "（" + s.organisation + "）");
    auto joined = [](const std::vector<std::string>& list) {
        std::string out;
        for (const auto& s : list) out += (out.empty() ? "" : "，") + s;
        return out;
    };
    std::vector<std::vector<Cell>> rows = {
        {{"样品编号", label_w, true}, {record.sample_number, value_w}, {"任务编号", label_w, true}, {record.task_number, value_w}},
        {{"抽样单位", label_w, true}, {record.sampling_office, wide_w}},
        {{"被抽样单位", label_w, true}, {record.sampled_unit, wide_w}},
        {{"地址", label_w, true}, {record.sampled_unit_address, wide_w}},
        {{"统一社会信用代码", label_w, true}, {record.sampled_unit_credit_code, value_w}, {"许可证编号", label_w, true}, {record.sampled_unit_licence, value_w}},
        {{"样品名称", label_w, true}, {record.product_name, value_w}, {"剂型", label_w, true}, {record.dosage_form, value_w}},
        {{"规格", label_w, true}, {record.specification, value_w}, {"批准文号", label_w, true}, {record.approval_number, value_w}},
        {{"标示生产企业", label_w, true}, {record.manufacturer, wide_w}},
        {{"批号", label_w, true}, {record.batch_number, value_w}, {"生产日期", label_w, true}, {printed_date(record.production_date), value_w}},
        {{"有效期至", label_w, true}, {printed_date(record.expiry_date), value_w}, {"储存条件", label_w, true}, {record.storage_condition, value_w}},
        {{"抽样数量", label_w, true}, {record.quantity + " " + record.unit, value_w}, {"抽样时间", label_w, true}, {printed_time(record.sampled_at), value_w}},
        {{"检验样品", label_w, true}, {record.test_portion, value_w}, {"留样", label_w, true}, {record.retained_portion, value_w}},
        {{"抽样地点", label_w, true}, {record.sampling_place, wide_w}},
        {{"封签编号", label_w, true}, {joined(record.seal_numbers), wide_w}},
        {{"药品追溯码", label_w, true}, {joined(record.trace_codes), wide_w}},
        {{"抽样人员", label_w, true}, {samplers, wide_w}},
    };
    // Issue 16 items 8 and 9: stage, supplier, stock, contact, purchase; an online purchase.
    const auto dash = [](const std::string& v) { return v.empty() ? std::string("—") : v; };
    rows.push_back({{"抽样环节", label_w, true}, {dash(record.sampling_stage), value_w}, {"库存数量", label_w, true},
                    {dash(record.stock_quantity), value_w}});
    rows.push_back({{"供货单位", label_w, true}, {dash(record.supplier), wide_w}});
    rows.push_back({{"联系人", label_w, true}, {dash(record.unit_contact), value_w}, {"购样费用", label_w, true},
                    {dash(record.purchase), value_w}});
    for (const auto& [label, value] : record.online) rows.push_back({{label, label_w, true}, {value, wide_w}});
    for (const auto& row : rows) {
        const float h = row_height(c, row, kBodySize);
        if (y - h < kBottom) {
            c.new_page();
            y = kTop;
        }
        draw_row(c, y, row, kBodySize, h);
        y -= h;
    }
    // Signature lines: both samplers and the sampled unit's representative sign on site.
    if (y - 120 < kBottom) {
        c.new_page();
        y = kTop;
    }
    y -= 30;
    c.text(kMarginLeft, y, "抽样人员（签名）：______________    ______________", kBodySize);
    y -= 30;
    c.text(kMarginLeft, y, "被抽样单位意见：对上述抽样过程及样品封存无异议。", kBodySize);
    y -= 26;
    c.text(kMarginLeft, y, "被抽样单位负责人或经办人（签名并盖章）：______________    日期：__________", kBodySize);
    footers(c, "样品编号：" + record.sample_number);
    return c.save();
}

}  // namespace lims::workflow::documents
