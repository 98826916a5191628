// The instrument registry: validation naming the field, unique codes, optimistic
// versions, mappings with exact decimal factors, audit entries.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

namespace lims::store {
namespace {

using ingest_testing::IngestWorld;

template <typename Work>
auto in_tx(IngestWorld& world, Work work) {
    return world.db->write([&](Transaction& tx) { return work(InstrumentRepository(tx)); });
}

TEST(IngestRegistry, CreateValidatesEveryField) {
    IngestWorld world;
    struct Case {
        InstrumentFields fields;
        const char* names;
    } cases[] = {
        {{"", world.lab_id, "n", "astm", "serial", "/dev/ttyS0", true}, "code"},
        {{"X1", world.lab_id, "", "astm", "serial", "/dev/ttyS0", true}, "name"},
        {{"X1", world.lab_id, "n", "dicom", "serial", "/dev/ttyS0", true}, "dicom"},
        {{"X1", world.lab_id, "n", "astm", "pigeon", "/dev/ttyS0", true}, "pigeon"},
        {{"X1", 9999, "n", "astm", "serial", "/dev/ttyS0", true}, "9999"},
    };
    for (const auto& c : cases) {
        auto created = in_tx(world, [&](InstrumentRepository repo) { return repo.create(c.fields, "admin"); });
        ASSERT_FALSE(created.ok()) << c.names;
        EXPECT_EQ(kind_of(created.error()), StoreErrorKind::invalid_argument);
        EXPECT_NE(created.error().message.find(c.names), std::string::npos) << created.error().message;
    }
    auto taken = in_tx(world, [&](InstrumentRepository repo) {
        return repo.create({"AU-CHEM", world.lab_id, "again", "hl7", "tcp_listen", "", true}, "admin");
    });
    ASSERT_FALSE(taken.ok());
    EXPECT_EQ(kind_of(taken.error()), StoreErrorKind::conflict);
}

TEST(IngestRegistry, UpdateIsOptimisticAndAudited) {
    IngestWorld world;
    auto updated = in_tx(world, [&](InstrumentRepository repo) {
        return repo.update("AU-CHEM", 1, {"AU-CHEM", world.lab_id, "Chemistry 2", "hl7", "tcp_connect", "10.0.0.7:4001", true},
                           "admin");
    });
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ(updated->version, 2);
    EXPECT_EQ(updated->transport, "tcp_connect");
    auto stale = in_tx(world, [&](InstrumentRepository repo) {
        return repo.update("AU-CHEM", 1, {"AU-CHEM", world.lab_id, "Chemistry 3", "hl7", "tcp_connect", "", true}, "admin");
    });
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(kind_of(stale.error()), StoreErrorKind::conflict);
    EXPECT_NE(stale.error().message.find("version 2"), std::string::npos);
    auto renamed = in_tx(world, [&](InstrumentRepository repo) {
        return repo.update("AU-CHEM", 2, {"AU-NEW", world.lab_id, "n", "hl7", "tcp_connect", "", true}, "admin");
    });
    ASSERT_FALSE(renamed.ok());
    EXPECT_EQ(kind_of(renamed.error()), StoreErrorKind::invalid_argument);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'instrument.update'"), 1);
    EXPECT_EQ(world.count("SELECT count(*) FROM audit_log WHERE action = 'instrument.create'"), 1);
}

TEST(IngestRegistry, MappingsValidateTheirConversion) {
    IngestWorld world;
    for (auto fields : {TestMappingFields{"", "t", "", "", "1", "0", true},
                        TestMappingFields{"C", "", "", "", "1", "0", true},
                        TestMappingFields{"C", "t", "a", "b", "x1", "0", true},
                        TestMappingFields{"C", "t", "a", "b", "0", "0", true},
                        TestMappingFields{"C", "t", "a", "b", "2", "zero", true},
                        TestMappingFields{"C", "t", "", "b", "2", "0", true}}) {
        auto created = in_tx(world, [&](InstrumentRepository repo) {
            return repo.create_mapping(world.instrument_id, fields, "admin");
        });
        ASSERT_FALSE(created.ok()) << fields.factor;
        EXPECT_EQ(kind_of(created.error()), StoreErrorKind::invalid_argument);
    }
    auto duplicate = in_tx(world, [&](InstrumentRepository repo) {
        return repo.create_mapping(world.instrument_id, {"GLU", "glucose", "", "", "1", "0", true}, "admin");
    });
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(kind_of(duplicate.error()), StoreErrorKind::conflict);
    auto list = in_tx(world, [&](InstrumentRepository repo) { return repo.mappings(world.instrument_id); });
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 4u);
    const auto glu = list->front();
    auto retired = in_tx(world, [&](InstrumentRepository repo) {
        return repo.update_mapping(glu.id, glu.version, {"GLU", "glucose", "mg/dL", "mmol/L", "0.0555", "0", false},
                                   "admin");
    });
    ASSERT_TRUE(retired.ok()) << retired.error().message;
    auto found = in_tx(world, [&](InstrumentRepository repo) { return repo.find_mapping(world.instrument_id, "GLU"); });
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(kind_of(found.error()), StoreErrorKind::not_found);
}

TEST(IngestRegistry, ListsByJurisdiction) {
    IngestWorld world;
    ASSERT_TRUE(in_tx(world, [&](InstrumentRepository repo) {
                    return repo.create({"HPLC-9", world.other_lab_id, "HPLC", "csv", "file_drop", "/srv/drop", true}, "admin");
                }).ok());
    auto mine = in_tx(world, [&](InstrumentRepository repo) { return repo.list(world.lab_path, 0, 50); });
    ASSERT_TRUE(mine.ok());
    ASSERT_EQ(mine->size(), 1u);
    EXPECT_EQ(mine->front().code, "AU-CHEM");
    auto all = in_tx(world, [&](InstrumentRepository repo) { return repo.list(world.root_path, 0, 50); });
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 2u);
    auto after = in_tx(world, [&](InstrumentRepository repo) { return repo.list(world.root_path, all->front().id, 50); });
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->size(), 1u);
    EXPECT_EQ(after->front().code, "HPLC-9");
}

}  // namespace
}  // namespace lims::store
