// The directory of re-inspection laboratories (复检机构名录) and the random draw of a
// re-inspection laboratory from it. Cosmetics (化妆品监督管理条例 第五十八条) and devices
// (医疗器械监督管理条例 第七十五条): the bureau that takes the application picks the
// laboratory at random from the directory, never the one that tested first. The directory
// is reference data kept by administrators as a history of entries (listed, delisted), each
// audited; a draw keeps its candidates, seed and index so it can be recounted and shown
// fair. Called by the directory routes and by apply_reinspection (reinspection.hpp).
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::review {

struct LaboratoryRef {
    std::int64_t id = 0;
    std::string code;
    std::string name;
};

// One laboratory listed for one category, as the directory stands.
struct DirectoryListing {
    LaboratoryRef laboratory;
    std::string category;  // drug, cosmetic, device
    std::string basis;     // the notice the listing rests on
    std::string listed_by;
    std::string listed_at;
};

// A change of the directory as recorded.
struct DirectoryEntry {
    std::int64_t id = 0;
    LaboratoryRef laboratory;
    std::string category;
    std::string action;  // listed, delisted
    std::string basis;
    std::string recorded_by;
    std::string recorded_at;
};

struct DirectoryChange {
    std::string organisation_code;  // an inspection centre (检验机构)
    std::string category;           // drug, cosmetic, device
    std::string basis;              // the directory notice (公告) or decision it rests on
};

// The directory as it stands, optionally for one category, by category then laboratory id.
// Errors: review.reinspection_lab_category (no such category).
domain::Result<std::vector<DirectoryListing>> reinspection_directory(store::Database& db,
                                                                     const std::optional<std::string>& category);

// Lists or delists a laboratory for a category (administrators), audited
// (reinspection_laboratory.listed / .delisted). Errors: review.reinspection_lab_not_found
// (no organisation with that code), review.reinspection_lab_kind (not an inspection
// centre), review.reinspection_lab_category, review.reinspection_lab_basis (empty),
// review.reinspection_lab_listed (already listed) / review.reinspection_lab_not_listed
// (delisting one that is not).
domain::Result<DirectoryEntry> list_reinspection_laboratory(store::Database& db, const DirectoryChange& change,
                                                            const Actor& actor);
domain::Result<DirectoryEntry> delist_reinspection_laboratory(store::Database& db, const DirectoryChange& change,
                                                              const Actor& actor);

// A draw: the candidates (listed for the category, the original laboratory left out) in
// ascending id, the seed, and the index chosen = seed mod the number of candidates.
struct LaboratoryDraw {
    std::string category;
    LaboratoryRef excluded;  // the original laboratory
    std::vector<LaboratoryRef> candidates;
    std::uint64_t seed = 0;
    std::size_t chosen_index = 0;
    const LaboratoryRef& chosen() const { return candidates.at(chosen_index); }
};

// "00000000075bcd15": a seed as stored and shown.
std::string seed_hex(std::uint64_t seed);

// Draws in `tx` (the application's transaction) without writing. Errors:
// review.reinspection_no_laboratory (no laboratory listed for the category other than the
// original one, naming both).
domain::Result<LaboratoryDraw> draw_reinspection_laboratory(store::Transaction& tx, const std::string& category,
                                                            const LaboratoryRef& original, std::uint64_t seed);

// Keeps a draw for a re-inspection (reinspection_laboratory_draws), audited
// (reinspection.laboratory_drawn).
void record_draw(store::Transaction& tx, std::int64_t reinspection_id, const LaboratoryDraw& draw, const Actor& actor);

// The draw kept for a re-inspection, if it was drawn.
std::optional<LaboratoryDraw> draw_of(store::Transaction& tx, std::int64_t reinspection_id);

// An organisation by code that may test (an inspection centre), for a designated
// laboratory. Errors: review.reinspection_lab_not_found, review.reinspection_lab_kind.
domain::Result<LaboratoryRef> laboratory_by_code(store::Transaction& tx, const std::string& code,
                                                 const std::string& field);

}  // namespace lims::workflow::review
