#include "lims/workflow/ingest/logger_registration.hpp"

#include "lims/store/logger_repository.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/reading_repository.hpp"
#include "lims/workflow/ingest/device_reach.hpp"
#include "lims/workflow/ingest/instruments.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/modbus_map_json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lims::workflow::ingest {

namespace {

// A register map is a few dozen points; a file much larger than this is not one (and
// must not be read into memory on an administrator's say-so).
constexpr std::streamsize kMaxMapFileBytes = 1 << 20;

std::optional<std::string> read_small_file(const std::string& path) {
    // A device or a pipe named by mistake must not block the request.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(static_cast<std::size_t>(kMaxMapFileBytes) + 1, '\0');
    in.read(text.data(), kMaxMapFileBytes + 1);
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

// The names of an in-line map's points in order ("" where a point has none), so that a
// problem can name the request field "register_map.points[<i>].<field>".
std::vector<std::string> point_names(const std::string& map_json) {
    std::vector<std::string> names;
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(map_json).extract<Poco::JSON::Object::Ptr>();
        auto points = root ? root->getArray("points") : nullptr;
        for (std::size_t i = 0; points && i < points->size(); ++i) {
            auto point = points->getObject(static_cast<unsigned>(i));
            names.push_back(point && point->has("name") && point->get("name").isString()
                                ? point->getValue<std::string>("name")
                                : "");
        }
    } catch (const Poco::Exception&) {
        // Not the shape load_modbus_map takes: its own errors say so; fields stay unnamed.
    }
    return names;
}

std::string inline_field(const std::vector<std::string>& names, const protocols::modbus::MapError& e) {
    const std::string field = e.field == "json" ? "" : "." + e.field;
    if (e.point.empty()) return "register_map" + field;
    if (e.point[0] == '#') return "register_map.points[" + e.point.substr(1) + "]" + field;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == e.point) return "register_map.points[" + std::to_string(i) + "]" + field;
    return "register_map" + field;
}

}  // namespace

std::vector<MapProblem> register_map_problems(const store::LoggerPollingFields& f, const drivers::DevicePolicy& policy) {
    std::vector<MapProblem> problems;
    if (f.map_file.empty() == f.map_json.empty()) {
        problems.push_back({"map_file", "give exactly one of map_file and register_map"});
        return problems;
    }
    std::string text;
    if (!f.map_file.empty()) {
        // Nothing outside lims.drivers.map_root is opened, or even looked at.
        auto confined = drivers::confined_path(policy.map_root, drivers::kMapRootKey, f.map_file);
        if (auto* why = std::get_if<std::string>(&confined)) {
            problems.push_back({"map_file", "the register map file " + *why});
            return problems;
        }
        auto read = read_small_file(std::get<std::filesystem::path>(confined).string());
        if (!read) {
            problems.push_back({"map_file", "cannot read " + f.map_file + " on the service's machine (not a readable file)"});
            return problems;
        }
        if (read->size() > static_cast<std::size_t>(kMaxMapFileBytes)) {
            problems.push_back({"map_file", f.map_file + " is larger than " + std::to_string(kMaxMapFileBytes) +
                                                " bytes: not a register map"});
            return problems;
        }
        text = std::move(*read);
    } else {
        text = f.map_json;
    }
    const auto names = point_names(text);
    auto loaded = load_modbus_map(text);
    if (auto* errors = std::get_if<std::vector<protocols::modbus::MapError>>(&loaded)) {
        if (!f.map_file.empty()) {
            // Where each problem is, never what the file says there: a point's name, a
            // value, a parser's excerpt would carry the file's text into the answer.
            problems.push_back({"map_file", f.map_file + " is not a usable register map: " +
                                                map_problem_places(text, *errors) +
                                                " (give the map in-line as register_map to see what is wrong)"});
            return problems;
        }
        for (const auto& e : *errors)
            problems.push_back({inline_field(names, e), (e.point.empty() ? "" : e.point + ": ") + e.message});
        return problems;
    }
    const auto& map = std::get<protocols::modbus::RegisterMap>(loaded);
    if (!f.point.empty()) {
        bool found = false;
        for (const auto& p : map.points) found = found || p.name == f.point;
        if (!found) {
            std::string names;
            for (const auto& p : map.points) names += (names.empty() ? "" : ", ") + p.name;
            problems.push_back({"point", "the register map has no point \"" + f.point + "\"" +
                                             (f.map_file.empty() ? " (it has " + names + ")" : "")});
        }
    } else {
        // The poller takes the first point in degrees Celsius (UCUM "Cel") when none is named.
        bool celsius = false;
        for (const auto& p : map.points) celsius = celsius || p.unit == "Cel";
        if (!celsius) problems.push_back({"point", "the register map has no point in Cel: name the temperature point"});
    }
    return problems;
}

std::vector<MapProblem> polling_problems(const store::LoggerPollingFields& f, const drivers::DevicePolicy& policy) {
    std::vector<MapProblem> problems;
    if (f.transport == "modbus_tcp")
        if (auto why = outgoing_address_problem(policy, f.address); !why.empty()) problems.push_back({"address", why});
    auto map = register_map_problems(f, policy);
    problems.insert(problems.end(), map.begin(), map.end());
    return problems;
}

