// `lims org add --code <code> --name <name> --kind <kind> --region <6 digits> [--parent <code>]`:
// adds an organisation to the tree, for bootstrapping before the first administrator can
// use the API (the demo script and a fresh installation).
#include "lims/app/command.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"

#include <ostream>

namespace lims::app {

int run_org_add(CommandContext& context) {
    const auto code = context.option("code");
    const auto name = context.option("name");
    const auto kindText = context.option("kind");
    const auto region = context.option("region");
    if (!code || !name || !kindText || !region || !context.positional().empty()) {
        context.err << "usage: lims org add --code <code> --name <name> --kind "
                       "bureau|supervision_office|inspection_centre|enforcement_unit --region <GB/T 2260 code> "
                       "[--parent <code>]\n";
        return exit_usage;
    }
    const auto kind = domain::organisation_kind_from(*kindText);
    if (!kind) {
        context.err << "lims: unknown organisation kind \"" << *kindText
                    << "\" (bureau, supervision_office, inspection_centre, enforcement_unit)\n";
        return exit_usage;
    }
    int exit = exit_ok;
    auto db = context.open_database(&exit);
    if (!db) return exit;
    if (auto current = store::require_current_schema(*db); !current) {
        context.err << "lims: " << current.error().message << "\n";
        return exit_database;
    }
    const auto parentCode = context.option("parent");
    auto created = db->write([&](store::Transaction& tx) -> store::StoreResult<domain::Organisation> {
        store::OrganisationRepository orgs(tx);
        store::NewOrganisation org{*code, *name, *kind, std::nullopt, *region};
        if (parentCode) {
            auto parent = orgs.get_by_code(*parentCode);
            if (!parent) return store::store_error(store::StoreErrorKind::invalid_argument,
                                                   "there is no parent organisation " + *parentCode);
            org.parent_id = parent->id;
        }
        return orgs.create(org, "system:cli");
    });
    if (!created) {
        context.err << "lims: cannot add organisation " << *code << ": " << created.error().message << "\n";
        const auto k = store::kind_of(created.error());
        return k == store::StoreErrorKind::invalid_argument || k == store::StoreErrorKind::conflict ? exit_usage
                                                                                                    : exit_database;
    }
    context.out << "organisation " << created->code << " (id " << created->id << ", path " << created->path
                << ") added\n";
    return exit_ok;
}

}  // namespace lims::app
