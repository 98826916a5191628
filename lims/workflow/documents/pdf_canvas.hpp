// A thin drawing surface over libharu for the printed documents: A4 pages, one embedded
// CJK TrueType font with UTF-8 text, wrapping by measured width, lines, boxes, QR codes and
// Code 128 bars, saved to bytes. Used only by the renderers in this folder; libharu's
// errors are collected and returned by save(), never thrown.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/workflow/documents/qr_code.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

// A4 in PostScript points (210 × 297 mm, ISO 216).
inline constexpr float kA4Width = 595.276F;
inline constexpr float kA4Height = 841.89F;

class PdfCanvas {
public:
    // Errors: documents.pdf (libharu could not start a document),
    // documents.font_unusable (the file is not a TrueType font libharu can embed).
    static domain::Result<std::unique_ptr<PdfCanvas>> open(const std::string& font_path);
    ~PdfCanvas();
    PdfCanvas(const PdfCanvas&) = delete;
    PdfCanvas& operator=(const PdfCanvas&) = delete;

    void new_page();                        // becomes the current page
    void new_landscape_page();              // A4 turned (842 × 595 points): wide tables
    float page_width() const;               // of the current page, in points
    std::size_t page_count() const { return pages_.size(); }
    void select_page(std::size_t index);    // draw on an earlier page (footers)

    // Text is UTF-8; invalid bytes print as '?', control characters as spaces.
    float text_width(std::string_view text, float size) const;
    void text(float x, float baseline, std::string_view text, float size);
    void text_centred(float centre_x, float baseline, std::string_view text, float size);
    // Lines of at most `width` points; breaks between characters (CJK has no spaces) and
    // at explicit line breaks. Never returns an empty list.
    std::vector<std::string> wrap(std::string_view text, float size, float width) const;

    void line(float x1, float y1, float x2, float y2, float thickness = 0.6F);
    void box(float x, float y, float width, float height, float thickness = 0.6F);
    void fill(float x, float y, float width, float height);
    // The QR code with its quiet zone fills the square (x, y, side) (y = bottom edge).
    void qr(const QrMatrix& matrix, float x, float y, float side);
    // Bars of `modules` (true = bar) scaled to `width`, from (x, y) up to y + height.
    void bars(const std::vector<bool>& modules, float x, float y, float width, float height);

    // Errors: documents.pdf naming libharu's error number.
    domain::Result<std::string> save();

    struct Handle;  // libharu's document and font, kept out of this header

private:
    PdfCanvas();
    std::unique_ptr<Handle> h_;
    std::vector<void*> pages_;
    void* page_ = nullptr;
};

// UTF-8 → code points; an invalid byte becomes '?', controls become ' '.
std::u32string decode_printable_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view text);

}  // namespace lims::workflow::documents
