#include "lims/store/case_repository.hpp"

#include "lims/store/number_counter.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/row_values.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

using Obj = Poco::JSON::Object;
using Arr = Poco::JSON::Array;

constexpr const char* case_columns =
    "SELECT c.id, c.number, c.lead_id, l.number AS lead_number, c.assigned_org_id, c.state, c.filed_at, "
    "c.filing_approval, c.deadline_at, c.deadline_provisional, c.extended_at, c.extension_reason, "
    "c.extension_approver, c.pauses_json, c.measures_json, c.transfers_json, c.outcome_json, c.version, "
    "c.created_at, c.updated_at FROM cases c JOIN case_leads l ON l.id = c.lead_id ";

template <typename T>
std::string stringify(const T& v) {
    std::ostringstream out;
    v.stringify(out);
    return out.str();
}

void set_opt(Obj& o, const char* key, const std::optional<std::string>& v) {
    if (v) o.set(key, *v);
}

std::optional<std::string> opt(const Obj::Ptr& o, const char* key) {
    if (!o->has(key) || o->isNull(key)) return std::nullopt;
    return o->getValue<std::string>(key);
}

std::string str(const Obj::Ptr& o, const char* key) { return opt(o, key).value_or(""); }

Obj pause_object(const CasePause& p) {
    Obj o;
    o.set("reason", p.reason);
    o.set("note", p.note);
    o.set("started_at", p.started_at);
    set_opt(o, "ended_at", p.ended_at);
    o.set("started_by", p.started_by);
    set_opt(o, "ended_by", p.ended_by);
    return o;
}

Obj measure_object(const CaseMeasure& m) {
    Obj o;
    o.set("id", m.id);
    o.set("kind", m.kind);
    o.set("started_at", m.started_at);
    o.set("scope", m.scope);
    o.set("document_number", m.document_number);
    set_opt(o, "decision_due_at", m.decision_due_at);
    if (m.decision_due_provisional) o.set("decision_due_provisional", true);
    set_opt(o, "extended_at", m.extended_at);
    set_opt(o, "extension_reason", m.extension_reason);
    set_opt(o, "extension_approver", m.extension_approver);
    set_opt(o, "ended_at", m.ended_at);
    set_opt(o, "end_result", m.end_result);
    set_opt(o, "end_note", m.end_note);
    o.set("recorded_by", m.recorded_by);
    Arr pauses;
    for (const auto& p : m.pauses) pauses.add(pause_object(p));
    o.set("pauses", pauses);
    return o;
}

Obj transfer_object(const CaseTransfer& t) {
    Obj o;
    o.set("proposed_at", t.proposed_at);
    o.set("grounds", t.grounds);
    o.set("proposed_by", t.proposed_by);
    o.set("decision_due_at", t.decision_due_at);
    if (t.decision_due_provisional) o.set("decision_due_provisional", true);
    set_opt(o, "decided_at", t.decided_at);
    set_opt(o, "decision", t.decision);
    set_opt(o, "approver", t.approver);
    set_opt(o, "decision_note", t.decision_note);
    set_opt(o, "handover_due_at", t.handover_due_at);
    set_opt(o, "handed_over_at", t.handed_over_at);
    set_opt(o, "police_body", t.police_body);
    set_opt(o, "handover_reference", t.handover_reference);
    return o;
}

Obj outcome_object(const CaseOutcome& c) {
    Obj o;
    o.set("kind", c.kind);
    o.set("decided_at", c.decided_at);
    o.set("decision_number", c.decision_number);
    set_opt(o, "amount", c.amount);
    o.set("legal_basis", c.legal_basis);
    o.set("reason", c.reason);
    Arr persons;
    for (const auto& p : c.persons) {
        Obj po;
        po.set("name", p.name);
        po.set("position", p.position);
        po.set("penalty", p.penalty);
        set_opt(po, "amount", p.amount);
        persons.add(po);
    }
    o.set("persons", persons);
    o.set("approval", c.approval);
    o.set("recorded_by", c.recorded_by);
    return o;
}

template <typename T, typename F>
std::string array_json(const std::vector<T>& items, F f) {
    Arr a;
    for (const auto& i : items) a.add(f(i));
    return stringify(a);
}

