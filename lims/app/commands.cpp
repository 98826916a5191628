#include "lims/app/commands.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace lims::app {

// Each handler lives in its own file (command_<name>.cpp).
int run_migrate(CommandContext&);
int run_audit_verify(CommandContext&);
int run_audit_checkpoint(CommandContext&);
int run_audit_seal(CommandContext&);
int run_version(CommandContext&);
int run_help(CommandContext&);
int run_gateway(CommandContext&);
int run_gateway_status(CommandContext&);
int run_gateway_replay(CommandContext&);
int run_serve(CommandContext&);
int run_user_add(CommandContext&);
int run_token_issue(CommandContext&);
int run_org_add(CommandContext&);
int run_calendar_recompute(CommandContext&);
int run_backup(CommandContext&);
int run_restore(CommandContext&);

const std::vector<Command>& commands() {
    static const std::vector<Command> table{
        {"migrate", "apply the schema migrations the database does not have yet", run_migrate},
        {"audit verify", "walk the audit chain; name the first entry that does not match ([--checkpoints FILE --key-file KEY])", run_audit_verify},
        {"audit checkpoint", "sign the audit chain's head with --key-file KEY; print it and append it to --out FILE", run_audit_checkpoint},
        {"audit seal", "seal audit entries committed but not yet in the chain (PostgreSQL, when no node runs)", run_audit_seal},
        {"serve", "serve the HTTP(S) API until SIGINT/SIGTERM (lims.http.*, lims.tls.*, lims.calendar.dir)", run_serve},
        {"org add", "add an organisation: --code --name --kind --region [--parent CODE]", run_org_add},
        {"user add", "add a user: <username> --org CODE --role ROLE [--name NAME]; password on stdin", run_user_add},
        {"token issue", "issue an ingest-scoped service token: --user NAME --scope ingest", run_token_issue},
        {"gateway", "run the drivers with a durable outbox forwarded to --service URL (--token-file --registry --outbox)", run_gateway},
        {"gateway status", "a gateway outbox's counts and the rows the service refused, with its reasons (--outbox)", run_gateway_status},
        {"gateway replay", "send refused outbox rows again once their cause is fixed (--outbox, --all or --id N)", run_gateway_replay},
        {"calendar recompute", "recount open deadlines counted on a provisional year ([--calendar-dir DIR])", run_calendar_recompute},
        {"backup", "copy the SQLite database while it is in use to a new --to FILE, and verify the copy", run_backup},
        {"restore", "replace the SQLite database (not in use) with a verified --from FILE; the old one is kept", run_restore},
        {"version", "print the version of lims, its schema and its libraries", run_version},
        {"help", "print this text", run_help},
    };
    return table;
}

namespace {

std::vector<std::string> split_words(const std::string& name) {
    std::istringstream in(name);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

}  // namespace

int dispatch(CommandContext& context, const std::vector<std::string>& words) {
    const Command* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& c : commands()) {
        auto name = split_words(c.name);
        if (name.size() <= words.size() && name.size() > best_len &&
            std::equal(name.begin(), name.end(), words.begin())) {
            best = &c;
            best_len = name.size();
        }
    }
    if (words.empty()) {
        context.err << help_text();
        return exit_usage;
    }
    if (!best) {
        std::string known;
        for (const auto& c : commands())
            if (split_words(c.name).front() == words.front()) known += (known.empty() ? "" : ", ") + c.name;
        context.err << "lims: unknown command \"" << words.front() << "\""
                    << (known.empty() ? "" : " (did you mean: " + known + "?)") << "; see `lims help`\n";
        return exit_usage;
    }
    context.args.assign(words.begin() + static_cast<std::ptrdiff_t>(best_len), words.end());
    return best->run(context);
}

std::string help_text() {
    std::ostringstream s;
    s << "usage: lims [global options] <command> [arguments]\n\ncommands:\n";
    std::size_t width = 0;
    for (const auto& c : commands()) width = std::max(width, c.name.size());
    for (const auto& c : commands()) s << "  " << c.name << std::string(width + 3 - c.name.size(), ' ') << c.summary << "\n";
    s << "\nglobal options:\n"
         "    --config=FILE       configuration file (.properties, .ini, .json or .xml)\n"
         "    --database=URL      sqlite:/path/lims.db or postgresql:host=... dbname=...\n"
         "    --define=KEY=VALUE  set any configuration key (also -DKEY=VALUE)\n"
         "    --log-level=LEVEL   fatal, error, warning, notice, information, debug, trace\n"
         "    --log-file=PATH     also log to this file\n"
         "    --daemon, --pidfile=PATH   run in the background (long-running commands)\n"
         "\nconfiguration keys: lims.database, lims.log.level, lims.log.file, lims.http.host,\n"
         "lims.http.port, lims.http.threads, lims.tls.certificate, lims.tls.key, lims.calendar.dir; the environment\n"
         "overrides the file (LIMS_DATABASE, LIMS_LOG_LEVEL, ...: LIMS_A_B sets lims.a.b),\n"
         "and the command line overrides both.\n"
         "\nexit codes: 0 ok, 1 audit chain broken, 2 usage, 3 database error\n";
    return s.str();
}

int run_help(CommandContext& context) {
    context.out << help_text();
    return exit_ok;
}

}  // namespace lims::app
