#include "lims/workflow/documents/pdf_canvas.hpp"

#include "lims/workflow/documents/cjk_font.hpp"

#include <hpdf.h>

#include <cstdio>
#include <string>

namespace lims::workflow::documents {

struct PdfCanvas::Handle {
    HPDF_Doc doc = nullptr;
    HPDF_Font font = nullptr;
    HPDF_STATUS first_error = HPDF_OK;
    HPDF_STATUS first_detail = 0;
};

namespace {

void record_error(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
    auto* h = static_cast<PdfCanvas::Handle*>(user_data);
    if (h->first_error == HPDF_OK) {
        h->first_error = error;
        h->first_detail = detail;
    }
}

std::string hex(HPDF_STATUS status) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(status));
    return buf;
}

HPDF_Page as_page(void* p) { return static_cast<HPDF_Page>(p); }

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::u32string decode_printable_utf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<unsigned char>(text[i]);
        char32_t cp = 0;
        std::size_t len = 0;
        if (b < 0x80) { cp = b; len = 1; }
        else if ((b & 0xE0) == 0xC0) { cp = b & 0x1F; len = 2; }
        else if ((b & 0xF0) == 0xE0) { cp = b & 0x0F; len = 3; }
        else if ((b & 0xF8) == 0xF0) { cp = b & 0x07; len = 4; }
        bool valid = len > 0 && i + len <= text.size();
        for (std::size_t k = 1; valid && k < len; ++k) {
            const auto c = static_cast<unsigned char>(text[i + k]);
            if ((c & 0xC0) != 0x80) valid = false;
            else cp = (cp << 6) | (c & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not characters.
        static constexpr char32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
        if (valid && (cp < min_for_length[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) valid = false;
        if (!valid) {
            out += U'?';
            ++i;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) cp = U' ';
        out += cp;
        i += len;
    }
    return out;
}

std::string encode_utf8(std::u32string_view text) {
    std::string out;
    for (char32_t cp : text) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

PdfCanvas::PdfCanvas() : h_(std::make_unique<Handle>()) {}

PdfCanvas::~PdfCanvas() {
    if (h_ && h_->doc) HPDF_Free(h_->doc);
}

domain::Result<std::unique_ptr<PdfCanvas>> PdfCanvas::open(const std::string& font_path) {
    std::unique_ptr<PdfCanvas> canvas(new PdfCanvas());
    Handle& h = *canvas->h_;
    h.doc = HPDF_New(&record_error, &h);
    if (!h.doc) return domain::errors::internal("documents.pdf", "libharu could not create a document (out of memory)");
    HPDF_SetCompressionMode(h.doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(h.doc);
    HPDF_SetCurrentEncoder(h.doc, "UTF-8");
    // A .ttc holds several faces; the first is the regular one in every Debian CJK package.
    const char* name = ends_with(font_path, ".ttc") || ends_with(font_path, ".TTC")
                           ? HPDF_LoadTTFontFromFile2(h.doc, font_path.c_str(), 0, HPDF_TRUE)
                           : HPDF_LoadTTFontFromFile(h.doc, font_path.c_str(), HPDF_TRUE);
    if (name) h.font = HPDF_GetFont(h.doc, name, "UTF-8");
    if (!name || !h.font)
        return domain::errors::unavailable("documents.font_unusable",
            font_path + " cannot be embedded by libharu (error " + hex(h.first_error) +
                "): it must be a TrueType-outline .ttf/.ttc (Noto CJK's CFF outlines are not); install " +
                std::string(kCjkFontPackage));
    return canvas;
}

void PdfCanvas::new_page() {
    HPDF_Page page = HPDF_AddPage(h_->doc);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    pages_.push_back(page);
    page_ = page;
}

void PdfCanvas::new_landscape_page() {
    HPDF_Page page = HPDF_AddPage(h_->doc);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
    pages_.push_back(page);
    page_ = page;
}

float PdfCanvas::page_width() const {
    return page_ == nullptr ? kA4Width : HPDF_Page_GetWidth(static_cast<HPDF_Page>(page_));
}

void PdfCanvas::select_page(std::size_t index) {
    if (index < pages_.size()) page_ = pages_[index];
}

float PdfCanvas::text_width(std::string_view text, float size) const {
    float units = 0;
    for (char32_t cp : decode_printable_utf8(text)) {
        const HPDF_INT w = HPDF_Font_GetUnicodeWidth(h_->font, static_cast<HPDF_UNICODE>(cp));
        // Characters beyond the BMP or missing from the font: count a full em.
        units += w > 0 ? static_cast<float>(w) : 1000.0F;
    }
    return units * size / 1000.0F;
}

void PdfCanvas::text(float x, float baseline, std::string_view text, float size) {
    if (!page_) return;
    std::u32string cps = decode_printable_utf8(text);
    // libharu's UTF-8 encoder covers the Basic Multilingual Plane only.
    for (char32_t& cp : cps)
        if (cp > 0xFFFF) cp = U'?';
    const std::string clean = encode_utf8(cps);
    HPDF_Page page = as_page(page_);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, h_->font, size);
    HPDF_Page_TextOut(page, x, baseline, clean.c_str());
    HPDF_Page_EndText(page);
}

void PdfCanvas::text_centred(float centre_x, float baseline, std::string_view t, float size) {
    text(centre_x - text_width(t, size) / 2.0F, baseline, t, size);
}

std::vector<std::string> PdfCanvas::wrap(std::string_view text, float size, float width) const {
    std::vector<std::string> lines;
    std::u32string current;
    float current_width = 0;
    std::u32string all;
    // Explicit line breaks survive; decode_printable_utf8 would turn them into spaces.
    std::size_t start = 0;
    while (true) {
        const std::size_t nl = text.find('\n', start);
        all += decode_printable_utf8(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
        if (nl == std::string_view::npos) break;
        all += U'\n';
        start = nl + 1;
    }
    for (char32_t cp : all) {
        if (cp == U'\n') {
            lines.push_back(encode_utf8(current));
            current.clear();
            current_width = 0;
            continue;
        }
        const float w = text_width(encode_utf8(std::u32string(1, cp)), size);
        if (!current.empty() && current_width + w > width) {
            lines.push_back(encode_utf8(current));
            current.clear();
            current_width = 0;
        }
        current += cp;
        current_width += w;
    }
    if (!current.empty() || lines.empty()) lines.push_back(encode_utf8(current));
    return lines;
}

void PdfCanvas::line(float x1, float y1, float x2, float y2, float thickness) {
    if (!page_) return;
    HPDF_Page page = as_page(page_);
    HPDF_Page_SetLineWidth(page, thickness);
    HPDF_Page_MoveTo(page, x1, y1);
    HPDF_Page_LineTo(page, x2, y2);
    HPDF_Page_Stroke(page);
}

void PdfCanvas::box(float x, float y, float width, float height, float thickness) {
    if (!page_) return;
    HPDF_Page page = as_page(page_);
    HPDF_Page_SetLineWidth(page, thickness);
    HPDF_Page_Rectangle(page, x, y, width, height);
    HPDF_Page_Stroke(page);
}

void PdfCanvas::fill(float x, float y, float width, float height) {
    if (!page_) return;
    HPDF_Page page = as_page(page_);
    HPDF_Page_Rectangle(page, x, y, width, height);
    HPDF_Page_Fill(page);
}

void PdfCanvas::qr(const QrMatrix& m, float x, float y, float side) {
    if (!page_ || m.width <= 0) return;
    const int total = m.width + 2 * kQrQuietZoneModules;
    const float module = side / static_cast<float>(total);
    HPDF_Page page = as_page(page_);
    for (int row = 0; row < m.width; ++row)
        for (int col = 0; col < m.width; ++col)
            if (m.at(col, row))
                HPDF_Page_Rectangle(page, x + module * static_cast<float>(col + kQrQuietZoneModules),
                                    y + side - module * static_cast<float>(row + kQrQuietZoneModules + 1), module,
                                    module);
    HPDF_Page_Fill(page);
}

void PdfCanvas::bars(const std::vector<bool>& modules, float x, float y, float width, float height) {
    if (!page_ || modules.empty()) return;
    const float module = width / static_cast<float>(modules.size());
    HPDF_Page page = as_page(page_);
    std::size_t i = 0;
    while (i < modules.size()) {
        if (!modules[i]) {
            ++i;
            continue;
        }
        std::size_t run = 1;
        while (i + run < modules.size() && modules[i + run]) ++run;
        HPDF_Page_Rectangle(page, x + module * static_cast<float>(i), y, module * static_cast<float>(run), height);
        i += run;
    }
    HPDF_Page_Fill(page);
}

domain::Result<std::string> PdfCanvas::save() {
    if (h_->first_error == HPDF_OK) HPDF_SaveToStream(h_->doc);
    if (h_->first_error != HPDF_OK)
        return domain::errors::internal("documents.pdf", "libharu failed while drawing the document (error " +
                                                       hex(h_->first_error) + ", detail " +
                                                       std::to_string(h_->first_detail) + ")");
    const HPDF_UINT32 size = HPDF_GetStreamSize(h_->doc);
    std::string bytes(size, '\0');
    HPDF_UINT32 read = size;
    HPDF_ResetStream(h_->doc);
    HPDF_ReadFromStream(h_->doc, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &read);
    // Reading the whole stream may end with libharu's end-of-stream notice: not a failure.
    if (h_->first_error == HPDF_STREAM_EOF) h_->first_error = HPDF_OK;
    if (h_->first_error != HPDF_OK || read != size)
        return domain::errors::internal("documents.pdf", "libharu could not hand over the saved document (error " +
                                                       hex(h_->first_error) + ")");
    return bytes;
}

}  // namespace lims::workflow::documents