store::StoreResult<LoggerDetails> logger_details(store::Transaction& tx, std::int64_t logger_id) {
    auto logger = store::LoggerRepository(tx).get(logger_id);
    if (!logger) return logger.error();
    LoggerDetails d;
    d.logger = *logger;
    if (auto org = store::OrganisationRepository(tx).get(logger->org_id)) d.org_code = org->code;
    auto polling = store::LoggerPollingRepository(tx).get(logger_id);
    if (polling) d.polling = *polling;
    else if (polling.error().code != "store.not_found") return polling.error();
    auto placement = store::StorageUnitRepository(tx).current_placement(logger_id);
    if (!placement) return placement.error();
    d.placement = *placement;
    return d;
}

domain::Result<LoggerDetails> register_logger(store::Database& db, const Actor& actor, const LoggerRegistration& r) {
    if (r.polling) {
        auto problems = polling_problems(*r.polling, r.policy);
        if (!problems.empty()) {
            std::string why = "logger " + r.serial + ": polling unusable:";
            for (const auto& p : problems) why += " " + p.field + ": " + p.problem + ";";
            return domain::make_error(kRegisterMapUnusable, why);
        }
    }
    if (r.model.size() > store::kMaxLoggerModel)
        return domain::make_error("store.invalid_argument", "logger " + r.serial + ": model is longer than " +
                                                                std::to_string(store::kMaxLoggerModel) + " bytes");
    return db.write([&](store::Transaction& tx) -> store::StoreResult<LoggerDetails> {
        auto org = organisation_in_jurisdiction(tx, actor, r.org_code);
        if (!org) return org.error();
        auto created = store::ReadingRepository(tx).create_logger(r.serial, r.model, *org, actor.name);
        if (!created) return created.error();
        if (r.polling) {
            auto polled = store::LoggerPollingRepository(tx).put(created->id, std::nullopt, *r.polling, actor.name);
            if (!polled) return polled.error();
        }
        return logger_details(tx, created->id);
    });
}

namespace {

// The logger named in the path, owned by an organisation of the actor's subtree.
domain::Result<domain::Logger> held_logger(store::Transaction& tx, const Actor& actor, std::int64_t logger_id) {
    const auto none = domain::errors::not_found("logger.not_found", "There is no logger " + std::to_string(logger_id) + ".");
    auto logger = store::LoggerRepository(tx).get(logger_id);
    if (!logger) return logger.error().kind == domain::ErrorKind::not_found ? none : logger.error();
    auto held = jurisdiction::holds_organisation(tx, actor, logger->org_id);
    if (!held) return held.error();
    if (!*held) return none;
    return logger;
}

}  // namespace

domain::Result<std::int64_t> logger_organisation(store::Database& db, const Actor& actor, const std::string& org_code) {
    return db.read([&](store::Transaction& tx) { return organisation_in_jurisdiction(tx, actor, org_code); });
}

domain::Result<IdPage<LoggerDetails>> list_loggers(store::Database& db, const Actor& actor, std::int64_t after_id,
                                                   std::size_t limit) {
    return db.read([&](store::Transaction& tx) -> domain::Result<IdPage<LoggerDetails>> {
        // The repository lists by the subtree's path prefix ("" would be everyone's).
        if (!jurisdiction::covers(actor, actor.org_path)) return IdPage<LoggerDetails>{};
        auto rows = store::LoggerRepository(tx).list(actor.org_path, after_id, static_cast<int>(limit) + 1);
        if (!rows) return rows.error();
        auto page = id_page(std::move(*rows), limit, [](const domain::Logger& l) { return l.id; });
        IdPage<LoggerDetails> out{{}, page.next_after_id};
        for (const auto& l : page.items) {
            auto d = logger_details(tx, l.id);
            if (!d) return d.error();
            out.items.push_back(std::move(*d));
        }
        return out;
    });
}

domain::Result<LoggerDetails> find_logger(store::Database& db, const Actor& actor, std::int64_t logger_id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<LoggerDetails> {
        auto held = held_logger(tx, actor, logger_id);
        if (!held) return held.error();
        return logger_details(tx, logger_id);
    });
}

domain::Result<LoggerDetails> update_logger(store::Database& db, const Actor& actor, std::int64_t logger_id,
                                            std::int64_t expected_version, const std::string& model,
                                            const std::string& org_code) {
    return db.write([&](store::Transaction& tx) -> domain::Result<LoggerDetails> {
        auto held = held_logger(tx, actor, logger_id);
        if (!held) return held.error();
        auto org = organisation_in_jurisdiction(tx, actor, org_code);
        if (!org) return org.error();
        auto updated = store::LoggerRepository(tx).update(logger_id, expected_version, model, *org, actor.name);
        if (!updated) return updated.error();
        return logger_details(tx, logger_id);
    });
}

domain::Result<store::LoggerPolling> logger_polling(store::Database& db, const Actor& actor, std::int64_t logger_id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<store::LoggerPolling> {
        auto held = held_logger(tx, actor, logger_id);
        if (!held) return held.error();
        return store::LoggerPollingRepository(tx).get(logger_id);
    });
}

domain::Result<store::LoggerPolling> set_logger_polling(store::Database& db, const Actor& actor,
                                                        std::int64_t logger_id,
                                                        std::optional<std::int64_t> expected_version,
                                                        const store::LoggerPollingFields& polling) {
    return db.write([&](store::Transaction& tx) -> domain::Result<store::LoggerPolling> {
        auto held = held_logger(tx, actor, logger_id);
        if (!held) return held.error();
        return store::LoggerPollingRepository(tx).put(logger_id, expected_version, polling, actor.name);
    });
}

}  // namespace lims::workflow::ingest
