#include "lims/workflow/documents/service_receipt_pdf.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/workflow/documents/cjk_font.hpp"
#include "lims/workflow/documents/pdf_canvas.hpp"
#include "lims/workflow/documents/pdf_layout.hpp"
#include "lims/workflow/documents/qr_code.hpp"

#include <algorithm>

namespace lims::workflow::documents {

namespace {

constexpr float kMarginLeft = 56.0F;
constexpr float kContentWidth = kA4Width - 2 * kMarginLeft;
constexpr float kTop = kA4Height - 60.0F;
constexpr float kBodySize = 11.0F;
constexpr float kSmallSize = 8.0F;
constexpr float kLabelWidth = 130.0F;
// Room to sign by hand (about 17 mm), as the printed forms leave it.
constexpr float kSignatureRowHeight = 48.0F;
constexpr float kQrSide = 90.0F;

}  // namespace

domain::Result<std::string> render_service_receipt_pdf(const ServiceReceiptDocument& r, const RenderOptions& options) {
    if (r.service_number.empty() || r.recipient_name.empty() || r.documents.empty())
        return domain::make_error("documents.receipt_incomplete",
                                  "a 送达回证 needs its number, the recipient and at least one document");
    auto qr = encode_qr(r.qr_text.empty() ? r.service_number : r.qr_text);
    if (!qr) return qr.error();
    auto font = locate_cjk_font(options.font_path);
    if (!font) return font.error();
    auto opened = PdfCanvas::open(*font);
    if (!opened) return opened.error();
    PdfCanvas& c = **opened;

    c.new_page();
    float y = kTop;
    c.text_centred(kA4Width / 2, y, "送 达 回 证", 22.0F);
    y -= 28;
    const std::string number_line = "编号：" + r.service_number;
    c.text(kA4Width - kMarginLeft - c.text_width(number_line, kBodySize), y, number_line, kBodySize);
    y -= 10;

    std::string documents;
    for (const auto& d : r.documents) documents += (documents.empty() ? "" : "；") + d;
    const float value_w = kContentWidth - kLabelWidth;
    std::string record = "（送达后由登记人填写）";
    if (!r.served_on.empty()) {
        auto day = domain::parse_date(r.served_on);
        record = "送达日期：" + (day ? domain::chinese_date(*day) : r.served_on) + "；" + r.evidence + "\n登记人：" +
                 r.recorded_by + "，" + domain::chinese_date_time_of(r.recorded_at) + "（北京时间）";
    }
    struct Row {
        std::string label, value;
        float min_height;
    };
    const std::vector<Row> rows = {
        {"送达机关", r.serving_org, 0},
        {"送达文书名称及文号", documents, 0},
        {"受送达人", r.recipient_name, 0},
        {"送达地点", r.recipient_address, 0},
        {"送达方式", r.method, 0},
        {"送达人（签名）", "", kSignatureRowHeight},
        {"受送达人（签名或盖章）", "\n\n                                            年      月      日", kSignatureRowHeight},
        {"代收人及代收理由", "", kSignatureRowHeight},
        {"送达记录", record, 0},
    };
    for (const auto& row : rows) {
        const std::vector<layout::Cell> cells = {{row.label, kLabelWidth, true}, {row.value, value_w}};
        const float h = std::max(layout::row_height(c, cells, kBodySize), row.min_height);
        layout::draw_row(c, kMarginLeft, y, cells, kBodySize, h);
        y -= h;
    }
    y -= 22;
    c.text(kMarginLeft, y, "制作：" + r.prepared_by + "    " + domain::chinese_date_time_of(r.prepared_at) + "（北京时间）",
           kSmallSize + 1);
    y -= 16;
    for (const auto& l : c.wrap("说明：受送达人应在送达回证上记明收到日期并签名或盖章；受送达人拒绝签收的，送达人应记明"
                                "拒收事由和日期。签收日期为送达日期，申请复验（复检）等期限自送达之日起计算。",
                                kSmallSize + 1, kContentWidth - kQrSide - 16)) {
        c.text(kMarginLeft, y, l, kSmallSize + 1);
        y -= 13;
    }
    const float qr_x = kA4Width - kMarginLeft - kQrSide;
    const float qr_y = std::min(y + 20, kTop - 600.0F);
    c.qr(*qr, qr_x, qr_y, kQrSide);
    c.text_centred(qr_x + kQrSide / 2, qr_y - 10, "扫码登记送达结果", kSmallSize);
    layout::number_pages(c, "送达回证编号：" + r.service_number, 32.0F, kSmallSize);
    return c.save();
}

}  // namespace lims::workflow::documents
