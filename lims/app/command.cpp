#include "lims/app/command.hpp"

#include <Poco/NumberParser.h>

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
    // lims.db.pool: the sessions this process keeps open at most (each node of a cluster
    // its own; the server's max_connections must cover them all).
    store::DatabaseOptions options;
    const std::string poolText = config.getString("lims.db.pool", std::to_string(options.max_sessions));
    Poco::Int64 pool = 0;
    if (!Poco::NumberParser::tryParse64(poolText, pool) || pool < 1 || pool > 1024) {
        err << "lims: lims.db.pool must be a number of sessions from 1 to 1024, got \"" << poolText << "\"\n";
        *exit_code = exit_usage;
        return nullptr;
    }
    options.max_sessions = static_cast<std::size_t>(pool);
    auto db = store::Database::open(url, options);
    if (!db) {
        err << "lims: " << db.error().message << "\n";
        *exit_code = store::kind_of(db.error()) == store::StoreErrorKind::invalid_url ? exit_usage : exit_database;
        return nullptr;
    }
    logger.debug("opened %s database %s", std::string(store::to_string((*db)->dialect())), (*db)->display_name());
    return *db;
}

}  // namespace lims::app
