// Recording-interval compliance per site: a CDC refrigerator recorded every 30 minutes is
// compliant; a silence longer than 30 minutes, or than 2 minutes after an out-of-range
// reading, is a gap; a unit nobody watched makes its site non-compliant; a logger moved
// between units is judged per placement; transport boxes and other jurisdictions are not
// in the report; bad periods are refused by name.
#include "coldchain_fixture.hpp"

#include "lims/workflow/coldchain/recording_compliance.hpp"
#include "lims/workflow/coldchain/retention.hpp"

namespace lims::workflow::coldchain::testing {
namespace {

using lims::coldchain::RecordingRequirement;

class ColdChainComplianceTest : public ColdChainTest {
protected:
    ComplianceReport report(std::int64_t from, std::int64_t to, std::vector<std::int64_t> orgs = {}) {
        if (orgs.empty()) orgs = {bureau, office, enforcement, lab};
        return must(recording_compliance(*db, orgs, from, to));
    }
    std::int64_t unit(const std::string& code, std::int64_t org, std::optional<std::int64_t> entity,
                      const std::string& kind = "refrigerator") {
        store::StorageUnitRow u;
        u.code = code;
        u.org_id = org;
        u.entity_id = entity;
        u.name = code;
        u.kind = kind;
        u.storage_class = "refrigerated";
        u.min_centi_celsius = 200;
        u.max_centi_celsius = 800;
        return must(register_storage_unit(*db, u, "test")).id;
    }
};

TEST_F(ColdChainComplianceTest, EveryThirtyMinutesIsCompliant) {
    Profile p("TL-1", kT0, 30 * kMin);
    p.hold(500, 24 * kHour + 30 * kMin);
    ingest(p.readings(), p.now());
    auto r = report(kT0, kT0 + 24 * kHour);
    ASSERT_EQ(r.sites.size(), 1u);
    const auto& site = r.sites[0];
    EXPECT_EQ(site.entity_id, cdc);
    EXPECT_EQ(site.org_id, office);
    EXPECT_EQ(site.name, "Huangpu CDC");
    EXPECT_EQ(site.storage_units, 1u);
    ASSERT_EQ(site.placements.size(), 1u);
    EXPECT_EQ(site.placements[0].logger_serial, "TL-1");
    EXPECT_EQ(site.placements[0].storage_unit_id, fridge_id);
    EXPECT_EQ(site.placements[0].records, 49u);
    EXPECT_TRUE(site.placements[0].gaps.empty());
    EXPECT_TRUE(site.compliant());
    EXPECT_TRUE(r.compliant());
}

TEST_F(ColdChainComplianceTest, LongSilenceAndSlowRecordingOutOfRangeAreGaps) {
    Profile p("TL-1", kT0, 30 * kMin);
    p.hold(500, 2 * kHour).silence(90 * kMin).hold(500, kHour);  // 4 readings, 2 h without, 2 readings
    ingest(p.readings(), p.now());
    // Out of range at +6 h, then the next record five minutes later (2 allowed).
    ingest({{"TL-1", kT0 + 6 * kHour, 950, std::nullopt}, {"TL-1", kT0 + 6 * kHour + 5 * kMin, 500, std::nullopt}},
           kT0 + 6 * kHour + 5 * kMin);
    auto r = report(kT0, kT0 + 6 * kHour + 5 * kMin);
    ASSERT_EQ(r.sites.size(), 1u);
    const auto& gaps = r.sites[0].placements.at(0).gaps;
    ASSERT_EQ(gaps.size(), 3u);
    EXPECT_EQ(gaps[0].from, kT0 + 90 * kMin);
    EXPECT_EQ(gaps[0].to, kT0 + 3 * kHour + 30 * kMin);
    EXPECT_EQ(gaps[0].requirement, RecordingRequirement::storage);
    EXPECT_EQ(gaps[1].from, kT0 + 4 * kHour);  // the last steady record, then silence until +6 h
    EXPECT_EQ(gaps[1].to, kT0 + 6 * kHour);
    EXPECT_EQ(gaps[2].from, kT0 + 6 * kHour);
    EXPECT_EQ(gaps[2].allowed, 2 * kMin);
    EXPECT_EQ(gaps[2].requirement, RecordingRequirement::out_of_range);
    EXPECT_EQ(r.sites[0].gap_count(), 3u);
    EXPECT_EQ(r.sites[0].longest_gap(), 2 * kHour);
    EXPECT_FALSE(r.sites[0].compliant());
    EXPECT_FALSE(r.compliant());
}

TEST_F(ColdChainComplianceTest, UnwatchedUnitAtTheLaboratoryIsItsOwnNonCompliantSite) {
    const auto lab_fridge = unit("LAB-F1", lab, std::nullopt);
    unit("BOX-1", office, std::nullopt, "transport_box");  // trips are judged by their verdict
    Profile p("TL-1", kT0, 30 * kMin);
    p.hold(500, 4 * kHour + 30 * kMin);
    ingest(p.readings(), p.now());
    auto r = report(kT0, kT0 + 4 * kHour);
    ASSERT_EQ(r.sites.size(), 2u);
    EXPECT_EQ(r.sites[0].entity_id, cdc);  // regulated entities first
    EXPECT_TRUE(r.sites[0].compliant());
    EXPECT_EQ(r.sites[1].entity_id, std::nullopt);
    EXPECT_EQ(r.sites[1].org_id, lab);
    EXPECT_EQ(r.sites[1].name, "Shanghai centre");
    EXPECT_EQ(r.sites[1].unwatched_units, std::vector<std::int64_t>{lab_fridge});
    EXPECT_TRUE(r.sites[1].placements.empty());
    EXPECT_FALSE(r.sites[1].compliant());
    EXPECT_FALSE(r.compliant());
    // Only the office's subtree: the laboratory is not in it.
    auto office_only = report(kT0, kT0 + 4 * kHour, {office});
    ASSERT_EQ(office_only.sites.size(), 1u);
    EXPECT_EQ(office_only.sites[0].entity_id, cdc);
}

TEST_F(ColdChainComplianceTest, LoggerMovedBetweenUnitsIsJudgedPerPlacement) {
    const auto second = unit("CDC-F2", office, cdc);
    Profile before("TL-1", kT0, 30 * kMin);
    before.hold(500, 3 * kHour);  // up to +2:30 in the first fridge
    ingest(before.readings(), before.now());
    must(place_logger(*db, {logger_id, second, std::nullopt, kT0 + 3 * kHour}, kT0 + 3 * kHour, options));
    Profile after("TL-1", kT0 + 4 * kHour, 30 * kMin);  // an hour's silence in the second fridge
    after.hold(500, 2 * kHour + 30 * kMin);
    ingest(after.readings(), after.now());
    auto r = report(kT0, kT0 + 6 * kHour);
    ASSERT_EQ(r.sites.size(), 1u);
    EXPECT_EQ(r.sites[0].storage_units, 2u);
    const auto& ps = r.sites[0].placements;
    ASSERT_EQ(ps.size(), 2u);
    EXPECT_EQ(ps[0].storage_unit_id, fridge_id);
    EXPECT_EQ(ps[0].from_utc, kT0);
    EXPECT_EQ(ps[0].to_utc, kT0 + 3 * kHour);
    EXPECT_EQ(ps[0].records, 6u);
    EXPECT_TRUE(ps[0].gaps.empty());
    EXPECT_EQ(ps[1].storage_unit_id, second);
    EXPECT_EQ(ps[1].from_utc, kT0 + 3 * kHour);
    EXPECT_EQ(ps[1].to_utc, kT0 + 6 * kHour);
    ASSERT_EQ(ps[1].gaps.size(), 1u);
    EXPECT_EQ(ps[1].gaps[0].from, kT0 + 3 * kHour);
    EXPECT_EQ(ps[1].gaps[0].to, kT0 + 4 * kHour);
}

TEST_F(ColdChainComplianceTest, NoReadingAtAllIsOneGapOverThePeriod) {
    auto r = report(kT0 + kHour, kT0 + 3 * kHour);
    ASSERT_EQ(r.sites.size(), 1u);
    const auto& gaps = r.sites[0].placements.at(0).gaps;
    ASSERT_EQ(gaps.size(), 1u);
    EXPECT_EQ(gaps[0].length(), 2 * kHour);
    EXPECT_EQ(r.sites[0].placements[0].records, 0u);
}

TEST_F(ColdChainComplianceTest, ThinnedReadingsStillCountAtTheirBuckets) {
    Profile p("TL-1", kT0, 10 * kMin);
    p.hold(500, 6 * kHour + 10 * kMin);  // 37 readings, one per 5-minute bucket
    ingest(p.readings(), p.now());
    const auto before = report(kT0, kT0 + 6 * kHour);
    ASSERT_TRUE(before.compliant());
    RetentionPolicy policy;
    policy.keep_raw = 91 * 24 * kHour;
    auto thinned = must(thin_old_readings(*db, kT0 + 7 * kHour + policy.keep_raw + kHour, policy, "system:retention"));
    ASSERT_EQ(thinned.readings_thinned, 37u);
    ASSERT_EQ(count("SELECT count(*) FROM readings"), 0);
    const auto after = report(kT0, kT0 + 6 * kHour);
    EXPECT_TRUE(after.compliant());
    EXPECT_EQ(after.sites.at(0).placements.at(0).records, before.sites.at(0).placements.at(0).records);
    // Thinned or not, an hour without a record is still a gap.
    auto wider = report(kT0, kT0 + 8 * kHour);
    ASSERT_EQ(wider.sites.at(0).placements.at(0).gaps.size(), 1u);
    EXPECT_EQ(wider.sites[0].placements[0].gaps[0].from, kT0 + 6 * kHour);
}

TEST_F(ColdChainComplianceTest, BadPeriodsAreRefusedByName) {
    for (auto [from, to] : {std::pair{kT0, kT0}, std::pair{kT0 + kHour, kT0},
                            std::pair{kT0, kT0 + kMaxCompliancePeriod + 1}}) {
        auto r = recording_compliance(*db, {office}, from, to);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, "coldchain.compliance.period");
    }
    EXPECT_TRUE(recording_compliance(*db, {office}, kT0, kT0 + kMaxCompliancePeriod));
    // An organisation with no units: an empty, compliant report.
    auto none = must(recording_compliance(*db, {enforcement}, kT0, kT0 + kHour));
    EXPECT_TRUE(none.sites.empty());
    EXPECT_TRUE(none.compliant());
}

}  // namespace
}  // namespace lims::workflow::coldchain::testing
