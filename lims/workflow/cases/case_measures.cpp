// Risk-control measures of a case (风险控制措施): suspension of sale or use, recall, and
// seizure (查封扣押) with the term by whose end the seized goods are decided on (cases.hpp).
#include "lims/workflow/cases/case_change.hpp"
#include "lims/workflow/cases/cases.hpp"

#include "lims/domain/calendar/case_clocks.hpp"
#include "lims/workflow/store_time.hpp"

#include <algorithm>
#include <array>

namespace lims::workflow::cases {

namespace {

constexpr std::array<std::string_view, 4> kKinds{"suspend_sale", "suspend_use", "recall", "seizure"};

domain::Result<store::CaseMeasure*> measure_of(store::CaseRecord& c, std::int64_t id) {
    for (auto& m : c.measures)
        if (m.id == id) return &m;
    return domain::errors::not_found("case.measure_not_found",
                                     "case " + c.number + " has no measure " + std::to_string(id));
}


// A seizure not yet ended, for a change of its term.
domain::Result<store::CaseMeasure*> running_seizure(store::CaseRecord& c, std::int64_t id) {
    auto m = measure_of(c, id);
    if (!m) return m.error();
    if ((*m)->kind != "seizure")
        return domain::errors::conflict("case.not_a_seizure", "measure " + std::to_string(id) + " is " + (*m)->kind +
                                                                  ": only a seizure has a term that stands");
    if ((*m)->ended_at)
        return domain::errors::conflict("case.measure_ended",
                                        "measure " + std::to_string(id) + " ended on " + *(*m)->ended_at);
    return *m;
}

}  // namespace

domain::Result<store::CaseRecord> add_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                              const std::string& number, std::int64_t version, const NewMeasure& measure,
                                              const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        if (std::find(kKinds.begin(), kKinds.end(), measure.kind) == kKinds.end())
            return domain::errors::invalid("kind", "kind.unknown",
                                           "\"" + measure.kind + "\" is not suspend_sale, suspend_use, recall or seizure");
        const bool seizure = measure.kind == "seizure";
        if (seizure && measure.document_number.empty())
            return domain::errors::invalid("document_number", "document_number.required",
                                           "a seizure needs the number of its 查封扣押决定书");
        if (detail::decided(c))
            return domain::errors::conflict("case.decided", "case " + c.number + " is decided: no new measure");
        auto at = detail::instant_of(tx, measure.started_at, "started_at", c.filed_at, "the filing");
        if (!at) return at.error();
        store::CaseMeasure m;
        m.id = static_cast<std::int64_t>(c.measures.size()) + 1;
        m.kind = measure.kind;
        m.started_at = store_time(*at);
        m.scope = measure.scope;
        m.document_number = measure.document_number;
        m.recorded_by = actor.name;
        if (seizure) {
            if (auto ok = detail::count_seizure(m, calendar); !ok) return ok.error();
        }
        c.measures.push_back(m);
        return detail::Change{"case.measure", measure.kind + " #" + std::to_string(m.id) +
                                                  (measure.scope.empty() ? "" : ": " + measure.scope)};
    });
}

domain::Result<store::CaseRecord> extend_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                                 const std::string& number, std::int64_t version, std::int64_t measure_id,
                                                 const ExtensionRequest& request, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        auto m = measure_of(c, measure_id);
        if (!m) return m.error();
        if ((*m)->kind != "seizure")
            return domain::errors::conflict("case.not_a_seizure", "measure " + std::to_string(measure_id) + " is " +
                                                                      (*m)->kind + ": only a seizure's term is extended");
        if ((*m)->ended_at)
            return domain::errors::conflict("case.measure_ended", "measure " + std::to_string(measure_id) +
                                                                      " ended on " + *(*m)->ended_at);
        if ((*m)->extended_at)
            return domain::errors::conflict("case.extension_used",
                                            "the seizure was extended once already (行政强制法 第二十五条)");
        if (request.reason.empty())
            return domain::errors::invalid("reason", "case.extension_reason", "an extension needs its reason");
        if (request.approver.empty())
            return domain::errors::invalid("approver", "case.extension_approver",
                                           "an extension needs the head who approved it (行政强制法 第二十五条)");
        auto at = detail::instant_of(tx, std::nullopt, "at", (*m)->started_at, "the seizure");
        if (!at) return at.error();
        (*m)->extended_at = store_time(*at);
        (*m)->extension_reason = request.reason;
        (*m)->extension_approver = request.approver;
        if (auto ok = detail::count_seizure(**m, calendar); !ok) return ok.error();
        return detail::Change{"case.measure_extend",
                              "seizure #" + std::to_string(measure_id) + ": " + request.reason + "; approved: " +
                                  request.approver};
    });
}

