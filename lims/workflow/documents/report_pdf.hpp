// Renders the printed documents to PDF bytes: the test report (检验报告书, with a QR code of
// its public verification address) and the sampling record (抽样记录及凭证, with a Code 128
// barcode of the sample number). Called by the document routes and by the review chain
// when it issues a report (to store pdf_sha256). Same input, same bytes.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/workflow/documents/report_document.hpp"

#include <string>

namespace lims::workflow::documents {

struct RenderOptions {
    // A TrueType CJK font; empty: locate_cjk_font() (LIMS_CJK_FONT, then Debian paths).
    std::string font_path;
    // Prefix of the verification address in the QR code when the report's
    // verification_url is empty (e.g. "https://lims.example.gov.cn"); empty: path only.
    std::string public_base_url;
};

// The PDF's bytes. Errors: those of validate(report), documents.font_missing,
// documents.font_unusable, documents.pdf, qr.*.
domain::Result<std::string> render_report_pdf(const ReportDocument& report, const RenderOptions& options = {});

// Errors: those of validate(record), documents.font_*, documents.pdf, code128.*.
domain::Result<std::string> render_sampling_record_pdf(const SamplingRecordDocument& record,
                                                       const RenderOptions& options = {});

// SHA-256 of bytes as 64 lowercase hex digits (reports.pdf_sha256).
std::string sha256_hex(std::string_view bytes);

}  // namespace lims::workflow::documents
