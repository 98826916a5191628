// `lims token issue --user <username> --scope ingest`: an ingest-only bearer token for a
// gateway or an instrument PC (an account holding the ingest_service role). The token is
// printed once and stored only as its hash; revoke it with the user's tokens. The issue is
// audited (token.issue) naming the operating-system account that ran the command.
#include "lims/api/auth_service.hpp"
#include "lims/app/store_credentials.hpp"
#include "lims/app/command.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/utc_time.hpp"

#include <ostream>

#include <pwd.h>
#include <unistd.h>

namespace lims::app {

namespace {
std::string operating_system_user() {
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
    return "uid " + std::to_string(::geteuid());
}
}  // namespace

int run_token_issue(CommandContext& context) {
    const auto user = context.option("user");
    const auto scope = context.option("scope").value_or("ingest");
    if (!user || !context.positional().empty()) {
        context.err << "usage: lims token issue --user <username> --scope ingest\n";
        return exit_usage;
    }
    if (scope != "ingest") {
        context.err << "lims: only ingest-scoped service tokens are issued here; people get user tokens by logging "
                       "in (POST /api/v1/auth/login)\n";
        return exit_usage;
    }
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    if (auto current = store::require_current_schema(*db); !current) {
        context.err << "lims: " << current.error().message << "\n";
        return exit_database;
    }
    app::StoreCredentials credentials(db, "system:cli");
    auto account = credentials.findUserByUsername(*user);
    if (!account) {
        context.err << "lims: " << account.error().message << "\n";
        return exit_database;
    }
    if (!*account) {
        context.err << "lims: there is no user " << *user << "\n";
        return exit_usage;
    }
    api::AuthService auth(credentials);
    // Audited as token.issue naming whoever ran the command (the operating-system account:
    // the command line has no administrator's login).
    auto issued = auth.issueServiceToken((*account)->id, "system:cli (" + operating_system_user() + ")");
    if (!issued) {
        context.err << "lims: " << issued.problem().detail << "\n";
        return issued.problem().status >= 500 ? exit_database : exit_usage;
    }
    context.out << issued->token << "\n";
    context.err << "ingest token for " << *user << ", expires " << store::format_utc(issued->expiresAt)
                << "; it is shown only this once\n";
    return exit_ok;
}

}  // namespace lims::app
