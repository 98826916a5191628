#include "lims/workflow/publication/publication_pdf.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/documents/cjk_font.hpp"
#include "lims/workflow/documents/pdf_canvas.hpp"
#include "lims/workflow/documents/pdf_layout.hpp"

#include <algorithm>
#include <array>

namespace lims::workflow::publication {

namespace {

namespace docs = lims::workflow::documents;
namespace layout = lims::workflow::documents::layout;

// A4 landscape: eleven columns need the width (a portrait page wrapped names and dates
// into columns a few characters wide).
constexpr float kPageWidth = docs::kA4Height;
constexpr float kMargin = 36.0F;
constexpr float kTop = docs::kA4Width - 44.0F;
constexpr float kBottom = 50.0F;
constexpr float kTableSize = 8.0F;
constexpr float kBodySize = 10.0F;
constexpr float kTableWidth = kPageWidth - 2 * kMargin;  // 770 points
constexpr std::size_t kColumns = 11;
const char* const kHeadings[kColumns] = {"序号",     "标示产品名称", "标示生产企业", "规格",     "批号",    "被抽样单位",
                                         "抽样来源", "检验依据",     "不符合规定项目", "检验机构", "报告日期"};
// Columns whose text never breaks (a number, a strength, a batch, a date) are as wide as
// their widest text; the others share what is left by these weights, the sampled unit and
// the manufacturer (long names) and the failing items (result and requirement) widest.
constexpr float kWeights[kColumns] = {0, 1.0F, 1.3F, 0, 0, 1.4F, 0.8F, 0.6F, 1.6F, 0.8F, 0};
constexpr float kMaxUnbroken = 110.0F;

std::array<float, kColumns> column_widths(const docs::PdfCanvas& c, const std::vector<std::array<std::string, kColumns>>& rows) {
    std::array<float, kColumns> w{};
    float fixed = 0, weights = 0;
    for (std::size_t i = 0; i < kColumns; ++i) {
        if (kWeights[i] > 0) {
            weights += kWeights[i];
            continue;
        }
        float widest = c.text_width(kHeadings[i], kTableSize);
        for (const auto& r : rows) widest = std::max(widest, c.text_width(r[i], kTableSize));
        w[i] = std::min(kMaxUnbroken, widest + 2 * layout::kCellPadding + 2);
        fixed += w[i];
    }
    const float share = (kTableWidth - fixed) / weights;
    for (std::size_t i = 0; i < kColumns; ++i)
        if (kWeights[i] > 0) w[i] = kWeights[i] * share;
    return w;
}

std::string chinese_day(const std::string& iso) {
    auto d = domain::parse_date(iso);
    return d ? domain::chinese_date(*d) : iso;
}

}  // namespace

domain::Result<std::string> render_list_pdf(const PublicationList& list, const std::string& font_path) {
    auto font = docs::locate_cjk_font(font_path);
    if (!font) return font.error();
    auto opened = docs::PdfCanvas::open(*font);
    if (!opened) return opened.error();
    docs::PdfCanvas& c = **opened;
    c.new_landscape_page();
    float y = kTop;
    c.text_centred(kPageWidth / 2, y, "不符合规定产品信息公开名单", 18.0F);
    y -= 22;
    if (list.state != "released") {
        c.text_centred(kPageWidth / 2, y, "（草稿，未经审核批准，不得公开）", kBodySize + 1);
        y -= 18;
    }
    const std::string version = list.list_version > 1 ? "（第" + std::to_string(list.list_version) + "版，更正" +
                                                            list.supersedes_number + "）"
                                                      : "";
    for (const std::string& line :
         {"公开单位：" + list.org_name, "名单编号：" + list.number + version,
          "报告签发期间：" + chinese_day(list.period_from) + "至" + chinese_day(list.period_to) + "（北京时间）"}) {
        c.text(kMargin, y, line, kBodySize);
        y -= 15;
    }
    if (!list.correction_reason.empty()) {
        for (const auto& l : c.wrap("更正原因：" + list.correction_reason, kBodySize, kPageWidth - 2 * kMargin)) {
            c.text(kMargin, y, l, kBodySize);
            y -= 15;
        }
    }
    y -= 4;
    std::vector<std::array<std::string, kColumns>> rows;
    int n = 0;
    for (const auto& e : list.entries)
        rows.push_back({std::to_string(++n), e.product_name, e.manufacturer, e.specification, e.batch_number,
                        e.sampled_unit, e.source, e.basis, e.failing_items, e.laboratory, e.report_date});
    const auto widths = column_widths(c, rows);
    auto heading_row = [&] {
        std::vector<layout::Cell> cells;
        for (std::size_t i = 0; i < kColumns; ++i) cells.push_back({kHeadings[i], widths[i], true});
        const float h = layout::row_height(c, cells, kTableSize);
        layout::draw_row(c, kMargin, y, cells, kTableSize, h);
        y -= h;
    };
    heading_row();
    for (const auto& texts : rows) {
        std::vector<layout::Cell> cells;
        for (std::size_t i = 0; i < kColumns; ++i) cells.push_back({texts[i], widths[i], i == 0});
        const float h = layout::row_height(c, cells, kTableSize);
        if (y - h < kBottom) {
            c.new_landscape_page();
            y = kTop;
            heading_row();
        }
        layout::draw_row(c, kMargin, y, cells, kTableSize, h);
        y -= h;
    }
    if (list.entries.empty()) {
        y -= 16;
        c.text(kMargin, y, "本期间内无不符合规定产品。", kBodySize);
    }
    y -= 22;
    if (y < kBottom + 60) {
        c.new_landscape_page();
        y = kTop;
    }
    c.text(kMargin, y, "制作：" + list.created_by + "  " + domain::chinese_date_time_of(list.created_at) + "（北京时间）",
           kBodySize - 1);
    y -= 14;
    for (const auto& s : list.steps) {
        const std::string what = s.step == "reviewed" ? "审核" : s.step == "released" ? "批准发布" : "退回";
        std::string line = what + "：" + s.by + "  " + domain::chinese_date_time_of(s.at) + "（北京时间）";
        if (!s.reason.empty()) line += "  理由：" + s.reason;
        for (const auto& l : c.wrap(line, kBodySize - 1, kPageWidth - 2 * kMargin)) {
            c.text(kMargin, y, l, kBodySize - 1);
            y -= 14;
        }
    }
    c.text(kMargin, y, "内容摘要（SHA-256）：" + list.content_sha256, kBodySize - 3);
    layout::number_pages(c, "名单编号：" + list.number, 24.0F, kBodySize - 2);
    return c.save();
}

}  // namespace lims::workflow::publication