// The JSON was written by this file; text edited behind our back reads as nothing.
Arr::Ptr parse_array(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(text).extract<Arr::Ptr>();
    } catch (const Poco::Exception&) {
        return new Arr;
    }
}

Obj::Ptr parse_object(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(text).extract<Obj::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    }
}

template <typename F>
void each_object(const std::string& text, F f) {
    auto a = parse_array(text);
    for (std::size_t i = 0; i < a->size(); ++i)
        if (auto o = a->getObject(static_cast<unsigned>(i))) f(o);
}

bool flag(const Obj::Ptr& o, const char* key) { return o->has(key) && o->getValue<bool>(key); }

CaseRecord case_from(Poco::Data::RecordSet& rs) {
    CaseRecord c;
    c.id = rs["id"].convert<Poco::Int64>();
    c.number = rs["number"].convert<std::string>();
    c.lead_id = rs["lead_id"].convert<Poco::Int64>();
    c.lead_number = rs["lead_number"].convert<std::string>();
    c.assigned_org_id = rs["assigned_org_id"].convert<Poco::Int64>();
    c.state = rs["state"].convert<std::string>();
    c.filed_at = rs["filed_at"].convert<std::string>();
    c.filing_approval = rs["filing_approval"].convert<std::string>();
    c.deadline_at = optional_text(rs, "deadline_at");
    c.deadline_provisional = optional_int(rs, "deadline_provisional").value_or(0) != 0;
    c.extended_at = optional_text(rs, "extended_at");
    c.extension_reason = optional_text(rs, "extension_reason");
    c.extension_approver = optional_text(rs, "extension_approver");
    each_object(rs["pauses_json"].convert<std::string>(), [&](const Obj::Ptr& o) {
        c.pauses.push_back({str(o, "reason"), str(o, "note"), str(o, "started_at"), opt(o, "ended_at"),
                            str(o, "started_by"), opt(o, "ended_by")});
    });
    each_object(rs["measures_json"].convert<std::string>(), [&](const Obj::Ptr& o) {
        CaseMeasure m;
        m.id = o->optValue<Poco::Int64>("id", 0);
        m.kind = str(o, "kind");
        m.started_at = str(o, "started_at");
        m.scope = str(o, "scope");
        m.document_number = str(o, "document_number");
        m.decision_due_at = opt(o, "decision_due_at");
        m.decision_due_provisional = flag(o, "decision_due_provisional");
        m.extended_at = opt(o, "extended_at");
        m.extension_reason = opt(o, "extension_reason");
        m.extension_approver = opt(o, "extension_approver");
        m.ended_at = opt(o, "ended_at");
        m.end_result = opt(o, "end_result");
        m.end_note = opt(o, "end_note");
        m.recorded_by = str(o, "recorded_by");
        if (auto pauses = o->getArray("pauses"))
            for (std::size_t i = 0; i < pauses->size(); ++i)
                if (auto p = pauses->getObject(static_cast<unsigned>(i)))
                    m.pauses.push_back({str(p, "reason"), str(p, "note"), str(p, "started_at"), opt(p, "ended_at"),
                                        str(p, "started_by"), opt(p, "ended_by")});
        c.measures.push_back(std::move(m));
    });
    each_object(rs["transfers_json"].convert<std::string>(), [&](const Obj::Ptr& o) {
        CaseTransfer t;
        t.proposed_at = str(o, "proposed_at");
        t.grounds = str(o, "grounds");
        t.proposed_by = str(o, "proposed_by");
        t.decision_due_at = str(o, "decision_due_at");
        t.decision_due_provisional = flag(o, "decision_due_provisional");
        t.decided_at = opt(o, "decided_at");
        t.decision = opt(o, "decision");
        t.approver = opt(o, "approver");
        t.decision_note = opt(o, "decision_note");
        t.handover_due_at = opt(o, "handover_due_at");
        t.handed_over_at = opt(o, "handed_over_at");
        t.police_body = opt(o, "police_body");
        t.handover_reference = opt(o, "handover_reference");
        c.transfers.push_back(std::move(t));
    });
    if (auto text = optional_text(rs, "outcome_json")) {
        if (auto o = parse_object(*text)) {
            CaseOutcome out;
            out.kind = str(o, "kind");
            out.decided_at = str(o, "decided_at");
            out.decision_number = str(o, "decision_number");
            out.amount = opt(o, "amount");
            out.legal_basis = str(o, "legal_basis");
            out.reason = str(o, "reason");
            if (o->has("persons")) {
                auto persons = o->getArray("persons");
                for (std::size_t i = 0; persons && i < persons->size(); ++i)
                    if (auto p = persons->getObject(static_cast<unsigned>(i)))
                        out.persons.push_back({str(p, "name"), str(p, "position"), str(p, "penalty"), opt(p, "amount")});
            }
            out.approval = str(o, "approval");
            out.recorded_by = str(o, "recorded_by");
            c.outcome = std::move(out);
        }
    }
    c.version = rs["version"].convert<Poco::Int64>();
    c.created_at = rs["created_at"].convert<std::string>();
    c.updated_at = rs["updated_at"].convert<std::string>();
    return c;
}

