// The table of `lims` subcommands, and the dispatcher main uses. To add a command:
// write `int run_<name>(CommandContext&)` in its own file and add one line to the table
// in commands.cpp (with its declaration next to it).
#pragma once

#include "lims/app/command.hpp"

#include <string>
#include <vector>

namespace lims::app {

const std::vector<Command>& commands();

// Finds the command whose words start `words` (the longest match), runs it with the rest.
int dispatch(CommandContext& context, const std::vector<std::string>& words);

// The text of `lims help`: usage, the command table, global options, exit codes.
std::string help_text();

}  // namespace lims::app
