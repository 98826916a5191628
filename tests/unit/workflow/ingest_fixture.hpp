// A migrated SQLite database in a scratch directory with what ingest needs: a laboratory,
// a registered sample with two test portions and tests, an instrument with mappings.
// Shared by the ingest unit tests and the ingest/gateway integration tests (header only,
// because each test suite compiles its own folder).
#pragma once

#include "lims/store/database.hpp"
#include "lims/store/instrument_repository.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

namespace lims::ingest_testing {

inline std::string scratch_dir() {
    std::string pattern = Poco::Path::temp() + "lims-ingest-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a scratch directory under " + Poco::Path::temp());
    return pattern + "/";
}

class IngestWorld {
public:
    IngestWorld() : dir(scratch_dir()) {
        auto opened = store::Database::open("sqlite:" + dir + "lims.db");
        if (!opened) throw std::runtime_error(opened.error().message);
        db = *opened;
        auto migrated = store::migrate(*db, store::builtin_migrations());
        if (!migrated) throw std::runtime_error(migrated.error().message);
        auto ok = db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::OrganisationRepository orgs(tx);
            auto root = orgs.create({"BUREAU", "Municipal bureau", domain::OrganisationKind::bureau, std::nullopt, "310000"},
                                    "test");
            if (!root) return root.error();
            auto lab = orgs.create({"LAB", "Inspection centre", domain::OrganisationKind::inspection_centre, root->id,
                                    "310101"},
                                   "test");
            if (!lab) return lab.error();
            auto other = orgs.create({"LAB2", "Other centre", domain::OrganisationKind::inspection_centre, root->id,
                                      "310104"},
                                     "test");
            if (!other) return other.error();
            lab_id = lab->id;
            lab_path = lab->path;
            other_lab_id = other->id;
            other_lab_path = other->path;
            root_path = root->path;
            store::InstrumentRepository instruments(tx);
            auto analyzer = instruments.create({"AU-CHEM", lab_id, "Chemistry analyzer", "hl7", "tcp_listen", "0.0.0.0:5100", true},
                                               "test");
            if (!analyzer) return analyzer.error();
            instrument_id = analyzer->id;
            // GLU sent in mg/dL is recorded in mmol/L: 1 mg/dL glucose = 0.0555 mmol/L.
            for (const auto& m : {store::TestMappingFields{"GLU", "glucose", "mg/dL", "mmol/L", "0.0555", "0", true},
                                  store::TestMappingFields{"14749-6", "glucose", "mg/dL", "mmol/L", "0.0555", "0", true},
                                  store::TestMappingFields{"ASSAY", "assay", "", "%", "1", "0", true},
                                  store::TestMappingFields{"STER", "sterility", "", "", "1", "0", true}}) {
                auto created = instruments.create_mapping(instrument_id, m, "test");
                if (!created) return created.error();
            }
            return store::Done{};
        });
        if (!ok) throw std::runtime_error(ok.error().message);
        sample_number = register_sample();
    }

    ~IngestWorld() {
        db.reset();
        try {
            Poco::File(dir).remove(true);
        } catch (...) {
        }
    }

    // A sample with two test portions and the tests glucose, assay, sterility (pending).
    std::string register_sample() {
        std::string number;
        auto ok = db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::SampleRepository samples(tx);
            store::NewSample s;
            s.org_id = lab_id;
            s.product_name = "Glucose injection";
            s.batch_number = "B2026";
            s.quantity = "6";
            s.unit = "vial";
            s.sampled_at = "2026-11-20T02:00:00.000Z";
            s.portions = {{domain::PortionKind::test, "2", "vial", std::nullopt},
                          {domain::PortionKind::test, "2", "vial", std::nullopt},
                          {domain::PortionKind::retained, "2", "vial", std::nullopt}};
            auto sample = samples.register_sample(s, "test");
            if (!sample) return sample.error();
            number = sample->number;
            for (const char* code : {"glucose", "assay", "sterility"}) {
                Poco::Int64 sid = sample->id;
                std::string c = code;
                std::string at = tx.now_utc();
                using namespace Poco::Data::Keywords;
                tx.session() << "INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                                "VALUES ($1, $2, 'pending', $3, $3)",
                    bind(sid), bind(c), bind(at), now;
            }
            return store::Done{};
        });
        if (!ok) throw std::runtime_error(ok.error().message);
        return number;
    }

    // Another instrument of the laboratory with its mappings; returns its id.
    std::int64_t add_instrument(const std::string& code, const std::string& family, const std::string& transport,
                                const std::vector<store::TestMappingFields>& mappings) {
        std::int64_t id = 0;
        auto ok = db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            store::InstrumentRepository instruments(tx);
            auto created = instruments.create({code, lab_id, code + " (test)", family, transport, "127.0.0.1:0", true},
                                              "test");
            if (!created) return created.error();
            id = created->id;
            for (const auto& m : mappings) {
                auto mapped = instruments.create_mapping(id, m, "test");
                if (!mapped) return mapped.error();
            }
            return store::Done{};
        });
        if (!ok) throw std::runtime_error(ok.error().message);
        return id;
    }

    // A pending test `test_code` on every sample registered so far.
    void add_test_to_samples(const std::string& test_code) {
        exec("INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) SELECT id, '" + test_code +
             "', 'pending', created_at, created_at FROM samples");
    }

    std::int64_t count(const std::string& sql) {
        Poco::Int64 n = -1;
        auto ok = db->read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            using namespace Poco::Data::Keywords;
            tx.session() << sql, into(n), now;
            return store::Done{};
        });
        if (!ok) throw std::runtime_error(ok.error().message);
        return n;
    }

    std::string text(const std::string& sql) {
        std::string out;
        auto ok = db->read([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            using namespace Poco::Data::Keywords;
            tx.session() << sql, into(out), now;
            return store::Done{};
        });
        if (!ok) throw std::runtime_error(ok.error().message);
        return out;
    }

    void exec(const std::string& sql) {
        auto ok = db->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            tx.session() << sql, Poco::Data::Keywords::now;
            return store::Done{};
        });
        if (!ok) throw std::runtime_error(ok.error().message);
    }

    std::string test_state(const std::string& number, const std::string& code) {
        return text("SELECT t.state FROM tests t JOIN samples s ON s.id = t.sample_id WHERE s.number = '" + number +
                    "' AND t.test_code = '" + code + "'");
    }

    std::string dir;
    std::shared_ptr<store::Database> db;
    std::int64_t lab_id = 0, other_lab_id = 0, instrument_id = 0;
    std::string lab_path, other_lab_path, root_path;
    std::string sample_number;
};

}  // namespace lims::ingest_testing
