#include "lims/workflow/documents/pdf_layout.hpp"

#include <algorithm>

namespace lims::workflow::documents::layout {

float row_height(const PdfCanvas& c, const std::vector<Cell>& cells, float size) {
    std::size_t lines = 1;
    for (const auto& cell : cells) lines = std::max(lines, c.wrap(cell.text, size, cell.width - 2 * kCellPadding).size());
    return static_cast<float>(lines) * kLineHeight + kCellPadding;
}

void draw_row(PdfCanvas& c, float left, float top, const std::vector<Cell>& cells, float size, float height) {
    float x = left;
    for (const auto& cell : cells) {
        c.box(x, top - height, cell.width, height);
        auto lines = c.wrap(cell.text, size, cell.width - 2 * kCellPadding);
        float baseline = top - kCellPadding - size;
        for (const auto& l : lines) {
            if (cell.label) c.text_centred(x + cell.width / 2, baseline, l, size);
            else c.text(x + kCellPadding, baseline, l, size);
            baseline -= kLineHeight;
        }
        x += cell.width;
    }
}

void number_pages(PdfCanvas& c, const std::string& label, float baseline, float size) {
    const std::size_t n = c.page_count();
    for (std::size_t i = 0; i < n; ++i) {
        c.select_page(i);
        c.text_centred(c.page_width() / 2, baseline, label + "    第 " + std::to_string(i + 1) + " 页 共 " + std::to_string(n) + " 页",
                       size);
    }
    c.select_page(n - 1);
}

}  // namespace lims::workflow::documents::layout
