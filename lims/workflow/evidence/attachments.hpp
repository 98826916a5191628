// Evidence files attached to a sample (photos taken on site, scanned documents, an online
// purchase's screenshots and payment record, the laboratory's photos at receipt) or to a
// case lead. Content-addressed: the bytes are kept once by their SHA-256, in the database
// (one backup holds them with the records they prove, docs/operations.md); each
// attachment row says who attached which content to what and why, and is never changed.
// Types are told by magic bytes (JPEG, PNG, PDF only) and sizes are limited. Called by the
// API's attachment routes and the tests.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::workflow::evidence {

enum class AttachmentOwner { sample, case_lead };

// The default of lims.attachments.max_bytes: a phone photo the screen has scaled, or a
// scanned page, fits; uploaded as base64 JSON it stays under the default HTTP body limit
// (lims.http.body.limit, 1 MiB).
inline constexpr std::size_t kDefaultMaxAttachmentBytes = 700 * 1024;

// Why a file is attached. Sample: on_site_photo, document, purchase_screenshot,
// payment_record (samplers), receipt_photo (receivers). Case lead: lead_evidence,
// document, on_site_photo (enforcement officers).
struct AttachmentUpload {
    std::string purpose;
    std::string file_name;  // as the client named it; shown, never used to serve
    std::string bytes;
    std::string note;
};

struct Attachment {
    std::int64_t id = 0;
    std::string purpose;
    std::string sha256;
    std::string media_type;
    std::int64_t size = 0;
    std::string file_name;
    std::string note;
    std::string uploaded_by;
    std::string created_at;
};

struct AttachmentContent {
    Attachment attachment;
    std::string bytes;
    std::string download_name;  // "<owner number>-<id>.<ext>": safe in a header
};

// Errors: attachment.not_found (no such record in the caller's jurisdiction),
// attachment.forbidden (the role may not attach for that purpose), and invalid ones naming
// the field: purpose, file_name, content_base64 (evidence_file.empty, evidence_file.type
// naming the type refused, evidence_file.too_large naming the limit).
domain::Result<Attachment> attach(store::Database& db, const Actor& actor, AttachmentOwner owner,
                                  const std::string& owner_number, const AttachmentUpload& upload,
                                  std::size_t max_bytes);

// Reading (the list and the content): the caller's subtree holds the record, or, for a
// sample, a case lead opened on it (the enforcement unit reads the sampling evidence).
domain::Result<std::vector<Attachment>> list_attachments(store::Database& db, const Actor& actor, AttachmentOwner owner,
                                                         const std::string& owner_number);

// One attached content by its SHA-256, only through a record it is attached to.
domain::Result<AttachmentContent> attachment_content(store::Database& db, const Actor& actor, AttachmentOwner owner,
                                                     const std::string& owner_number, const std::string& sha256);

}  // namespace lims::workflow::evidence
