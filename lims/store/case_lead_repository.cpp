#include "lims/store/case_lead_repository.hpp"
#include "lims/store/row_values.hpp"

#include "lims/store/number_counter.hpp"
#include "lims/store/revisions.hpp"
#include "lims/store/sample_repository.hpp"

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

constexpr const char* lead_columns =
    "SELECT id, number, source, sample_id, report_id, entity_id, logger_id, manufacturer_entity_id, "
    "manufacturer_name, product_id, product_name, batch_number, summary, findings_json, evidence_json, "
    "assigned_org_id, state, received_at, deadline_at, deadline_provisional, extended, extension_approval, decision, "
    "decision_reason, receiving_body, approval, reference, version, created_at, updated_at FROM case_leads ";

// deadline_provisional: 1 when counted through a provisional calendar year, NULL otherwise
// (rows from before the column, and the ordinary case, read the same).
Poco::Nullable<Poco::Int64> provisional_flag(bool provisional) {
    return provisional ? Poco::Nullable<Poco::Int64>(1) : Poco::Nullable<Poco::Int64>();
}

// States in which the decision is still owed (the overdue scan looks at these only).
constexpr const char* undecided_states = "('open', 'accepted', 'investigating')";

std::string stringify(const Poco::JSON::Array& a) {
    std::ostringstream out;
    a.stringify(out);
    return out.str();
}

std::string findings_json(const std::vector<CaseLeadFinding>& findings) {
    Poco::JSON::Array a;
    for (const auto& f : findings) {
        Poco::JSON::Object o;
        o.set("item", f.item);
        o.set("detail", f.detail);
        a.add(o);
    }
    return stringify(a);
}

std::string evidence_json(const std::vector<EvidenceLink>& evidence) {
    Poco::JSON::Array a;
    for (const auto& e : evidence) {
        Poco::JSON::Object o;
        o.set("kind", e.kind);
        o.set("ref", e.ref);
        o.set("label", e.label);
        a.add(o);
    }
    return stringify(a);
}

// The JSON was written by this file; a row edited behind our back reads as empty.
Poco::JSON::Array::Ptr parse_array(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(text).extract<Poco::JSON::Array::Ptr>();
    } catch (const Poco::Exception&) {
        return new Poco::JSON::Array;
    }
}

CaseLeadRecord lead_from(Poco::Data::RecordSet& rs) {
    CaseLeadRecord l;
    l.id = rs["id"].convert<Poco::Int64>();
    l.number = rs["number"].convert<std::string>();
    l.source = case_lead_source_from(rs["source"].convert<std::string>()).value_or(CaseLeadSource::manual);
    l.sample_id = optional_int(rs, "sample_id");
    l.report_id = optional_int(rs, "report_id");
    l.entity_id = optional_int(rs, "entity_id");
    l.logger_id = optional_int(rs, "logger_id");
    l.manufacturer_entity_id = optional_int(rs, "manufacturer_entity_id");
    l.manufacturer_name = rs["manufacturer_name"].convert<std::string>();
    l.product_id = optional_int(rs, "product_id");
    l.product_name = rs["product_name"].convert<std::string>();
    l.batch_number = rs["batch_number"].convert<std::string>();
    l.summary = rs["summary"].convert<std::string>();
    auto findings = parse_array(rs["findings_json"].convert<std::string>());
    for (std::size_t i = 0; i < findings->size(); ++i) {
        auto o = findings->getObject(static_cast<unsigned>(i));
        if (o) l.findings.push_back({o->optValue<std::string>("item", ""), o->optValue<std::string>("detail", "")});
    }
    auto evidence = parse_array(rs["evidence_json"].convert<std::string>());
    for (std::size_t i = 0; i < evidence->size(); ++i) {
        auto o = evidence->getObject(static_cast<unsigned>(i));
        if (o)
            l.evidence.push_back({o->optValue<std::string>("kind", ""), o->optValue<std::string>("ref", ""),
                                  o->optValue<std::string>("label", "")});
    }
    l.assigned_org_id = rs["assigned_org_id"].convert<Poco::Int64>();
    l.state = rs["state"].convert<std::string>();
    l.received_at = rs["received_at"].convert<std::string>();
    l.deadline_at = rs["deadline_at"].convert<std::string>();
    l.deadline_provisional = optional_int(rs, "deadline_provisional").value_or(0) != 0;
    l.extended = rs["extended"].convert<int>() != 0;
    l.extension_approval = optional_text(rs, "extension_approval");
    l.decision = optional_text(rs, "decision");
    l.decision_reason = optional_text(rs, "decision_reason");
    l.receiving_body = optional_text(rs, "receiving_body");
    l.approval = optional_text(rs, "approval");
    l.reference = optional_text(rs, "reference");
    l.version = rs["version"].convert<Poco::Int64>();
    l.created_at = rs["created_at"].convert<std::string>();
    l.updated_at = rs["updated_at"].convert<std::string>();
    return l;
}

std::vector<CaseLeadRecord> select_leads(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<CaseLeadRecord> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(lead_from(rs));
    return out;
}

}  // namespace