domain::Result<store::CaseRecord> pause_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                                const std::string& number, std::int64_t version, std::int64_t measure_id,
                                                const PauseRequest& request, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        if (!domain::clock_pause_reason_from(request.reason))
            return domain::errors::invalid("reason", "reason.unknown",
                                           "\"" + request.reason +
                                               "\" is not testing, inspection, quarantine or expert_opinion (技术鉴定)");
        auto m = running_seizure(c, measure_id);
        if (!m) return m.error();
        auto& pauses = (*m)->pauses;
        if (!pauses.empty() && !pauses.back().ended_at)
            return domain::errors::conflict("case.measure_paused", "the term of seizure #" + std::to_string(measure_id) +
                                                                       " already stands since " + pauses.back().started_at);
        const std::string floor = pauses.empty() ? (*m)->started_at : *pauses.back().ended_at;
        auto at = detail::instant_of(tx, request.at, "at", floor,
                                     pauses.empty() ? "the seizure" : "the end of the last pause");
        if (!at) return at.error();
        pauses.push_back({request.reason, request.note, store_time(*at), std::nullopt, actor.name, std::nullopt});
        if (auto ok = detail::count_seizure(**m, calendar); !ok) return ok.error();
        return detail::Change{"case.measure_pause", "seizure #" + std::to_string(measure_id) + " " + request.reason +
                                                        " (行政强制法 第二十五条)" +
                                                        (request.note.empty() ? "" : ": " + request.note)};
    });
}

domain::Result<store::CaseRecord> resume_measure(store::Database& db, const domain::WorkingCalendar& calendar,
                                                 const std::string& number, std::int64_t version, std::int64_t measure_id,
                                                 std::optional<domain::Instant> at_given, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        auto m = measure_of(c, measure_id);
        if (!m) return m.error();
        auto& pauses = (*m)->pauses;
        if (pauses.empty() || pauses.back().ended_at)
            return domain::errors::conflict("case.measure_not_paused", "the term of measure #" +
                                                                           std::to_string(measure_id) +
                                                                           " is running: there is nothing to resume");
        auto at = detail::instant_of(tx, at_given, "at", pauses.back().started_at, "the pause began");
        if (!at) return at.error();
        pauses.back().ended_at = store_time(*at);
        pauses.back().ended_by = actor.name;
        if (!(*m)->ended_at) {
            if (auto ok = detail::count_seizure(**m, calendar); !ok) return ok.error();
        }
        return detail::Change{"case.measure_resume",
                              "seizure #" + std::to_string(measure_id) + " " + pauses.back().reason + " ended"};
    });
}

domain::Result<store::CaseRecord> end_measure(store::Database& db, const std::string& number, std::int64_t version,
                                              std::int64_t measure_id, const MeasureEnd& end, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        auto m = measure_of(c, measure_id);
        if (!m) return m.error();
        if ((*m)->ended_at)
            return domain::errors::conflict("case.measure_ended", "measure " + std::to_string(measure_id) +
                                                                      " ended on " + *(*m)->ended_at);
        const bool seizure = (*m)->kind == "seizure";
        const bool allowed = seizure ? (end.result == "lifted" || end.result == "confiscated" || end.result == "destroyed")
                                     : (end.result == "lifted" || end.result == "completed");
        if (!allowed)
            return domain::errors::invalid("result", "result.unknown",
                                           "\"" + end.result + "\" does not end a " + (*m)->kind + " (" +
                                               (seizure ? "lifted, confiscated or destroyed" : "lifted or completed") +
                                               ")");
        auto at = detail::instant_of(tx, end.at, "at", (*m)->started_at, "the measure began");
        if (!at) return at.error();
        (*m)->ended_at = store_time(*at);
        (*m)->end_result = end.result;
        (*m)->end_note = end.note;
        return detail::Change{"case.measure_end", (*m)->kind + " #" + std::to_string(measure_id) + " " + end.result +
                                                      (end.note.empty() ? "" : ": " + end.note)};
    });
}

}  // namespace lims::workflow::cases
