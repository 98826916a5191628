// What a `lims` subcommand receives and returns. Each subcommand is a function
// `int run_<name>(CommandContext&)` in its own file, listed once in commands.cpp (the
// table `lims help` prints and main dispatches on).
#pragma once

#include "lims/store/database.hpp"

#include <Poco/Logger.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lims::app {

// Exit codes of the executable (documented in `lims help`).
enum ExitCode : int {
    exit_ok = 0,
    exit_verify_failed = 1,  // `audit verify` found a broken chain
    exit_usage = 2,          // unknown command or option, missing argument, no database configured
    exit_database = 3,       // the database cannot be opened, migrated or read
};

// Long-running commands (serve, gateway) call this first, before they start any thread:
// SIGINT, SIGQUIT and SIGTERM are then held in every thread until wait_for_termination
// takes them. A stop asked while the service is still starting is honoured once it is up,
// instead of killing it half-started by the signal's default action.
void hold_termination_signals();

struct CommandContext {
    // Layered: command line (--database, -Dkey=value) over environment (LIMS_DATABASE ->
    // lims.database, LIMS_HTTP_PORT -> lims.http.port, ...) over the --config file.
    Poco::Util::AbstractConfiguration& config;
    Poco::Logger& logger;
    std::vector<std::string> args;  // what follows the command name on the command line
    std::ostream& out;              // results
    std::ostream& err;              // problems, each naming what is wrong
    std::istream& in;               // secrets (a new user's password), never taken from args
    // Blocks until SIGINT/SIGTERM (ServerApplication); for long-running commands like serve.
    std::function<void()> wait_for_termination;

    // "--name=value" or "--name value" among args; nullopt when absent.
    std::optional<std::string> option(const std::string& name) const;
    // Every value of a repeatable option ("--role a --role b"), comma lists split.
    std::vector<std::string> options(const std::string& name) const;
    // Args that are not options (do not start with "--") nor an option's value.
    std::vector<std::string> positional() const;

    // Opens the configured database (lims.database), or reports why not on `err` and
    // returns nullptr with *exit_code set (usage when unset, database when unusable).
    std::shared_ptr<store::Database> open_database(int* exit_code) const;
};

using CommandHandler = int (*)(CommandContext&);

struct Command {
    std::string name;     // one or more words: "migrate", "audit verify"
    std::string summary;  // one line for `lims help`
    CommandHandler run;
};

}  // namespace lims::app