std::string to_string(CaseLeadSource source) {
    switch (source) {
        case CaseLeadSource::nonconforming_result: return "nonconforming_result";
        case CaseLeadSource::cold_chain_break: return "cold_chain_break";
        case CaseLeadSource::manual: return "manual";
    }
    return "manual";
}

std::optional<CaseLeadSource> case_lead_source_from(const std::string& text) {
    for (auto s : {CaseLeadSource::nonconforming_result, CaseLeadSource::cold_chain_break, CaseLeadSource::manual})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

std::string to_json(const CaseLeadRecord& l) {
    Poco::JSON::Object j;
    j.set("id", l.id);
    j.set("number", l.number);
    j.set("source", to_string(l.source));
    if (l.sample_id) j.set("sample_id", *l.sample_id);
    if (l.report_id) j.set("report_id", *l.report_id);
    if (l.entity_id) j.set("entity_id", *l.entity_id);
    if (l.logger_id) j.set("logger_id", *l.logger_id);
    if (l.manufacturer_entity_id) j.set("manufacturer_entity_id", *l.manufacturer_entity_id);
    j.set("manufacturer_name", l.manufacturer_name);
    if (l.product_id) j.set("product_id", *l.product_id);
    j.set("product_name", l.product_name);
    j.set("batch_number", l.batch_number);
    j.set("summary", l.summary);
    j.set("findings", parse_array(findings_json(l.findings)));
    j.set("evidence", parse_array(evidence_json(l.evidence)));
    j.set("assigned_org_id", l.assigned_org_id);
    j.set("state", l.state);
    j.set("received_at", l.received_at);
    j.set("deadline_at", l.deadline_at);
    if (l.deadline_provisional) j.set("deadline_provisional", true);  // absent when official
    j.set("extended", l.extended);
    if (l.extension_approval) j.set("extension_approval", *l.extension_approval);
    if (l.decision) j.set("decision", *l.decision);
    if (l.decision_reason) j.set("decision_reason", *l.decision_reason);
    if (l.receiving_body) j.set("receiving_body", *l.receiving_body);
    if (l.approval) j.set("approval", *l.approval);
    if (l.reference) j.set("reference", *l.reference);
    j.set("version", l.version);
    std::ostringstream out;
    j.stringify(out);
    return out.str();
}

StoreResult<CaseLeadRecord> CaseLeadRepository::create(const CaseLeadRecord& in, const std::string& actor) {
    if (in.state.empty() || in.received_at.empty() || in.deadline_at.empty())
        return store_error(StoreErrorKind::invalid_argument, "case lead: state, received_at and deadline_at are required");
    const std::string at = tx_.now_utc();
    const int year = sample_number_year(at).value_or(0);
    const auto seq = next_counter_value(tx_, "case_lead:" + std::to_string(year));
    char number[32];
    std::snprintf(number, sizeof number, "XS%04d-%06lld", year, static_cast<long long>(seq));
    const std::string findings = findings_json(in.findings), evidence = evidence_json(in.evidence),
                      source = to_string(in.source), num = number;
    const int extended = in.extended ? 1 : 0;
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO case_leads (number, source, sample_id, report_id, entity_id, logger_id, "
                     "manufacturer_entity_id, manufacturer_name, product_id, product_name, batch_number, summary, "
                     "findings_json, evidence_json, assigned_org_id, state, received_at, deadline_at, extended, "
                     "version, created_at, updated_at, deadline_provisional) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                     "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, $20, $21, $22) RETURNING id",
        bind(num), bind(source), bind(nullable(in.sample_id)), bind(nullable(in.report_id)),
        bind(nullable(in.entity_id)), bind(nullable(in.logger_id)), bind(nullable(in.manufacturer_entity_id)),
        bind(in.manufacturer_name), bind(nullable(in.product_id)), bind(in.product_name), bind(in.batch_number),
        bind(in.summary), bind(findings), bind(evidence), bind(in.assigned_org_id), bind(in.state),
        bind(in.received_at), bind(in.deadline_at), bind(extended), bind(at), bind(at),
        bind(provisional_flag(in.deadline_provisional)), into(id), now;
    auto created = get(id);
    if (!created) return created;
    const std::string json = to_json(*created);
    record_revision(tx_, {"case_lead", id, 1, json, "opened", actor, at});
    tx_.record({actor, "case_lead.open", "case_lead", created->number, "", json, ""});
    return created;
}

StoreResult<CaseLeadRecord> CaseLeadRepository::get(std::int64_t id) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(lead_columns) + "WHERE id = $1", bind(id);
    auto rows = select_leads(st);
    if (rows.empty())
        return store_error(StoreErrorKind::not_found, "case lead " + std::to_string(id) + " does not exist");
    return rows.front();
}

StoreResult<CaseLeadRecord> CaseLeadRepository::get_by_number(const std::string& number) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(lead_columns) + "WHERE number = $1", bind(number);
    auto rows = select_leads(st);
    if (rows.empty()) return store_error(StoreErrorKind::not_found, "case lead " + number + " does not exist");
    return rows.front();
}

