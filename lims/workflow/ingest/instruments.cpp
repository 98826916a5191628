#include "lims/workflow/ingest/instruments.hpp"

#include "lims/store/organisation_repository.hpp"
#include "lims/workflow/jurisdiction.hpp"

namespace lims::workflow::ingest {

namespace {

domain::Error no_instrument(const std::string& code) {
    return domain::errors::not_found("instrument.not_found", "There is no instrument " + code + ".");
}

domain::Error no_mapping(std::int64_t id) {
    return domain::errors::not_found("instrument.mapping_not_found", "There is no mapping " + std::to_string(id) + ".");
}

// The instrument named in the path, inside the caller's subtree.
domain::Result<store::Instrument> held_instrument(store::Transaction& tx, const Actor& actor, const std::string& code) {
    auto i = store::InstrumentRepository(tx).get_by_code(code);
    if (!i) {
        if (i.error().kind == domain::ErrorKind::not_found) return no_instrument(code);
        return i.error();
    }
    auto held = jurisdiction::holds_organisation(tx, actor, i->org_id);
    if (!held) return held.error();
    if (!*held) return no_instrument(code);
    return i;
}

domain::Result<InstrumentView> view_of(store::Transaction& tx, store::Instrument i) {
    auto org = store::OrganisationRepository(tx).get(i.org_id);
    std::string code = org ? org->code : "";
    return InstrumentView{std::move(i), std::move(code)};
}

domain::Result<store::TestMapping> held_mapping(store::Transaction& tx, const Actor& actor, const std::string& code,
                                                std::int64_t mapping_id) {
    auto i = held_instrument(tx, actor, code);
    if (!i) return i.error();
    auto m = store::InstrumentRepository(tx).get_mapping(mapping_id);
    if (!m) {
        if (m.error().kind == domain::ErrorKind::not_found) return no_mapping(mapping_id);
        return m.error();
    }
    if (m->instrument_id != i->id) return no_mapping(mapping_id);
    return m;
}

}  // namespace

domain::Result<std::int64_t> organisation_in_jurisdiction(store::Transaction& tx, const Actor& actor,
                                                          const std::string& org_code) {
    auto org = store::OrganisationRepository(tx).get_by_code(org_code);
    if (!org && org.error().kind != domain::ErrorKind::not_found) return org.error();
    if (!org || !jurisdiction::covers(actor, org->path))
        return domain::errors::invalid("organisation_code", "organisation_code.not_in_jurisdiction",
                                       "no organisation " + org_code + " in your jurisdiction");
    return org->id;
}

domain::Result<IdPage<InstrumentView>> list_instruments(store::Database& db, const Actor& actor, std::int64_t after_id,
                                                        std::size_t limit) {
    return db.read([&](store::Transaction& tx) -> domain::Result<IdPage<InstrumentView>> {
        // The repository lists by the subtree's path prefix; an actor without one sees nothing.
        if (!jurisdiction::covers(actor, actor.org_path)) return IdPage<InstrumentView>{};
        auto rows = store::InstrumentRepository(tx).list(actor.org_path, after_id, static_cast<int>(limit) + 1);
        if (!rows) return rows.error();
        auto page = id_page(std::move(*rows), limit, [](const store::Instrument& i) { return i.id; });
        IdPage<InstrumentView> out{{}, page.next_after_id};
        for (auto& i : page.items) {
            auto v = view_of(tx, std::move(i));
            if (!v) return v.error();
            out.items.push_back(std::move(*v));
        }
        return out;
    });
}

domain::Result<InstrumentView> find_instrument(store::Database& db, const Actor& actor, const std::string& code) {
    return db.read([&](store::Transaction& tx) -> domain::Result<InstrumentView> {
        auto i = held_instrument(tx, actor, code);
        if (!i) return i.error();
        return view_of(tx, std::move(*i));
    });
}

domain::Result<InstrumentView> register_instrument(store::Database& db, const Actor& actor,
                                                   store::InstrumentFields fields, const std::string& org_code) {
    return db.write([&](store::Transaction& tx) -> domain::Result<InstrumentView> {
        auto org = organisation_in_jurisdiction(tx, actor, org_code);
        if (!org) return org.error();
        fields.org_id = *org;
        auto created = store::InstrumentRepository(tx).create(fields, actor.name);
        if (!created) return created.error();
        return InstrumentView{std::move(*created), org_code};
    });
}

domain::Result<InstrumentView> update_instrument(store::Database& db, const Actor& actor, const std::string& code,
                                                 std::int64_t expected_version, store::InstrumentFields fields,
                                                 const std::string& org_code) {
    return db.write([&](store::Transaction& tx) -> domain::Result<InstrumentView> {
        auto current = held_instrument(tx, actor, code);
        if (!current) return current.error();
        auto org = organisation_in_jurisdiction(tx, actor, org_code);
        if (!org) return org.error();
        fields.org_id = *org;
        auto updated = store::InstrumentRepository(tx).update(current->code, expected_version, fields, actor.name);
        if (!updated) return updated.error();
        return InstrumentView{std::move(*updated), org_code};
    });
}

domain::Result<std::vector<store::TestMapping>> instrument_mappings(store::Database& db, const Actor& actor,
                                                                    const std::string& code) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::vector<store::TestMapping>> {
        auto i = held_instrument(tx, actor, code);
        if (!i) return i.error();
        return store::InstrumentRepository(tx).mappings(i->id);
    });
}

domain::Result<store::TestMapping> add_instrument_mapping(store::Database& db, const Actor& actor,
                                                          const std::string& code,
                                                          const store::TestMappingFields& fields) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::TestMapping> {
        auto i = held_instrument(tx, actor, code);
        if (!i) return i.error();
        return store::InstrumentRepository(tx).create_mapping(i->id, fields, actor.name);
    });
}

domain::Result<store::TestMapping> find_instrument_mapping(store::Database& db, const Actor& actor,
                                                           const std::string& code, std::int64_t mapping_id) {
    return db.read([&](store::Transaction& tx) { return held_mapping(tx, actor, code, mapping_id); });
}

domain::Result<store::TestMapping> update_instrument_mapping(store::Database& db, const Actor& actor,
                                                             const std::string& code, std::int64_t mapping_id,
                                                             std::int64_t expected_version,
                                                             const store::TestMappingFields& fields) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::TestMapping> {
        auto m = held_mapping(tx, actor, code, mapping_id);
        if (!m) return m.error();
        return store::InstrumentRepository(tx).update_mapping(mapping_id, expected_version, fields, actor.name);
    });
}

}  // namespace lims::workflow::ingest
