// The 送达回证 (proof-of-service form) of one service of documents, printed when the
// service is prepared and signed by the recipient on delivery: the documents served with
// their numbers, the recipient and place, the method, lines for the server's and the
// recipient's signatures and date, and a QR code of the service's address in the API, so
// the clerk who gets the signed form back finds the service at once. Once service is
// recorded the form printed again carries the recorded date and evidence. Rendered by
// service_of_documents.cpp; every date in Beijing time. Same input, same bytes.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/workflow/documents/report_pdf.hpp"

#include <string>
#include <vector>

namespace lims::workflow::documents {

struct ServiceReceiptDocument {
    std::string service_number;
    std::string serving_org;                 // 送达机关
    std::vector<std::string> documents;      // "检验报告书（报告编号 JB2026-000001）"
    std::string recipient_name;              // 受送达人
    std::string recipient_address;           // 送达地点
    std::string method;                      // 直接送达 / 邮寄送达 / 电子送达
    std::string prepared_by;
    std::string prepared_at;                 // UTC instant
    std::string qr_text;                     // the service's address
    // Filled once service is recorded.
    std::string served_on;                   // "YYYY-MM-DD"
    std::string evidence;                    // "受送达人签收：张三" / "中国邮政 EMS 1234…" / "电子回执 …"
    std::string recorded_by;
    std::string recorded_at;                 // UTC instant
};

// Errors: documents.receipt_incomplete (no number, recipient or document),
// documents.font_missing, documents.font_unusable, documents.pdf, qr.*.
domain::Result<std::string> render_service_receipt_pdf(const ServiceReceiptDocument& receipt,
                                                       const RenderOptions& options = {});

}  // namespace lims::workflow::documents
