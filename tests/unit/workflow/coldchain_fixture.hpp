// A fresh SQLite database per test for the cold-chain use cases: a Shanghai bureau with a
// supervision office, an enforcement unit and the laboratory; a CDC (regulated entity)
// with a refrigerator and three designated contacts; logger TL-1 placed in it; the
// working calendar for case-lead clocks; helpers that build simulator-like profiles as
// ingest readings and count what the database holds. Used by the coldchain_* tests.
#pragma once

#include "lims/domain/calendar/working_calendar.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/database.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/store/storage_unit_repository.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/placements.hpp"

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

namespace lims::workflow::coldchain::testing {

template <typename T>
T must(domain::Result<T> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
    return std::move(r).value();
}

inline void must(domain::Result<void> r) {
    if (!r) throw std::runtime_error(r.error().code + ": " + r.error().message);
}

// 2026-03-02T00:00:00Z: inside the loaded calendars, a Monday.
inline constexpr std::int64_t kT0 = 1772409600;
inline constexpr std::int64_t kMin = 60;
inline constexpr std::int64_t kHour = 3600;

// Readings like the Modbus logger simulator's profiles, as the ingest receives them.
class Profile {
public:
    Profile(std::string logger, std::int64_t start, std::int64_t step) : logger_(std::move(logger)), t_(start), step_(step) {}
    Profile& hold(std::int32_t centi, std::int64_t duration) {
        for (std::int64_t s = 0; s < duration; s += step_) add(centi);
        return *this;
    }
    Profile& fault(std::int64_t duration) {
        for (std::int64_t s = 0; s < duration; s += step_) add(std::nullopt);
        return *this;
    }
    Profile& silence(std::int64_t duration) {
        t_ += duration;
        return *this;
    }
    std::int64_t now() const { return t_; }
    const std::vector<IncomingReading>& readings() const { return readings_; }

private:
    void add(std::optional<std::int32_t> v) {
        readings_.push_back({logger_, t_, v, std::nullopt});
        t_ += step_;
    }
    std::string logger_;
    std::int64_t t_;
    std::int64_t step_;
    std::vector<IncomingReading> readings_;
};

class ColdChainTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/lims-coldchain-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
        open();
        ASSERT_TRUE(store::migrate(*db, store::builtin_migrations()));
        calendar_ = load_calendar();
        options.calendar = &calendar_;

