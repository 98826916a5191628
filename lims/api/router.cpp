#include "lims/api/router.hpp"

#include "lims/api/utf8.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <stdexcept>

namespace lims::api {

bool Principal::hasRole(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

domain::RoleSet roleSetOf(const Principal& principal) {
    domain::RoleSet set;
    for (const auto& name : principal.roles) {
        if (auto role = domain::parse_role(name)) set.add(*role);
    }
    return set;
}

std::string Request::header(const std::string& lowerCaseName) const {
    auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
}

std::optional<std::vector<std::string>> splitPath(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        if (end > start) {
            std::string decoded;
            try {
                Poco::URI::decode(path.substr(start, end - start), decoded);
            } catch (const Poco::Exception&) {
                return std::nullopt;
            }
            if (!utf8::isValid(decoded)) return std::nullopt;
            segments.push_back(std::move(decoded));
        }
        start = end + 1;
    }
    return segments;
}

Router& Router::add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/') {
        throw std::logic_error("route pattern must start with '/': " + route.pattern);
    }
    std::vector<Segment> compiled;
    std::size_t start = 1;
    while (start <= route.pattern.size()) {
        std::size_t end = route.pattern.find('/', start);
        if (end == std::string::npos) end = route.pattern.size();
        std::string seg = route.pattern.substr(start, end - start);
        if (seg.empty()) {
            if (end != route.pattern.size()) throw std::logic_error("empty segment in " + route.pattern);
        } else if (seg.front() == '{') {
            if (seg.back() != '}' || seg.size() < 3) throw std::logic_error("bad parameter in " + route.pattern);
            compiled.push_back({"", seg.substr(1, seg.size() - 2)});
        } else {
            compiled.push_back({seg, ""});
        }
        start = end + 1;
    }
    for (const auto& r : routes_) {
        if (r.method == route.method && r.pattern == route.pattern) {
            throw std::logic_error("duplicate route " + route.method + " " + route.pattern);
        }
        if (r.operationId == route.operationId) {
            throw std::logic_error("duplicate operation id " + route.operationId);
        }
    }
    routes_.push_back(std::move(route));
    compiled_.push_back(std::move(compiled));
    return *this;
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
    RouteMatch result;
    const auto segments = splitPath(path);
    if (!segments) return result;
    // A literal segment beats a parameter ("/users/me" before "/users/{id}"): try every
    // route and keep the one with the most literal segments.
    int bestLiterals = -1;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const auto& pattern = compiled_[i];
        if (pattern.size() != segments->size()) continue;
        std::map<std::string, std::string> params;
        int literals = 0;
        bool ok = true;
        for (std::size_t k = 0; k < pattern.size() && ok; ++k) {
            if (pattern[k].param.empty()) {
                ok = pattern[k].literal == (*segments)[k];
                ++literals;
            } else {
                params[pattern[k].param] = (*segments)[k];
            }
        }
        if (!ok) continue;
        if (routes_[i].method != method) {
            if (std::find(result.allowed.begin(), result.allowed.end(), routes_[i].method) ==
                result.allowed.end()) {
                result.allowed.push_back(routes_[i].method);
            }
            continue;
        }
        if (literals > bestLiterals) {
            bestLiterals = literals;
            result.route = &routes_[i];
            result.index = i;
            result.params = std::move(params);
        }
    }
    if (result.route) result.allowed.clear();
    return result;
}

}  // namespace lims::api
