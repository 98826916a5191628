// The working-day calendar as the screens need it: which years are loaded (officially or
// provisionally) with the warnings /healthz gives, and where deadlines stand today (the
// local due date, working days left or overdue) counted on that calendar by the service,
// so that no screen counts days itself. No database: the calendar is the service's.
#include "lims/api/route_modules.hpp"

#include "lims/api/json_text.hpp"
#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/calendar/calendar_outlook.hpp"
#include "lims/domain/calendar/deadline_standing.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>

namespace lims::api {

namespace {

// One screen's deadlines in one request: a page of notices or case leads.
constexpr std::size_t kMaxClocks = 200;
// Instants are listed in one query parameter separated by commas (an instant never holds one).
constexpr char kSeparator = ',';

domain::Instant system_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Response calendar_unavailable() {
    return Response::problem(problems::serviceUnavailable("no working-day calendar loaded"));
}

Response calendar_years(const domain::WorkingCalendar& calendar) {
    const auto today = domain::local_date(system_now());
    auto body = newObject();
    body->set("today", domain::format_date(today));
    Poco::JSON::Array::Ptr years = new Poco::JSON::Array;
    for (int year : calendar.years()) {
        auto y = newObject();
        y->set("year", year);
        y->set("status", domain::to_string(domain::status_of(calendar, year)));
        years->add(y);
    }
    body->set("years", years);
    Poco::JSON::Array::Ptr warnings = new Poco::JSON::Array;
    for (const auto& w : domain::calendar_warnings(calendar, today)) {
        auto o = newObject();
        o->set("code", "calendar.year_" + domain::to_string(w.status));  // as /healthz
        o->set("year", w.year);
        o->set("status", domain::to_string(w.status));
        o->set("message", w.message);
        warnings->add(o);
    }
    body->set("warnings", warnings);
    return Response::json(200, body);
}

Response clocks(const domain::WorkingCalendar& calendar, const Request& r) {
    for (const auto& [name, value] : r.query)
        if (name != "due_at")
            return Response::problem(problems::badRequest("query parameter " + name + ": unknown (known: due_at)"));
    const auto param = r.query.find("due_at");
    if (param == r.query.end() || param->second.empty())
        return Response::problem(problems::validation(
            {{"due_at", "required: one or more deadlines (UTC instants such as 2026-02-14T16:00:00Z) separated by commas"}}));
    std::vector<std::string> texts;
    for (std::size_t begin = 0;;) {
        const std::size_t end = param->second.find(kSeparator, begin);
        texts.push_back(param->second.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
        if (end == std::string::npos) break;
        begin = end + 1;
    }
    if (texts.size() > kMaxClocks)
        return Response::problem(problems::validation(
            {{"due_at", "at most " + std::to_string(kMaxClocks) + " deadlines, not " + std::to_string(texts.size())}}));
    std::vector<FieldError> errors;
    std::vector<domain::Instant> instants;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        auto instant = domain::parse_instant(texts[i]);
        if (!instant) {
            errors.push_back({"due_at[" + std::to_string(i) + "]",
                              "\"" + texts[i].substr(0, 40) + "\" is not a UTC instant such as 2026-02-14T16:00:00Z"});
            continue;
        }
        instants.push_back(*instant);
    }
    if (!errors.empty()) return Response::problem(problems::validation(std::move(errors)));

    const auto now = system_now();
    auto body = newObject();
    body->set("as_of", domain::format_instant(now));
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (std::size_t i = 0; i < instants.size(); ++i) {
        auto standing = domain::deadline_standing(calendar, instants[i], now);
        // A deadline the loaded calendar does not reach cannot be counted: the service
        // says so rather than guess (the calendar folder needs that year's file).
        if (!standing) return Response::problem(problems::serviceUnavailable(standing.error().message));
        auto o = newObject();
        o->set("due_at", texts[i]);
        o->set("due_date", domain::format_date(standing->due_date));
        o->set("overdue", standing->overdue);
        o->set("working_days_left", standing->working_days_left);
        o->set("working_days_overdue", standing->working_days_overdue);
        o->set("provisional", standing->provisional);
        items->add(o);
    }
    body->set("items", items);
    return Response::json(200, body);
}

}  // namespace

void add_calendar_routes(Router& router, const RouteContext& context) {
    const domain::WorkingCalendar* calendar = context.calendar;
    router.add({"GET", "/api/v1/calendar", "getCalendar",
                "The working-day calendar years loaded (official or provisional, statutory holidays only) and "
                "the warnings /healthz gives (this year or, from November, next year not officially loaded)",
                AuthRequirement::User, std::nullopt, [calendar](const Request&) {
                    if (!calendar) return calendar_unavailable();
                    return calendar_years(*calendar);
                }, 200, kPeopleRoles});
    router.add({"GET", "/api/v1/calendar/clocks", "getDeadlineClocks",
                "Where deadlines stand today on the working-day calendar: ?due_at=<instant>[,<instant>...] (at most "
                "200) gives each one's local due date (the last day allowed, Beijing time), working days left or "
                "overdue, and whether the count ran through a provisional year",
                AuthRequirement::User, std::nullopt, [calendar](const Request& r) {
                    if (!calendar) return calendar_unavailable();
                    return clocks(*calendar, r);
                }, 200, kPeopleRoles});
}

}  // namespace lims::api
