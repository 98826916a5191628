#include "lims/domain/evidence/evidence_file.hpp"

#include <algorithm>
#include <cctype>

namespace lims::domain {

namespace {

bool starts(std::string_view bytes, std::string_view magic) { return bytes.substr(0, magic.size()) == magic; }

// What a refused file looks like, for the error message (so the sampler knows to send a
// JPEG instead of the HEIC their phone made).
std::string refused_type(std::string_view b) {
    using namespace std::string_view_literals;
    if (starts(b, "GIF87a"sv) || starts(b, "GIF89a"sv)) return "GIF image";
    if (starts(b, "RIFF"sv) && b.substr(8, 4) == "WEBP"sv) return "WebP image";
    if (b.size() >= 12 && b.substr(4, 4) == "ftyp"sv) {
        const auto brand = b.substr(8, 4);
        if (brand == "heic"sv || brand == "heix"sv || brand == "mif1"sv || brand == "heim"sv) return "HEIC/HEIF image";
        return "MP4/QuickTime video";
    }
    if (starts(b, "II*\0"sv) || starts(b, "MM\0*"sv)) return "TIFF image";
    if (starts(b, "BM"sv)) return "BMP image";
    if (starts(b, "PK\x03\x04"sv)) return "ZIP archive or Office document";
    if (starts(b, "\xD0\xCF\x11\xE0"sv)) return "legacy Office document";
    if (starts(b, "\x7F" "ELF"sv)) return "ELF executable";
    if (starts(b, "MZ"sv)) return "Windows executable";
    if (starts(b, "#!"sv)) return "script";
    std::string head;
    for (char c : b.substr(0, 512)) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    const std::string_view lead = first == std::string::npos ? std::string_view{} : std::string_view(head).substr(first);
    if (starts(lead, "<!doctype html"sv) || starts(lead, "<html"sv) || head.find("<script"sv) != std::string::npos)
        return "HTML document";
    if (starts(lead, "<svg"sv) || starts(lead, "<?xml"sv)) return "SVG/XML document";
    return "unknown";
}

}  // namespace

std::string_view media_type_of(EvidenceType type) {
    switch (type) {
        case EvidenceType::jpeg: return "image/jpeg";
        case EvidenceType::png: return "image/png";
        case EvidenceType::pdf: return "application/pdf";
    }
    return "application/octet-stream";
}

std::string_view extension_of(EvidenceType type) {
    switch (type) {
        case EvidenceType::jpeg: return "jpg";
        case EvidenceType::png: return "png";
        case EvidenceType::pdf: return "pdf";
    }
    return "bin";
}

std::optional<EvidenceType> evidence_type_from_media_type(std::string_view media_type) {
    for (auto t : {EvidenceType::jpeg, EvidenceType::png, EvidenceType::pdf})
        if (media_type_of(t) == media_type) return t;
    return std::nullopt;
}

Result<EvidenceType> sniff_evidence_type(std::string_view b) {
    using namespace std::string_view_literals;
    if (b.empty()) return make_error("evidence_file.empty", "the file is empty");
    if (b.size() >= 4 && starts(b, "\xFF\xD8\xFF"sv)) return EvidenceType::jpeg;
    if (starts(b, "\x89PNG\r\n\x1A\n"sv)) return EvidenceType::png;
    if (starts(b, "%PDF-"sv)) return EvidenceType::pdf;
    return make_error("evidence_file.type", "the file is a " + refused_type(b) +
                                                "; only JPEG, PNG and PDF files are kept as evidence");
}

Result<void> check_evidence_size(std::size_t bytes, std::size_t max_bytes) {
    if (bytes > max_bytes)
        return make_error("evidence_file.too_large", "the file has " + std::to_string(bytes) + " bytes; the limit is " +
                                                         std::to_string(max_bytes) + " bytes (lims.attachments.max_bytes)");
    return {};
}

}  // namespace lims::domain
