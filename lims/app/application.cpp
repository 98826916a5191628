#include "lims/app/application.hpp"

#include "lims/app/commands.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>
#include <Poco/String.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>
#include <Poco/Util/OptionSet.h>

#include <pthread.h>

#include <csignal>

#include <iostream>

extern char** environ;

namespace lims::app {

namespace {

// Between the command line (PRIO_APPLICATION, -100) and the configuration file
// (PRIO_DEFAULT, 0): the environment overrides the file, the command line overrides both.
constexpr int environment_priority = -50;
constexpr std::string_view environment_prefix = "LIMS_";

const char* const global_options[] = {"help", "config", "database", "define", "log-level", "log-file",
                                      "daemon", "pidfile", "umask"};

}  // namespace

LimsApplication::LimsApplication(std::vector<std::string> command_words) : command_words_(std::move(command_words)) {
    setUnixOptions(true);
}

bool LimsApplication::is_global_option(const std::string& arg) {
    if (arg == "-h") return true;
    if (arg.rfind("-D", 0) == 0 && arg.size() > 2) return true;
    if (arg.rfind("--", 0) != 0) return false;
    const std::string name = arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
    for (const char* g : global_options)
        if (name == g) return true;
    return false;
}

void LimsApplication::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    using Poco::Util::Option;
    using Poco::Util::OptionCallback;
    options.addOption(Option("help", "h", "print the commands and options")
                          .required(false)
                          .repeatable(false)
                          .callback(OptionCallback<LimsApplication>(this, &LimsApplication::handle_help)));
    options.addOption(Option("config", "", "configuration file")
                          .required(false)
                          .repeatable(false)
                          .argument("FILE")
                          .callback(OptionCallback<LimsApplication>(this, &LimsApplication::handle_config)));
    options.addOption(Option("database", "", "database URL")
                          .required(false)
                          .repeatable(false)
                          .argument("URL")
                          .callback(OptionCallback<LimsApplication>(this, &LimsApplication::handle_set)));
    options.addOption(Option("log-level", "", "log level")
                          .required(false)
                          .repeatable(false)
                          .argument("LEVEL")
                          .callback(OptionCallback<LimsApplication>(this, &LimsApplication::handle_set)));
    options.addOption(Option("log-file", "", "log file")
                          .required(false)
                          .repeatable(false)
                          .argument("PATH")
                          .callback(OptionCallback<LimsApplication>(this, &LimsApplication::handle_set)));
    options.addOption(Option("define", "D", "set a configuration key")
                          .required(false)
                          .repeatable(true)
                          .argument("KEY=VALUE")
                          .callback(OptionCallback<LimsApplication>(this, &LimsApplication::handle_define)));
}

void LimsApplication::handle_help(const std::string&, const std::string&) {
    help_requested_ = true;
    stopOptionsProcessing();
}

void LimsApplication::handle_config(const std::string&, const std::string& value) {
    if (!Poco::File(value).exists()) {
        usage_error_ = true;
        usage_message_ = "configuration file " + value + " does not exist";
        return;
    }
    try {
        loadConfiguration(value, PRIO_DEFAULT);
    } catch (const Poco::Exception& e) {
        usage_error_ = true;
        usage_message_ = "cannot read configuration file " + value + ": " + e.displayText();
    }
}

void LimsApplication::handle_set(const std::string& name, const std::string& value) {
    if (name == "database") config().setString("lims.database", value);
    if (name == "log-level") config().setString("lims.log.level", value);
    if (name == "log-file") config().setString("lims.log.file", value);
}

void LimsApplication::handle_define(const std::string&, const std::string& value) {
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0) {
        usage_error_ = true;
        usage_message_ = "--define needs KEY=VALUE, got \"" + value + "\"";
        return;
    }
    config().setString(value.substr(0, eq), value.substr(eq + 1));
}

void LimsApplication::add_environment_layer() {
    Poco::AutoPtr<Poco::Util::MapConfiguration> env(new Poco::Util::MapConfiguration);
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq == std::string::npos || entry.rfind(environment_prefix, 0) != 0) continue;
        std::string key = Poco::toLower(entry.substr(0, eq));
        for (auto& c : key)
            if (c == '_') c = '.';
        env->setString(key, entry.substr(eq + 1));  // LIMS_HTTP_PORT -> lims.http.port
    }
    config().add(env, environment_priority);
}

void LimsApplication::setup_logging() {
    Poco::AutoPtr<Poco::SplitterChannel> splitter(new Poco::SplitterChannel);
    Poco::AutoPtr<Poco::PatternFormatter> pattern(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
    Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel(std::clog));
    splitter->addChannel(new Poco::FormattingChannel(pattern, console));
    const std::string file = config().getString("lims.log.file", "");
    if (!file.empty()) {
        Poco::AutoPtr<Poco::FileChannel> file_channel(new Poco::FileChannel(file));
        file_channel->setProperty("rotation", config().getString("lims.log.rotation", "10 M"));
        file_channel->setProperty("archive", "timestamp");
        file_channel->setProperty("purgeCount", config().getString("lims.log.keep", "10"));
        splitter->addChannel(new Poco::FormattingChannel(pattern, file_channel));
    }
    Poco::Logger::root().setChannel(splitter);
    try {
        Poco::Logger::root().setLevel(config().getString("lims.log.level", "information"));
    } catch (const Poco::Exception&) {
        usage_error_ = true;
        usage_message_ = "unknown log level \"" + config().getString("lims.log.level") +
                         "\" (fatal, error, warning, notice, information, debug, trace)";
    }
    logger().setChannel(splitter);
    logger().setLevel(Poco::Logger::root().getLevel());
}

void LimsApplication::initialize(Poco::Util::Application& self) {
    add_environment_layer();
    ServerApplication::initialize(self);
    setup_logging();
}

void hold_termination_signals() {
    // The same set Poco's ServerApplication::waitForTerminationRequest blocks and waits for.
    sigset_t held;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGQUIT);
    sigaddset(&held, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &held, nullptr);
}

int LimsApplication::main(const std::vector<std::string>& args) {
    if (usage_error_) {
        std::cerr << "lims: " << usage_message_ << "\n";
        return exit_usage;
    }
    if (help_requested_) {
        std::cout << help_text();
        return exit_ok;
    }
    std::vector<std::string> words = args;  // positional leftovers Poco did not consume
    words.insert(words.end(), command_words_.begin(), command_words_.end());
    CommandContext context{config(), logger(), {}, std::cout, std::cerr, std::cin, [this] { waitForTerminationRequest(); }};
    try {
        return dispatch(context, words);
    } catch (const Poco::Exception& e) {
        std::cerr << "lims: " << e.displayText() << "\n";
        return exit_database;
    } catch (const std::exception& e) {
        std::cerr << "lims: " << e.what() << "\n";
        return exit_database;
    }
}

}  // namespace lims::app