std::vector<CaseRecord> select_cases(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<CaseRecord> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(case_from(rs));
    return out;
}

struct Columns {
    std::string pauses, measures, transfers;
    Poco::Nullable<std::string> outcome;
};

Columns columns_of(const CaseRecord& c) {
    Columns k;
    k.pauses = array_json(c.pauses, pause_object);
    k.measures = array_json(c.measures, measure_object);
    k.transfers = array_json(c.transfers, transfer_object);
    if (c.outcome) k.outcome = stringify(outcome_object(*c.outcome));
    return k;
}

}  // namespace

std::string to_json(const CaseRecord& c) {
    Obj j;
    j.set("id", c.id);
    j.set("number", c.number);
    j.set("lead_id", c.lead_id);
    j.set("lead_number", c.lead_number);
    j.set("assigned_org_id", c.assigned_org_id);
    j.set("state", c.state);
    j.set("filed_at", c.filed_at);
    j.set("filing_approval", c.filing_approval);
    set_opt(j, "deadline_at", c.deadline_at);
    if (c.deadline_provisional) j.set("deadline_provisional", true);
    j.set("paused", !c.pauses.empty() && !c.pauses.back().ended_at);
    set_opt(j, "extended_at", c.extended_at);
    set_opt(j, "extension_reason", c.extension_reason);
    set_opt(j, "extension_approver", c.extension_approver);
    Arr pauses, measures, transfers;
    for (const auto& p : c.pauses) pauses.add(pause_object(p));
    for (const auto& m : c.measures) measures.add(measure_object(m));
    for (const auto& t : c.transfers) transfers.add(transfer_object(t));
    j.set("pauses", pauses);
    j.set("measures", measures);
    j.set("transfers", transfers);
    if (c.outcome) j.set("outcome", outcome_object(*c.outcome));
    j.set("version", c.version);
    j.set("created_at", c.created_at);
    j.set("updated_at", c.updated_at);
    return stringify(j);
}

StoreResult<CaseRecord> CaseRepository::create(const CaseRecord& in, int year_of_filing, const std::string& actor) {
    if (in.state.empty() || in.filed_at.empty() || in.filing_approval.empty() || in.lead_id == 0)
        return store_error(StoreErrorKind::invalid_argument, "case: lead, state, filed_at and filing approval are required");
    std::vector<std::string> existing;
    tx_.session() << "SELECT number FROM cases WHERE lead_id = $1", bind(in.lead_id), into(existing), now;
    if (!existing.empty())
        return store_error(StoreErrorKind::conflict, "the lead is already case " + existing.front());
    const std::string at = tx_.now_utc();
    const auto seq = next_counter_value(tx_, "case:" + std::to_string(year_of_filing));
    char number[32];
    std::snprintf(number, sizeof number, "AJ%04d-%06lld", year_of_filing, static_cast<long long>(seq));
    const std::string num = number;
    const auto k = columns_of(in);
    const int provisional = in.deadline_provisional ? 1 : 0;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO cases (number, lead_id, assigned_org_id, state, filed_at, filing_approval, deadline_at, "
                     "deadline_provisional, pauses_json, measures_json, transfers_json, outcome_json, version, "
                     "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14) "
                     "RETURNING id",
        bind(num), bind(in.lead_id), bind(in.assigned_org_id), bind(in.state), bind(in.filed_at),
        bind(in.filing_approval), bind(nullable(in.deadline_at)), bind(provisional), bind(k.pauses), bind(k.measures),
        bind(k.transfers), bind(k.outcome), bind(at), bind(at), into(id), now;
    auto created = get(id);
    if (!created) return created;
    const std::string json = to_json(*created);
    record_revision(tx_, {"case", id, 1, json, "filed", actor, at});
    tx_.record({actor, "case.file", "case", created->number, "", json, in.filing_approval});
    return created;
}

StoreResult<CaseRecord> CaseRepository::get(std::int64_t id) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(case_columns) + "WHERE c.id = $1", bind(id);
    auto rows = select_cases(st);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "case " + std::to_string(id) + " does not exist");
    return rows.front();
}

