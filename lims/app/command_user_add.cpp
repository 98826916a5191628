// `lims user add <username> --org <code-or-id> --role <role> [--role ...] [--name "..."]`:
// creates an account, the password read from standard input (one line), never from the
// command line where `ps` and the shell history would keep it. Bootstraps the first
// administrator; later accounts are usually made through the API.
#include "lims/api/auth_service.hpp"
#include "lims/app/store_credentials.hpp"
#include "lims/app/command.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"

#include <Poco/NumberParser.h>

#include <istream>
#include <ostream>

namespace lims::app {

// The organisation's code, given its code or its numeric id; the error names what was given.
domain::Result<std::string> organisation_code(store::Database& db, const std::string& code_or_id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::string> {
        store::OrganisationRepository orgs(tx);
        auto by_code = orgs.get_by_code(code_or_id);
        if (by_code) return by_code->code;
        Poco::Int64 id = 0;
        if (Poco::NumberParser::tryParse64(code_or_id, id)) {
            auto by_id = orgs.get(id);
            if (by_id) return by_id->code;
        }
        return domain::make_error("user.organisation_unknown",
                                  "there is no organisation with code or id \"" + code_or_id + "\" (see `lims org add`)");
    });
}

// One line from `in` without its line ending; empty when there is none.
std::string read_secret_line(std::istream& in) {
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    return line;
}

int run_user_add(CommandContext& context) {
    const auto words = context.positional();
    if (words.size() != 1) {
        context.err << "usage: lims user add <username> --org <code-or-id> --role <role> [--role <role> ...] "
                       "[--name \"Display Name\"]  (password on standard input)\n";
        return exit_usage;
    }
    const auto org = context.option("org");
    const auto roles = context.options("role");
    if (!org || roles.empty()) {
        context.err << "lims: user add needs --org and at least one --role (planner, sampler, receiver, analyst, "
                       "reviewer, signatory, enforcement_officer, bureau_viewer, administrator, ingest_service)\n";
        return exit_usage;
    }
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    if (auto current = store::require_current_schema(*db); !current) {
        context.err << "lims: " << current.error().message << "\n";
        return exit_database;
    }
    auto orgCode = organisation_code(*db, *org);
    if (!orgCode) {
        context.err << "lims: " << orgCode.error().message << "\n";
        return exit_usage;
    }
    const std::string password = read_secret_line(context.in);
    app::StoreCredentials credentials(db, "system:cli");
    api::AuthService auth(credentials);
    api::NewUserAccount account{words.front(), context.option("name").value_or(words.front()), *orgCode, roles, ""};
    auto created = auth.createUser(account, password);
    if (!created) {
        context.err << "lims: cannot add user " << words.front() << ": " << created.error().message << "\n";
        return created.error().code.rfind("store.", 0) == 0 ? exit_database : exit_usage;
    }
    context.out << "user " << words.front() << " (id " << *created << ") added to " << *orgCode << "\n";
    return exit_ok;
}

}  // namespace lims::app
