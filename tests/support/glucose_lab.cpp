#include "glucose_lab.hpp"

#include "lims/store/instrument_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/sample_repository.hpp"
#include "lims/store/transaction.hpp"

#include <stdexcept>

namespace lims::test {

std::vector<std::string> seed_glucose_lab(store::Database& db, const std::string& lab_code,
                                          const std::vector<GlucoseInstrument>& instruments, int samples,
                                          const std::string& batch_prefix) {
    std::vector<std::string> numbers;
    auto done = db.write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
        auto lab = store::OrganisationRepository(tx).get_by_code(lab_code);
        if (!lab) return lab.error();
        store::InstrumentRepository repository(tx);
        for (const auto& i : instruments) {
            store::InstrumentFields f;
            f.code = i.code;
            f.org_id = lab->id;
            f.name = "Chemistry analyzer (" + i.family + ")";
            f.family = i.family;
            f.transport = "tcp_listen";
            f.address = i.address;
            f.options_json = i.options_json;
            f.active = true;  // a retired instrument's messages are refused
            auto instrument = repository.create(f, "test");
            if (!instrument) return instrument.error();
            store::TestMappingFields m;
            m.instrument_test_code = "GLU";
            m.test_code = "glucose";
            m.result_unit = "mmol/L";
            if (auto mapped = repository.create_mapping(instrument->id, m, "test"); !mapped) return mapped.error();
        }
        store::SampleRepository sample_repository(tx);
        for (int n = 0; n < samples; ++n) {
            store::NewSample s;
            s.org_id = lab->id;
            s.product_name = "Glucose injection";
            s.batch_number = batch_prefix + std::to_string(n);
            s.quantity = "6";
            s.unit = "vial";
            s.sampled_at = "2026-11-20T02:00:00.000Z";
            s.portions = {{domain::PortionKind::test, "2", "vial", std::nullopt},
                          {domain::PortionKind::retained, "2", "vial", std::nullopt}};
            auto sample = sample_repository.register_sample(s, "test");
            if (!sample) return sample.error();
            numbers.push_back(sample->number);
            using namespace Poco::Data::Keywords;
            Poco::Int64 sid = sample->id;
            std::string at = tx.now_utc();
            tx.session() << "INSERT INTO tests (sample_id, test_code, state, created_at, updated_at) "
                            "VALUES ($1, 'glucose', 'pending', $2, $2)",
                bind(sid), bind(at), now;
        }
        return store::Done{};
    });
    if (!done) throw std::runtime_error("seeding the laboratory: " + done.error().message);
    return numbers;
}

}  // namespace lims::test