StoreResult<CaseRecord> CaseRepository::get_by_number(const std::string& number) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(case_columns) + "WHERE c.number = $1", bind(number);
    auto rows = select_cases(st);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "case " + number + " does not exist");
    return rows.front();
}

StoreResult<CaseRecord> CaseRepository::update(const CaseRecord& c, const std::string& action,
                                               const std::string& reason, const std::string& actor) {
    auto before = get(c.id);
    if (!before) return before;
    if (before->version != c.version)
        return store_error(StoreErrorKind::conflict, "case " + before->number + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(c.version) + ": changed meanwhile");
    const std::string at = tx_.now_utc();
    const auto k = columns_of(c);
    const int provisional = c.deadline_provisional ? 1 : 0;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE cases SET state = $1, deadline_at = $2, deadline_provisional = $3, extended_at = $4, "
              "extension_reason = $5, extension_approver = $6, pauses_json = $7, measures_json = $8, "
              "transfers_json = $9, outcome_json = $10, version = version + 1, updated_at = $11 "
              "WHERE id = $12 AND version = $13",
        bind(c.state), bind(nullable(c.deadline_at)), bind(provisional), bind(nullable(c.extended_at)),
        bind(nullable(c.extension_reason)), bind(nullable(c.extension_approver)), bind(k.pauses), bind(k.measures),
        bind(k.transfers), bind(k.outcome), bind(at), bind(c.id), bind(c.version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "case " + before->number + " is no longer at version " +
                                                         std::to_string(c.version) + ": changed meanwhile");
    auto after = get(c.id);
    if (!after) return after;
    const std::string json = to_json(*after);
    record_revision(tx_, {"case", c.id, after->version, json, reason.empty() ? action : reason, actor, at});
    tx_.record({actor, action, "case", after->number, to_json(*before), json, reason});
    return after;
}

StoreResult<CasePage> CaseRepository::list(const CaseQuery& q) {
    const int limit = std::clamp(q.limit, 1, max_page_size);
    Poco::Int64 after = q.after_id, lead = q.lead_id.value_or(0);
    std::string state = q.state.value_or("");
    std::string sql = std::string(case_columns) + "WHERE c.id > $1";
    int n = 2;
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix.
    const std::string subtree = q.within_org_path.value_or("") + "%";
    if (q.within_org_path)
        sql += " AND c.assigned_org_id IN (SELECT id FROM organisations WHERE path LIKE $" + std::to_string(n++) + ")";
    if (q.state) sql += " AND c.state = $" + std::to_string(n++);
    if (q.lead_id) sql += " AND c.lead_id = $" + std::to_string(n++);
    if (q.open_only) sql += " AND c.state <> 'decided'";
    sql += " ORDER BY c.id LIMIT " + std::to_string(limit + 1);
    Poco::Data::Statement st(tx_.session());
    st << sql, use(after);
    if (q.within_org_path) st, bind(subtree);
    if (q.state) st, use(state);
    if (q.lead_id) st, use(lead);
    CasePage page;
    page.items = select_cases(st);
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        page.next_after_id = page.items.back().id;
    }
    return page;
}

}  // namespace lims::store
