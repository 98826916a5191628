// The list of nonconforming products for publication (不合格产品信息公开): a bureau
// produces it for a period from the issued nonconforming reports of its jurisdiction, a
// second person reviews it (or returns it), and a person other than the producer releases
// it, each signing with their password; a released list never changes, and a correction is
// a new version that names the one it corrects. Results withdrawn by re-inspection (the
// report superseded by a conforming re-inspection report) are not listed; a result is held
// back, and named with why, while it may still be re-inspected: a re-inspection applied
// for and not completed, or no application yet and the re-inspection window (the sample
// category's statutory rule, counted from the proven date of service on the sampled unit
// and on the labelled manufacturer: DOMAIN.md) still open or not yet begun because the
// report is not proven served on one of them. Called by the publication
// routes (lims/api/routes/publication_routes.cpp); every use case owns its transaction and
// the caller's jurisdiction check (the list's organisation must lie in the caller's subtree).
#pragma once

#include "lims/domain/calendar/civil_date.hpp"
#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"
#include "lims/workflow/documents/report_document.hpp"
#include "lims/workflow/figures/csv.hpp"
#include "lims/workflow/review/signing.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lims::workflow::publication {

// One published row (DOMAIN.md "The published nonconformity list carries ...").
struct PublicationEntry {
    std::string report_number;
    std::string sample_number;
    std::string product_name;   // 标示产品名称
    std::string manufacturer;   // 标示生产企业 (catalogue, else as read on the label)
    std::string specification;  // 规格 (catalogue, else the label)
    std::string batch_number;   // 批号
    std::string sampled_unit;   // 被抽样单位
    std::string source;         // 抽样来源: the sampling plan and the sampling organisation
    std::string basis;          // 检验依据
    std::string result;         // 检验结果: "不符合规定"
    std::string failing_items;  // 不符合规定项目, each with its result and requirement
    std::string laboratory;     // 检验机构
    std::string report_date;    // 报告日期 "YYYY-MM-DD" (Beijing)
};

// The row of a nonconforming report. `source` is what the caller found for the sample
// (sampling_source()). Failing items: "含量测定（检验结果：86.4%；标准规定：90.0～110.0%）",
// several joined with "；". Errors: publication.report_conforms (a report that conforms
// has no place on the list).
domain::Result<PublicationEntry> entry_of(const documents::ReportDocument& report, std::string source);

// "<plan title>（<sampling organisation>）", or the organisation alone without a plan.
std::string sampling_source(std::string_view plan_title, std::string_view sampling_org);

// The list's canonical text (one "key=value" line per field, entries numbered, '\\' and
// '\n' escaped) and its SHA-256: what the review and release signatures sign.
std::string canonical_text(const std::string& org_name, const std::string& period_from, const std::string& period_to,
                           int list_version, const std::vector<PublicationEntry>& entries);

struct ListStep {
    std::string step;  // "reviewed", "returned", "released"
    std::string by;
    std::string at;    // UTC instant
    std::string reason;
};

// A nonconforming result held back from the list, and why.
struct WithheldResult {
    std::string report_number;
    // "reinspection_pending": a re-inspection was applied for and is not completed;
    // "window_open": no application yet and the re-inspection window is open until `until`;
    // "not_served": the report is not proven served on `party` ("sampled_unit",
    // "manufacturer"), so its window has not begun.
    std::string reason;
    std::string until;  // UTC instant the window closes (window_open), else ""
    std::string party;  // not_served: who is not proven served
    std::string rule;   // the statutory rule's id counted ("reinspection.drug"), when known
};

struct PublicationList {
    std::int64_t id = 0;
    std::string number;  // "GK2026-000001"
    std::string org_name;
    std::string period_from, period_to;  // Beijing dates, inclusive
    int list_version = 1;
    std::string supersedes_number;   // the released list this version corrects, or ""
    std::string correction_reason;
    std::string superseded_by;       // the released correction of this list, or ""
    std::string state;               // "draft", "reviewed", "returned", "released"
    std::string content_sha256;
    std::string created_by, created_at;
    std::vector<ListStep> steps;
    std::vector<PublicationEntry> entries;
    std::vector<WithheldResult> withheld;  // held back while they may be re-inspected
};

struct ListSummary {
    std::string number, org_name, period_from, period_to, state, created_by, created_at, superseded_by;
    int list_version = 1;
    int entries = 0;
};

struct NewList {
    domain::Date period_from{};
    domain::Date period_to{};
};

enum class ReviewDecision { reviewed, returned };

// Errors: publication.person_required (403), publication.organisation_required (403: an
// actor without an organisation), period (publication.period_order: from after to,
// publication.period_too_long: more than kMaxPeriodDays, publication.period_in_future),
// and the documents' (a report that cannot be loaded is named: publication.report_unreadable),
// and the calendar's (a re-inspection window through a year not loaded: calendar.year_not_loaded).
domain::Result<PublicationList> produce_list(store::Database& db, const domain::WorkingCalendar& calendar,
                                             const NewList& request, const Actor& actor);

// Review: once, by a person other than the producer. Errors: publication.not_found,
// publication.person_required, publication.not_draft (409, naming the state),
// publication.same_person (403), publication.reason_required (returning needs a reason;
// field "reason"), and the signature's (signature.password_*).
domain::Result<PublicationList> review_list(store::Database& db, std::string_view number, ReviewDecision decision,
                                            const std::string& reason, const Actor& actor,
                                            const review::SigningIntent& signing, const review::PasswordCheck& check);

// Release: once, after review, by a person other than the producer. Errors:
// publication.not_found, publication.not_reviewed (409), publication.same_person, and the
// signature's.
domain::Result<PublicationList> release_list(store::Database& db, std::string_view number, const Actor& actor,
                                             const review::SigningIntent& signing, const review::PasswordCheck& check);

// A correction of a released list: a new draft of the next version for the same period
// and organisation, produced from the store as it is now. Errors: publication.not_found,
// publication.not_released (409), publication.correction_open (409: a later version exists
// and is not returned), publication.reason_required (field "reason").
domain::Result<PublicationList> correct_list(store::Database& db, const domain::WorkingCalendar& calendar,
                                             std::string_view number, const std::string& reason, const Actor& actor);

// Errors: publication.not_found (unknown, or another jurisdiction's: alike).
domain::Result<PublicationList> find_list(store::Database& db, std::string_view number, const Actor& actor);
// The lists of the caller's subtree, newest first, at most `limit`.
domain::Result<std::vector<ListSummary>> list_lists(store::Database& db, const Actor& actor, int limit = 200);

// The list as a table (column headings in Chinese, one row per entry, numbered).
figures::Table list_table(const PublicationList& list);
// The files. CSV and .xlsx only of a released list (publication.not_released otherwise):
// they are what is published; the PDF of an unreleased list says so in its heading.
domain::Result<std::string> list_pdf(store::Database& db, std::string_view number, const Actor& actor);
domain::Result<std::string> list_csv(store::Database& db, std::string_view number, const Actor& actor);
domain::Result<std::string> list_xlsx(store::Database& db, std::string_view number, const Actor& actor);

// The longest period one list covers (a year and a day: a leap year's whole year).
inline constexpr int kMaxPeriodDays = 366;

}  // namespace lims::workflow::publication
