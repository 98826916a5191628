// The national sampling platforms (国家药品抽检信息系统 and its cosmetic and device
// siblings): the sample number a platform gives a sample, kept beside ours (set through the
// API, audited, one platform number used once ever; a correction is a new row naming the
// one it replaces, with the reason), and the export of samples and results in the
// platform's field layout (docs/national-platform-export.md) as two tables: one row per
// sample (抽样信息) and one row per test item of its issued report (检验结果). Called by the
// publication routes (lims/api/routes/publication_routes.cpp); each use case owns its
// transaction and the caller's jurisdiction (the sample's office or a laboratory it was
// shipped to, lims/workflow/review/visibility.hpp).
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/figures/csv.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::publication {

enum class Platform { nmpa_drug, nmpa_cosmetic, nmpa_device };

std::string_view to_string(Platform p);        // "nmpa_drug", "nmpa_cosmetic", "nmpa_device"
std::string_view platform_title(Platform p);   // "国家药品抽检信息系统", ...
std::optional<Platform> parse_platform(std::string_view s);
// Whether a product category belongs on the platform (drugs, vaccines, biologicals and TCM
// decoction pieces on the drug platform; cosmetics and devices on their own).
bool platform_takes(Platform p, std::string_view category);

struct PlatformNumber {
    std::string platform;
    std::string platform_number;
    bool current = false;      // the latest of the sample on this platform
    std::string replaces;      // the number it corrected, or ""
    std::string reason;
    std::string recorded_by;
    std::string recorded_at;   // UTC instant
};

struct SamplePlatformNumbers {
    std::string sample_number;
    std::vector<PlatformNumber> numbers;  // oldest first
};

// A platform number: 4 to 40 letters, digits or '-'.
bool is_platform_number(std::string_view text);

// Set (or correct) the sample's number on a platform. Errors: platform_number.person_required,
// review.record_not_found (unknown sample or another jurisdiction's: alike), invalid
// platform_number (platform_number.format), platform_number.unchanged (409: already the
// current number), platform_number.reason_required (field "reason": a correction says why),
// platform_number.taken (409: the platform number belongs to another sample, never reused).
domain::Result<SamplePlatformNumbers> set_platform_number(store::Database& db, std::string_view sample_number,
                                                          Platform platform, const std::string& platform_number,
                                                          const std::string& reason, const Actor& actor);
// Errors: review.record_not_found.
domain::Result<SamplePlatformNumbers> platform_numbers(store::Database& db, std::string_view sample_number,
                                                       const Actor& actor);

struct ExportQuery {
    Platform platform = Platform::nmpa_drug;
    domain::Date sampled_from{};  // sampling dates, Beijing, inclusive
    domain::Date sampled_to{};
};

struct PlatformExport {
    figures::Table samples;  // 抽样信息
    figures::Table results;  // 检验结果
};

// The samples the caller holds sampled in the period whose category the platform takes,
// in sampling order. Errors: export.period_order, export.period_too_long (field
// "sampled_to"), documents' (a sample whose record cannot be read is named).
domain::Result<PlatformExport> export_for_platform(store::Database& db, const ExportQuery& query, const Actor& actor);

// The same as files: CSV of one table ("samples" or "results") and the .xlsx of both.
domain::Result<std::string> export_csv(store::Database& db, const ExportQuery& query, std::string_view part,
                                       const Actor& actor);
domain::Result<std::string> export_xlsx(store::Database& db, const ExportQuery& query, const Actor& actor);

inline constexpr int kMaxExportDays = 366;

}  // namespace lims::workflow::publication
