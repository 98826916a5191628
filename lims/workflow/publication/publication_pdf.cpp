#include "lims/workflow/publication/publication_pdf.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/documents/cjk_font.hpp"
#include "lims/workflow/documents/pdf_canvas.hpp"
#include "lims/workflow/documents/pdf_layout.hpp"

namespace lims::workflow::publication {

namespace {

namespace docs = lims::workflow::documents;
namespace layout = lims::workflow::documents::layout;

constexpr float kMargin = 36.0F;
constexpr float kTop = docs::kA4Height - 50.0F;
constexpr float kBottom = 60.0F;
constexpr float kTableSize = 7.0F;
constexpr float kBodySize = 10.0F;
// Column widths in points, 523 in all (A4 less two 36-point margins).
constexpr float kWidths[] = {24, 50, 54, 34, 38, 52, 46, 50, 78, 52, 45};
const char* const kHeadings[] = {"序号",     "标示产品名称", "标示生产企业", "规格",     "批号",    "被抽样单位",
                                 "抽样来源", "检验依据",     "不符合规定项目", "检验机构", "报告日期"};

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
    c.new_page();
    float y = kTop;
    c.text_centred(docs::kA4Width / 2, y, "不符合规定产品信息公开名单", 18.0F);
    y -= 22;
    if (list.state != "released") {
        c.text_centred(docs::kA4Width / 2, y, "（草稿，未经审核批准，不得公开）", kBodySize + 1);
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
        for (const auto& l : c.wrap("更正原因：" + list.correction_reason, kBodySize, docs::kA4Width - 2 * kMargin)) {
            c.text(kMargin, y, l, kBodySize);
            y -= 15;
        }
    }
    y -= 4;
    auto heading_row = [&] {
        std::vector<layout::Cell> cells;
        for (std::size_t i = 0; i < std::size(kWidths); ++i) cells.push_back({kHeadings[i], kWidths[i], true});
        const float h = layout::row_height(c, cells, kTableSize);
        layout::draw_row(c, kMargin, y, cells, kTableSize, h);
        y -= h;
    };
    heading_row();
    int n = 0;
    for (const auto& e : list.entries) {
        const std::vector<std::string> texts = {std::to_string(++n), e.product_name, e.manufacturer,  e.specification,
                                                e.batch_number,      e.sampled_unit, e.source,        e.basis,
                                                e.failing_items,     e.laboratory,   e.report_date};
        std::vector<layout::Cell> cells;
        for (std::size_t i = 0; i < texts.size(); ++i) cells.push_back({texts[i], kWidths[i], i == 0});
        const float h = layout::row_height(c, cells, kTableSize);
        if (y - h < kBottom) {
            c.new_page();
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
        c.new_page();
        y = kTop;
    }
    c.text(kMargin, y, "制作：" + list.created_by + "  " + domain::chinese_date_time_of(list.created_at) + "（北京时间）",
           kBodySize - 1);
    y -= 14;
    for (const auto& s : list.steps) {
        const std::string what = s.step == "reviewed" ? "审核" : s.step == "released" ? "批准发布" : "退回";
        std::string line = what + "：" + s.by + "  " + domain::chinese_date_time_of(s.at) + "（北京时间）";
        if (!s.reason.empty()) line += "  理由：" + s.reason;
        for (const auto& l : c.wrap(line, kBodySize - 1, docs::kA4Width - 2 * kMargin)) {
            c.text(kMargin, y, l, kBodySize - 1);
            y -= 14;
        }
    }
    c.text(kMargin, y, "内容摘要（SHA-256）：" + list.content_sha256, kBodySize - 3);
    layout::number_pages(c, "名单编号：" + list.number, 30.0F, kBodySize - 2);
    return c.save();
}

}  // namespace lims::workflow::publication
