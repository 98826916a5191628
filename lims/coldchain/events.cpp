#include "lims/coldchain/events.hpp"

#include <cstdio>

namespace lims::coldchain {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string str(std::int64_t v) { return std::to_string(v); }

}  // namespace

std::string_view to_string(RangeSide s) { return s == RangeSide::above ? "above" : "below"; }

std::string_view to_string(ReadingIssue issue) {
    switch (issue) {
        case ReadingIssue::unknown_logger: return "reading.unknown_logger";
        case ReadingIssue::implausible_temperature: return "reading.implausible_temperature";
        case ReadingIssue::time_in_future: return "reading.time_in_future";
        case ReadingIssue::time_too_old: return "reading.time_too_old";
        case ReadingIssue::duplicate: return "reading.duplicate";
        case ReadingIssue::conflicting_duplicate: return "reading.conflicting_duplicate";
        case ReadingIssue::out_of_order: return "reading.out_of_order";
    }
    return "reading.unknown_issue";
}

std::string_view to_string(ExcursionEnd e) {
    switch (e) {
        case ExcursionEnd::returned_to_range: return "returned_to_range";
        case ExcursionEnd::record_gap: return "record_gap";
        case ExcursionEnd::end_of_record: return "end_of_record";
    }
    return "unknown";
}

std::string describe(const Event& event) {
    return std::visit(
        Overloaded{
            [](const AlarmRaised& e) {
                return "alarm_raised " + e.logger + " at=" + str(e.at) + " since=" + str(e.since) + " " +
                       std::string(to_string(e.side)) + " t=" + str(e.temperature);
            },
            [](const AlarmCleared& e) {
                return "alarm_cleared " + e.logger + " at=" + str(e.at) + " " + std::string(to_string(e.side));
            },
            [](const ExcursionOpened& e) {
                return "excursion_opened " + e.logger + " " + e.rule + " at=" + str(e.at) + " start=" + str(e.start);
            },
            [](const ExcursionClosed& e) {
                const Excursion& x = e.excursion;
                char mkt[32];
                std::snprintf(mkt, sizeof mkt, "%.3f", x.mkt_celsius);
                return "excursion_closed " + e.logger + " " + x.rule + " at=" + str(e.at) + " " + str(x.start) +
                       ".." + str(x.end) + " min=" + str(x.minimum) + " max=" + str(x.maximum) +
                       " out=" + str(x.time_out_of_range) + " n=" + str(x.readings) + " mkt=" + mkt + " " +
                       std::string(to_string(x.ended_by));
            },
            [](const WentOffline& e) {
                return "went_offline " + e.logger + " at=" + str(e.at) + " last_seen=" + str(e.last_seen);
            },
            [](const CameOnline& e) { return "came_online " + e.logger + " at=" + str(e.at); },
            [](const SensorFaultRaised& e) { return "sensor_fault " + e.logger + " at=" + str(e.at); },
            [](const SensorFaultCleared& e) { return "sensor_fault_cleared " + e.logger + " at=" + str(e.at); },
            [](const ReadingRejected& e) {
                return "reading_rejected " + e.logger + " at=" + str(e.at) + " " + std::string(to_string(e.reason));
            },
            [](const ReadingFlagged& e) {
                return "reading_flagged " + e.logger + " at=" + str(e.at) + " " + std::string(to_string(e.reason));
            },
        },
        event);
}

}  // namespace lims::coldchain
