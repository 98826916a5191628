// What an evidence file (a photo taken on site, a scanned document, a screenshot of an
// online purchase) really is, told from its first bytes and never from its name or the
// type a client claims: only JPEG, PNG and PDF are kept, so nothing the service later
// serves can be run by a browser. Called by the attachment use case before storing.
#pragma once

#include "lims/domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lims::domain {

enum class EvidenceType { jpeg, png, pdf };

// "image/jpeg", "image/png", "application/pdf": the only types an attachment is served as.
std::string_view media_type_of(EvidenceType type);
// "jpg", "png", "pdf".
std::string_view extension_of(EvidenceType type);
// The stored media type back to its type (nullopt: not one of the three).
std::optional<EvidenceType> evidence_type_from_media_type(std::string_view media_type);

// The type by magic bytes: JPEG FF D8 FF (ISO/IEC 10918-1 SOI + a marker), PNG's 8-byte
// signature (ISO/IEC 15948 clause 5.2), PDF "%PDF-" (ISO 32000-1 clause 7.5.2).
// Errors: evidence_file.empty, evidence_file.type (naming what the bytes look like:
// GIF, WebP, HEIC, TIFF, BMP, ZIP or Office document, HTML, SVG/XML, an executable, or
// "unknown").
Result<EvidenceType> sniff_evidence_type(std::string_view bytes);

// Size check: evidence_file.too_large when bytes > max_bytes (naming both).
Result<void> check_evidence_size(std::size_t bytes, std::size_t max_bytes);

}  // namespace lims::domain
