#include "lims/app/command.hpp"

#include <ostream>

namespace lims::app {

std::optional<std::string> CommandContext::option(const std::string& name) const {
    const std::string flag = "--" + name;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
        if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
    }
    return std::nullopt;
}

std::vector<std::string> CommandContext::options(const std::string& name) const {
    const std::string flag = "--" + name;
    std::vector<std::string> out;
    auto split = [&out](const std::string& list) {
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t comma = list.find(',', start);
            if (comma == std::string::npos) comma = list.size();
            if (comma > start) out.push_back(list.substr(start, comma - start));
            start = comma + 1;
        }
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == flag && i + 1 < args.size()) split(args[++i]);
        else if (args[i].rfind(flag + "=", 0) == 0) split(args[i].substr(flag.size() + 1));
    }
    return out;
}

std::vector<std::string> CommandContext::positional() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a.rfind("--", 0) == 0) {
            // "--name value": the value belongs to the option.
            if (a.find('=') == std::string::npos && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) ++i;
            continue;
        }
        out.push_back(a);
    }
    return out;
}

std::shared_ptr<store::Database> CommandContext::open_database(int* exit_code) const {
    const std::string url = config.getString("lims.database", "");
    if (url.empty()) {
        err << "lims: no database configured: set LIMS_DATABASE, lims.database in the --config file, or "
               "--database=URL (e.g. sqlite:/var/lib/lims/lims.db)\n";
        *exit_code = exit_usage;
        return nullptr;
    }
    auto db = store::Database::open(url);
    if (!db) {
        err << "lims: " << db.error().message << "\n";
        *exit_code = store::kind_of(db.error()) == store::StoreErrorKind::invalid_url ? exit_usage : exit_database;
        return nullptr;
    }
    logger.debug("opened %s database %s", std::string(store::to_string((*db)->dialect())), (*db)->display_name());
    return *db;
}

}  // namespace lims::app
