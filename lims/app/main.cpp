// Entry point of `lims`: splits argv into the global options (for Poco's option parser)
// and the subcommand with its own arguments, then runs the application.
#include "lims/app/application.hpp"
#include "lims/app/command.hpp"

#include <Poco/Exception.h>

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> poco_args{argc > 0 ? argv[0] : "lims"};
    std::vector<std::string> command_words;
    bool in_command = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        // Global options go to Poco wherever they appear; after the command name, anything
        // else (including --port and friends) belongs to the command.
        if (lims::app::LimsApplication::is_global_option(arg)) {
            poco_args.push_back(arg);
            continue;
        }
        if (!in_command && arg.rfind("-", 0) == 0) {
            std::cerr << "lims: unknown option \"" << arg << "\"; see `lims help`\n";
            return lims::app::exit_usage;
        }
        in_command = true;
        command_words.push_back(arg);
    }
    try {
        lims::app::LimsApplication app(std::move(command_words));
        return app.run(poco_args);
    } catch (const Poco::Exception& e) {
        std::cerr << "lims: " << e.displayText() << "\n";
        return lims::app::exit_usage;
    }
}
