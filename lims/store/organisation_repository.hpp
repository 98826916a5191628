// Organisations and their tree. The api's administration routes and the jurisdiction
// checks (a user sees their organisation's subtree) call it, inside a Transaction.
#pragma once

#include "lims/domain/model/organisation.hpp"
#include "lims/store/transaction.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lims::store {

struct NewOrganisation {
    std::string code;
    std::string name;
    domain::OrganisationKind kind = domain::OrganisationKind::bureau;
    std::optional<std::int64_t> parent_id;
    std::string region_code;
};

class OrganisationRepository {
public:
    explicit OrganisationRepository(Transaction& tx) : tx_(tx) {}

    // Errors: invalid_argument (bad region code, empty code/name, unknown parent),
    // conflict (code taken). Audited as "organisation.create".
    StoreResult<domain::Organisation> create(const NewOrganisation& org, const std::string& actor);

    StoreResult<domain::Organisation> get(std::int64_t id);
    StoreResult<domain::Organisation> get_by_code(const std::string& code);

    // Renames or (de)activates an organisation: a new version, audited as
    // "organisation.update" with before and after. Errors: not_found, conflict (the
    // version is not `expected_version`), invalid_argument (empty name).
    StoreResult<domain::Organisation> update(std::int64_t id, std::int64_t expected_version, const std::string& name,
                                             bool active, const std::string& actor);

    // The organisation and everything below it, parents before children.
    StoreResult<std::vector<domain::Organisation>> subtree(std::int64_t root_id);

    // Active organisations of one kind anywhere in the tree (the laboratories a shipment may
    // go to), by id after `after_id`, at most `limit` rows (1-501).
    std::vector<domain::Organisation> active_of_kind(domain::OrganisationKind kind, std::int64_t after_id, int limit);

private:
    StoreResult<domain::Organisation> load(const std::string& where, const std::string& key);
    Transaction& tx_;
};

std::string to_json(const domain::Organisation& org);

}  // namespace lims::store