std::vector<CaseLeadRecord> CaseLeadRepository::for_sample(std::int64_t sample_id) {
    Poco::Data::Statement st(tx_.session());
    st << std::string(lead_columns) + "WHERE sample_id = $1 ORDER BY id", bind(sample_id);
    return select_leads(st);
}

StoreResult<CaseLeadRecord> CaseLeadRepository::update(const CaseLeadRecord& l, const std::string& action,
                                                       const std::string& reason, const std::string& actor) {
    auto before = get(l.id);
    if (!before) return before;
    if (before->version != l.version)
        return store_error(StoreErrorKind::conflict, "case lead " + before->number + " is at version " +
                                                         std::to_string(before->version) + ", not " +
                                                         std::to_string(l.version) + ": changed meanwhile");
    const std::string at = tx_.now_utc();
    const int extended = l.extended ? 1 : 0;
    Poco::Data::Statement update(tx_.session());
    update << "UPDATE case_leads SET state = $1, deadline_at = $2, extended = $3, extension_approval = $4, "
              "decision = $5, decision_reason = $6, receiving_body = $7, approval = $8, reference = $9, "
              "version = version + 1, updated_at = $10, deadline_provisional = $11 WHERE id = $12 AND version = $13",
        bind(l.state), bind(l.deadline_at), bind(extended), bind(nullable(l.extension_approval)),
        bind(nullable(l.decision)), bind(nullable(l.decision_reason)), bind(nullable(l.receiving_body)),
        bind(nullable(l.approval)), bind(nullable(l.reference)), bind(at), bind(provisional_flag(l.deadline_provisional)),
        bind(l.id), bind(l.version);
    if (update.execute() == 0)
        return store_error(StoreErrorKind::conflict, "case lead " + before->number + " is no longer at version " +
                                                         std::to_string(l.version) + ": changed meanwhile");
    auto after = get(l.id);
    if (!after) return after;
    const std::string json = to_json(*after);
    record_revision(tx_, {"case_lead", l.id, after->version, json, reason.empty() ? action : reason, actor, at});
    tx_.record({actor, action, "case_lead", after->number, to_json(*before), json, reason});
    return after;
}

StoreResult<CaseLeadPage> CaseLeadRepository::list(const CaseLeadQuery& q) {
    const int limit = std::clamp(q.limit, 1, max_page_size);
    Poco::Int64 after = q.after_id, org = q.assigned_org_id.value_or(0), sample = q.sample_id.value_or(0);
    std::string state = q.state.value_or(""), due = q.due_before.value_or("");
    std::string sql = std::string(lead_columns) + "WHERE id > $1";
    int n = 2;
    if (q.assigned_org_id) sql += " AND assigned_org_id = $" + std::to_string(n++);
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix.
    const std::string subtree = q.within_org_path.value_or("") + "%";
    if (q.within_org_path)
        sql += " AND assigned_org_id IN (SELECT id FROM organisations WHERE path LIKE $" + std::to_string(n++) + ")";
    if (q.state) sql += " AND state = $" + std::to_string(n++);
    if (q.sample_id) sql += " AND sample_id = $" + std::to_string(n++);
    if (q.due_before) sql += " AND deadline_at <= $" + std::to_string(n++) + " AND state IN " + undecided_states;
    sql += " ORDER BY id LIMIT " + std::to_string(limit + 1);
    Poco::Data::Statement st(tx_.session());
    st << sql, use(after);
    if (q.assigned_org_id) st, use(org);
    if (q.within_org_path) st, bind(subtree);
    if (q.state) st, use(state);
    if (q.sample_id) st, use(sample);
    if (q.due_before) st, use(due);
    CaseLeadPage page;
    page.items = select_leads(st);
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        page.next_after_id = page.items.back().id;
    }
    return page;
}

StoreResult<std::int64_t> CaseLeadRepository::responsible_enforcement_unit(std::int64_t entity_id) {
    std::vector<Poco::Int64> jurisdiction;
    tx_.session() << "SELECT jurisdiction_org_id FROM regulated_entities WHERE id = $1", bind(entity_id),
        into(jurisdiction), now;
    if (jurisdiction.empty())
        return store_error(StoreErrorKind::not_found, "regulated entity " + std::to_string(entity_id) + " does not exist");
    std::optional<std::int64_t> org = jurisdiction.front();
    while (org) {
        std::string kind;
        Poco::Nullable<Poco::Int64> parent;
        tx_.session() << "SELECT kind, parent_id FROM organisations WHERE id = $1", bind(*org), into(kind),
            into(parent), now;
        if (kind == "enforcement_unit") return *org;
        std::vector<Poco::Int64> child;
        tx_.session() << "SELECT id FROM organisations WHERE parent_id = $1 AND kind = 'enforcement_unit' AND active = 1 "
                         "ORDER BY id LIMIT 1",
            bind(*org), into(child), now;
        if (!child.empty()) return child.front();
        org = parent.isNull() ? std::nullopt : std::optional<std::int64_t>(parent.value());
    }
    return store_error(StoreErrorKind::not_found, "no enforcement unit at or above the jurisdiction of regulated entity " +
                                                      std::to_string(entity_id));
}

}  // namespace lims::store