        using K = domain::OrganisationKind;
        must(db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::OrganisationRepository orgs(tx);
            bureau = must(orgs.create({"SH", "Shanghai bureau", K::bureau, {}, "310000"}, "test")).id;
            office = must(orgs.create({"SH-HP", "Huangpu office", K::supervision_office, bureau, "310101"}, "test")).id;
            enforcement = must(orgs.create({"SH-ENF", "Shanghai enforcement", K::enforcement_unit, bureau, "310000"}, "test")).id;
            lab = must(orgs.create({"SH-LAB", "Shanghai centre", K::inspection_centre, bureau, "310000"}, "test")).id;
            const std::string at = tx.now_utc();
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                            "updated_at) VALUES ('Huangpu CDC', 'cdc', $1, '310101', $2, $2) RETURNING id",
                Poco::Data::Keywords::bind(office), Poco::Data::Keywords::bind(at), Poco::Data::Keywords::into(id),
                Poco::Data::Keywords::now;
            cdc = id;
            logger_id = must(store::ReadingRepository(tx).create_logger("TL-1", "sim", office, "test")).id;
            return store::Done{};
        }));
        store::StorageUnitRow fridge;
        fridge.code = "CDC-F1";
        fridge.org_id = office;
        fridge.entity_id = cdc;
        fridge.name = "vaccine refrigerator";
        fridge.kind = "refrigerator";
        fridge.storage_class = "refrigerated";
        fridge.min_centi_celsius = 200;
        fridge.max_centi_celsius = 800;
        fridge_id = must(register_storage_unit(*db, fridge, "test")).id;
        add_contacts(office, cdc, 3);
        must(place_logger(*db, {logger_id, fridge_id, std::nullopt, kT0}, kT0, options));
    }

    void TearDown() override {
        if (db && !::testing::Test::HasFailure()) {
            auto verified = store::verify_audit_chain(*db);
            ASSERT_TRUE(verified);
            EXPECT_TRUE(verified->intact) << verified->problem;
        }
        db.reset();
        std::filesystem::remove_all(dir_);
    }

    // A restart: the database is opened again and nothing survives in memory.
    void open() {
        db.reset();
        auto opened = store::Database::open("sqlite:" + dir_ + "/lims.db");
        ASSERT_TRUE(opened) << opened.error().message;
        db = *opened;
    }

    void add_contacts(std::int64_t org, std::optional<std::int64_t> entity, int n, int level = 0) {
        for (int i = 0; i < n; ++i) {
            store::ContactRow c;
            c.org_id = org;
            c.entity_id = entity;
            c.name = "contact " + std::to_string(level) + "." + std::to_string(i);
            c.email = "c" + std::to_string(level) + std::to_string(i) + "@cdc.example";
            c.phone = "+86138000000" + std::to_string(level) + std::to_string(i);
            c.escalation_level = level;
            must(add_site_contact(*db, c, "test"));
        }
    }

    IngestReport ingest(const std::vector<IncomingReading>& readings, std::int64_t now) {
        return must(ingest_readings(*db, readings, now, options));
    }

    // Feeds the profile in batches of `batch` readings, each received at its last reading's time.
    IngestReport ingest_in_batches(const std::vector<IncomingReading>& readings, std::size_t batch, bool restart) {
        IngestReport total;
        for (std::size_t i = 0; i < readings.size(); i += batch) {
            std::vector<IncomingReading> part(readings.begin() + static_cast<std::ptrdiff_t>(i),
                                              readings.begin() + static_cast<std::ptrdiff_t>(std::min(readings.size(), i + batch)));
            auto r = ingest(part, part.back().at_utc);
            total.stored += r.stored;
            total.duplicates += r.duplicates;
            total.rejected += r.rejected;
            total.flagged += r.flagged;
            total.alarms_raised += r.alarms_raised;
            total.excursions_opened += r.excursions_opened;
            total.excursions_closed += r.excursions_closed;
            total.case_leads_opened += r.case_leads_opened;
            if (restart) open();
        }
        return total;
    }

    // A shipment from the office to the laboratory, in transit, with a refrigerated and an
    // ambient sample ("<prefix>-1", "<prefix>-2"), and a 2–8 °C transport box `box_code`
    // bound to it from `bound_at`. Returns the shipment's and the box's ids.
    std::pair<std::int64_t, std::int64_t> add_shipment_with_box(const std::string& number, const std::string& prefix,
                                                                const std::string& box_code, std::int64_t bound_at) {
        std::int64_t shipment = 0;
        must(db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            using namespace Poco::Data::Keywords;
            const std::string at = tx.now_utc();
            std::string shipment_number = number;
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO shipments (number, from_org_id, to_org_id, state, created_at, updated_at) VALUES "
                            "($1, $2, $3, 'in_transit', $4, $4) RETURNING id",
                bind(shipment_number), bind(office), bind(lab), bind(at), into(id), now;
            shipment = id;
            for (auto [suffix, condition] : {std::pair{"-1", "refrigerated"}, std::pair{"-2", "ambient"}}) {
                std::string n = prefix + suffix, c = condition;
                Poco::Int64 sample = 0;
                tx.session() << "INSERT INTO samples (number, org_id, product_name, quantity, unit, storage_condition, "
                                "sampled_at, state, created_at, updated_at) VALUES ($1, $2, 'vaccine', '10', 'vial', $3, $4, "
                                "'in_transit', $4, $4) RETURNING id",
                    bind(n), bind(office), bind(c), bind(at), into(sample), now;
                tx.session() << "INSERT INTO shipment_items (shipment_id, sample_id) VALUES ($1, $2)", bind(id),
                    bind(sample), now;
            }
            return store::Done{};
        }));
        store::StorageUnitRow box;
        box.code = box_code;
        box.org_id = office;
        box.name = "insulated box";
        box.kind = "transport_box";
        box.storage_class = "refrigerated";
        box.min_centi_celsius = 200;
        box.max_centi_celsius = 800;
        const auto box_id = must(register_storage_unit(*db, box, "test")).id;
        must(bind_transport_box(*db, shipment, box_id, bound_at, "test"));
        return {shipment, box_id};
    }

    std::int64_t count(const std::string& sql) {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::int64_t> {
            Poco::Int64 n = 0;
            tx.session() << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
            return static_cast<std::int64_t>(n);
        }));
    }
    // A site whose case lead cannot be opened: the Jiangsu bureau and its Nanjing office, the
    // Nanjing CDC there (a regulated entity) with its vaccine refrigerator (2-8 °C) and three
    // contacts, and no enforcement unit at or above the office (issue 19 item 1).
    struct SiteWithoutEnforcementUnit {
        std::int64_t bureau = 0, office = 0, cdc = 0, fridge = 0;
    };
    SiteWithoutEnforcementUnit add_site_without_enforcement_unit() {
        using K = domain::OrganisationKind;
        SiteWithoutEnforcementUnit site;
        must(db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::OrganisationRepository orgs(tx);
            site.bureau = must(orgs.create({"JS", "Jiangsu bureau", K::bureau, {}, "320000"}, "test")).id;
            site.office = must(orgs.create({"JS-NJ", "Nanjing office", K::supervision_office, site.bureau, "320102"}, "test")).id;
            const std::string at = tx.now_utc();
            Poco::Int64 id = 0;
            tx.session() << "INSERT INTO regulated_entities (name, kind, jurisdiction_org_id, region_code, created_at, "
                            "updated_at) VALUES ('Nanjing CDC', 'cdc', $1, '320102', $2, $2) RETURNING id",
                Poco::Data::Keywords::bind(site.office), Poco::Data::Keywords::bind(at), Poco::Data::Keywords::into(id),
                Poco::Data::Keywords::now;
            site.cdc = id;
            return store::Done{};
        }));
        add_contacts(site.office, site.cdc, 3);
        store::StorageUnitRow fridge;
        fridge.code = "NJ-F1";
        fridge.org_id = site.office;
        fridge.entity_id = site.cdc;
        fridge.name = "vaccine refrigerator";
        fridge.kind = "refrigerator";
        fridge.storage_class = "refrigerated";
        fridge.min_centi_celsius = 200;
        fridge.max_centi_celsius = 800;
        site.fridge = must(register_storage_unit(*db, fridge, "test")).id;
        return site;
    }

    // "kind:side" of every alarm, in order.
    std::vector<std::string> alarms() {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::vector<std::string>> {
            std::vector<std::string> kind;
            std::vector<Poco::Nullable<std::string>> side;
            tx.session() << "SELECT kind, side FROM coldchain_alarms ORDER BY id", Poco::Data::Keywords::into(kind),
                Poco::Data::Keywords::into(side), Poco::Data::Keywords::now;
            std::vector<std::string> out;
            for (std::size_t i = 0; i < kind.size(); ++i)
                out.push_back(kind[i] + (side[i].isNull() ? "" : ":" + side[i].value()));
            return out;
        }));
    }

    static domain::WorkingCalendar load_calendar() {
        std::vector<domain::CalendarYear> years;
        for (const char* name : {"cn-mainland-2025.txt", "cn-mainland-2026.txt"}) {
            std::ifstream in(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars/" + name);
            std::stringstream text;
            text << in.rdbuf();
            years.push_back(must(domain::parse_calendar_year(name, text.str())));
        }
        return must(domain::WorkingCalendar::from_years(std::move(years)));
    }

    std::shared_ptr<store::Database> db;
    ColdChainOptions options;
    std::int64_t bureau = 0, office = 0, enforcement = 0, lab = 0, cdc = 0, logger_id = 0, fridge_id = 0;

private:
    std::string dir_;
    domain::WorkingCalendar calendar_ = domain::WorkingCalendar::from_years({}).value();
};

}  // namespace lims::workflow::coldchain::testing
