// Table rows and page footers shared by the printed documents (report_pdf.cpp,
// service_receipt_pdf.cpp): a row of bordered cells that wrap their text to their width,
// as tall as its tallest cell, and "第 n 页 共 m 页" under every page.
#pragma once

#include "lims/workflow/documents/pdf_canvas.hpp"

#include <string>
#include <vector>

namespace lims::workflow::documents::layout {

inline constexpr float kLineHeight = 14.0F;
inline constexpr float kCellPadding = 4.0F;

struct Cell {
    std::string text;
    float width;
    bool label = false;  // centred, as the printed forms set their field names
};

// The height of a row of cells at font size `size`.
float row_height(const PdfCanvas& c, const std::vector<Cell>& cells, float size);
// Draws the row with its top-left corner at (left, top).
void draw_row(PdfCanvas& c, float left, float top, const std::vector<Cell>& cells, float size, float height);
// "<label>    第 n 页 共 m 页" centred at `baseline` on every page; leaves the last page current.
void number_pages(PdfCanvas& c, const std::string& label, float baseline, float size);

}  // namespace lims::workflow::documents::layout
