// The `lims` executable: a Poco ServerApplication that layers its configuration (file,
// environment, command line), sets up logging channels and runs one subcommand from the
// table in commands.cpp. main.cpp makes it; nothing else does.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace lims::app {

class LimsApplication : public Poco::Util::ServerApplication {
public:
    // command_words: the subcommand and its arguments, taken out of argv by main so that
    // Poco's option parser only sees the global options.
    explicit LimsApplication(std::vector<std::string> command_words);

    // Names of the global options (without "--"); main passes only these to Poco.
    static bool is_global_option(const std::string& arg);

protected:
    void initialize(Poco::Util::Application& self) override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    int main(const std::vector<std::string>& args) override;

private:
    void handle_config(const std::string& name, const std::string& value);
    void handle_set(const std::string& name, const std::string& value);
    void handle_define(const std::string& name, const std::string& value);
    void handle_help(const std::string& name, const std::string& value);
    void add_environment_layer();
    void setup_logging();

    std::vector<std::string> command_words_;
    bool help_requested_ = false;
    bool usage_error_ = false;
    std::string usage_message_;
};

}  // namespace lims::app
