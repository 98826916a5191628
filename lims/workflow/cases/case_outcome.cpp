// The outcome of a case (处罚, 处罚到人, 不予处罚, 撤案) and its feedback to the laboratory that
// tested the sample and the bureau that organised the sampling (cases.hpp).
#include "lims/workflow/cases/case_change.hpp"
#include "lims/workflow/cases/cases.hpp"

#include "lims/domain/decimal.hpp"
#include "lims/store/case_lead_repository.hpp"
#include "lims/workflow/store_time.hpp"

#include <Poco/Data/Session.h>

#include <set>

using namespace Poco::Data::Keywords;

namespace lims::workflow::cases {

namespace {

// A positive amount of yuan with at most two decimals (分).
domain::Result<std::string> yuan(const std::string& field, const std::string& text) {
    auto d = domain::Decimal::parse(text);
    if (!d || d->is_negative() || d->is_zero() || d->scale() > 2)
        return domain::errors::invalid(field, field + ".invalid",
                                       "\"" + text + "\" is not a positive amount of yuan with at most two decimals");
    return d->to_string();
}

std::string outcome_words(const store::CaseOutcome& o) {
    if (o.kind == "penalty") {
        std::string s = "行政处罚：罚款 " + o.amount.value_or("") + " 元，依据 " + o.legal_basis;
        if (!o.decision_number.empty()) s += "（" + o.decision_number + "）";
        for (const auto& p : o.persons)
            s += "；处罚到人：" + p.name + (p.position.empty() ? "" : "（" + p.position + "）") + " " + p.penalty +
                 (p.amount ? " " + *p.amount + " 元" : "");
        return s;
    }
    if (o.kind == "no_penalty") return "不予行政处罚：" + o.reason;
    return "撤案：" + o.reason;
}

// The laboratory that received the lead's sample and the bureau whose plan it was sampled
// under, each told once (office_notifications, kind case_outcome).
void feed_back(store::Transaction& tx, const store::CaseRecord& c, const store::CaseOutcome& o) {
    auto lead = store::CaseLeadRepository(tx).get(c.lead_id);
    if (!lead || !lead->sample_id) return;  // a lead opened by hand has no laboratory or plan
    const Poco::Int64 sample = *lead->sample_id;
    std::vector<Poco::Int64> labs, bureaus;
    tx.session() << "SELECT DISTINCT lab_org_id FROM sample_receipts WHERE sample_id = $1", bind(sample), into(labs), now;
    tx.session() << "SELECT DISTINCT p.org_id FROM samples s JOIN tasks t ON t.id = s.task_id "
                    "JOIN sampling_plans p ON p.id = t.plan_id WHERE s.id = $1",
        bind(sample), into(bureaus), now;
    std::set<Poco::Int64> told;
    const std::string message = "案件 " + c.number + "（线索 " + c.lead_number + "）已办结。" + outcome_words(o);
    for (const auto& list : {labs, bureaus})
        for (auto org : list) {
            if (!told.insert(org).second) continue;
            tx.session() << "INSERT INTO office_notifications (to_org_id, kind, sample_id, message, created_at) VALUES "
                            "($1, 'case_outcome', $2, $3, $4)",
                bind(org), bind(sample), bind(message), bind(tx.now_utc()), now;
            tx.record({"system:cases", "case.feedback", "case", c.number, "", "", "to organisation " + std::to_string(org)});
        }
}

}  // namespace

domain::Result<store::CaseRecord> record_outcome(store::Database& db, const std::string& number, std::int64_t version,
                                                 const OutcomeRequest& request, const Actor& actor) {
    return detail::change_case(db, actor, number, version,
                               [&](store::Transaction& tx, store::CaseRecord& c) -> domain::Result<detail::Change> {
        store::CaseOutcome o;
        o.kind = request.kind;
        o.decision_number = request.decision_number;
        o.legal_basis = request.legal_basis;
        o.reason = request.reason;
        o.approval = request.approval;
        o.recorded_by = actor.name;
        if (request.kind == "penalty") {
            if (!request.amount)
                return domain::errors::invalid("amount", "amount.required", "a penalty needs its amount in yuan");
            auto amount = yuan("amount", *request.amount);
            if (!amount) return amount.error();
            o.amount = *amount;
            if (request.legal_basis.empty())
                return domain::errors::invalid("legal_basis", "legal_basis.required",
                                               "a penalty names its legal basis (the article applied)");
        } else if (request.kind == "no_penalty" || request.kind == "withdrawn") {
            if (request.reason.empty())
                return domain::errors::invalid("reason", "reason.required",
                                               request.kind == "withdrawn" ? "撤案 needs its reason"
                                                                           : "不予处罚 needs its reason");
            if (!request.persons.empty())
                return domain::errors::invalid("persons", "persons.not_penalty",
                                               "penalties on persons belong to a penalty outcome");
        } else {
            return domain::errors::invalid("kind", "kind.unknown",
                                           "\"" + request.kind + "\" is not penalty, no_penalty or withdrawn");
        }
        for (std::size_t i = 0; i < request.persons.size(); ++i) {
            const auto& p = request.persons[i];
            const std::string field = "persons[" + std::to_string(i) + "]";
            if (p.name.empty())
                return domain::errors::invalid(field + ".name", "persons.name", "a penalised person needs a name");
            if (p.penalty.empty())
                return domain::errors::invalid(field + ".penalty", "persons.penalty",
                                               "say what the penalty on " + p.name + " is");
            store::PersonPenalty pp{p.name, p.position, p.penalty, std::nullopt};
            if (p.amount) {
                auto amount = yuan(field + ".amount", *p.amount);
                if (!amount) return amount.error();
                pp.amount = *amount;
            }
            o.persons.push_back(pp);
        }
        auto state = detail::next_state(c, "decide", actor, !request.approval.empty());
        if (!state) return state.error();
        auto at = detail::instant_of(tx, request.at, "at", c.filed_at, "the filing");
        if (!at) return at.error();
        o.decided_at = store_time(*at);
        c.state = *state;
        c.outcome = o;
        feed_back(tx, c, o);
        return detail::Change{"case.decide", outcome_words(o) + "; approved: " + request.approval};
    });
}

}  // namespace lims::workflow::cases
