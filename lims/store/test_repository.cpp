#include "lims/store/test_repository.hpp"
#include "lims/store/json_text.hpp"
#include "lims/store/row_values.hpp"
#include "lims/store/sql.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

constexpr const char* test_select =
    "SELECT t.id, t.sample_id, t.spec_line_id, t.test_code, COALESCE(l.test_name, '') AS test_name, t.state, "
    "t.round, t.assigned_to, t.instrument_id, t.version, t.created_at, t.updated_at, t.spec_line_version "
    "FROM tests t LEFT JOIN specification_line_versions l ON l.line_id = t.spec_line_id "
    "AND l.version = t.spec_line_version ";

// States in which a test still needs someone's work (the default worklist).
const std::vector<std::string> open_states = {"pending", "pending_review", "accepted", "verified",
                                              "rejected", "retest_ordered", "retracted"};

TestRecord test_from(Poco::Data::RecordSet& rs) {
    TestRecord t;
    t.id = rs["id"].convert<Poco::Int64>();
    t.sample_id = rs["sample_id"].convert<Poco::Int64>();
    t.spec_line_id = optional_int(rs, "spec_line_id");
    t.test_code = rs["test_code"].convert<std::string>();
    t.test_name = rs["test_name"].convert<std::string>();
    t.state = rs["state"].convert<std::string>();
    t.round = rs["round"].convert<int>();
    t.assigned_to = optional_int(rs, "assigned_to");
    t.instrument_id = optional_int(rs, "instrument_id");
    t.version = rs["version"].convert<Poco::Int64>();
    t.created_at = rs["created_at"].convert<std::string>();
    t.updated_at = rs["updated_at"].convert<std::string>();
    t.spec_line_version = optional_int(rs, "spec_line_version");
    return t;
}

// The same from a row of sql() over test_select.
TestRecord test_from(SqlRow& r) {
    TestRecord t;
    t.id = r.integer(0);
    t.sample_id = r.integer(1);
    t.spec_line_id = r.optional_integer(2);
    t.test_code = r.take_text(3);
    t.test_name = r.take_text(4);
    t.state = r.take_text(5);
    t.round = static_cast<int>(r.integer(6));
    t.assigned_to = r.optional_integer(7);
    t.instrument_id = r.optional_integer(8);
    t.version = r.integer(9);
    t.created_at = r.take_text(10);
    t.updated_at = r.take_text(11);
    t.spec_line_version = r.optional_integer(12);
    return t;
}

StoreResult<TestRecord> not_found(std::int64_t id) {
    return store_error(StoreErrorKind::not_found, "test " + std::to_string(id) + " does not exist");
}

StoreResult<TestRecord> version_conflict(std::int64_t id, std::int64_t at, std::int64_t expected) {
    return store_error(StoreErrorKind::conflict, "test " + std::to_string(id) + " is at version " +
                                                     std::to_string(at) + ", not " + std::to_string(expected) +
                                                     ": changed meanwhile");
}

StoreResult<TestRecord> no_longer_at(std::int64_t id, std::int64_t expected) {
    return store_error(StoreErrorKind::conflict, "test " + std::to_string(id) + " is no longer at version " +
                                                     std::to_string(expected) + ": changed meanwhile");
}

std::vector<TestRecord> select_tests(Poco::Data::Statement& st) {
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<TestRecord> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(test_from(rs));
    return out;
}

}  // namespace

std::string to_json(const TestRecord& t) {
    // Two per instrument result (before and after its state change): JsonObjectText, not Poco.
    return JsonObjectText()
        .integer("id", t.id)
        .integer("sample_id", t.sample_id)
        .integer("spec_line_id", t.spec_line_id)
        .integer("spec_line_version", t.spec_line_version)
        .text("test_code", t.test_code)
        .text("test_name", t.test_name)
        .text("state", t.state)
        .integer("round", t.round)
        .integer("assigned_to", t.assigned_to)
        .integer("instrument_id", t.instrument_id)
        .integer("version", t.version)
        .str();
}

StoreResult<TestRecord> TestRepository::create(const NewTest& in, const std::string& actor) {
    if (in.test_code.empty()) return store_error(StoreErrorKind::invalid_argument, "test: test_code is empty");
    int samples = 0;
    tx_.session() << "SELECT count(*) FROM samples WHERE id = $1", bind(in.sample_id), into(samples), now;
    if (samples == 0)
        return store_error(StoreErrorKind::invalid_argument,
                           "test: sample " + std::to_string(in.sample_id) + " does not exist");
    const std::string at = tx_.now_utc();
    Poco::Int64 id = 0;
    tx_.session() << "INSERT INTO tests (sample_id, spec_line_id, spec_line_version, test_code, state, round, "
                     "assigned_to, instrument_id, version, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) RETURNING id",
        bind(in.sample_id), bind(nullable(in.spec_line_id)), bind(nullable(in.spec_line_version)), bind(in.test_code),
        bind(in.state), bind(in.round), bind(nullable(in.assigned_to)), bind(nullable(in.instrument_id)), bind(at),
        bind(at), into(id), now;
    auto created = get(id);
    if (!created) return created;
    tx_.record({actor, "test.create", "test", std::to_string(id), "", to_json(*created), ""});
    return created;
}

StoreResult<TestRecord> TestRepository::get(std::int64_t id) {
    static const std::string statement = std::string(test_select) + "WHERE t.id = $1";
    auto rows = sql(tx_, statement, {id});
    if (rows.rows.empty()) return not_found(id);
    return test_from(rows.rows.front());
}

std::vector<TestRecord> TestRepository::for_sample_and_code(std::int64_t sample_id, const std::string& test_code) {
    static const std::string statement =
        std::string(test_select) + "WHERE t.sample_id = $1 AND t.test_code = $2 ORDER BY t.id DESC";
    auto rows = sql(tx_, statement, {sample_id, test_code});
    std::vector<TestRecord> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) out.push_back(test_from(r));
    return out;
}

std::vector<TestRecord> TestRepository::for_sample(std::int64_t sample_id, std::optional<int> round) {
    Poco::Data::Statement st(tx_.session());
    if (round)
        st << std::string(test_select) + "WHERE t.sample_id = $1 AND t.round = $2 ORDER BY t.id", bind(sample_id),
            bind(*round);
    else
        st << std::string(test_select) + "WHERE t.sample_id = $1 ORDER BY t.id", bind(sample_id);
    return select_tests(st);
}

StoreResult<TestRecord> TestRepository::set_state(std::int64_t id, std::int64_t expected_version,
                                                  const std::string& state, const std::string& action,
                                                  const std::string& reason, const std::string& actor) {
    auto before = get(id);
    if (!before) return before;
    if (before->version != expected_version) return version_conflict(id, before->version, expected_version);
    return set_state(*before, state, action, reason, actor);
}

StoreResult<TestRecord> TestRepository::set_state(const TestRecord& current, const std::string& state,
                                                  const std::string& action, const std::string& reason,
                                                  const std::string& actor) {
    const std::string at = tx_.now_utc();
    auto update = sql(tx_, "UPDATE tests SET state = $1, version = version + 1, updated_at = $2 "
                           "WHERE id = $3 AND version = $4",
                      {state, at, current.id, current.version});
    if (update.changed == 0) return no_longer_at(current.id, current.version);
    // The update matched the version read, so the row is `current` with these three
    // columns changed; reading it back would return exactly this.
    TestRecord after = current;
    after.state = state;
    after.version = current.version + 1;
    after.updated_at = at;
    tx_.record({actor, action, "test", std::to_string(current.id), to_json(current), to_json(after), reason});
    return after;
}

StoreResult<TestRecord> TestRepository::assign(std::int64_t id, std::int64_t expected_version,
                                               std::optional<std::int64_t> assigned_to,
                                               std::optional<std::int64_t> instrument_id, const std::string& actor) {
    auto before = get(id);
    if (!before) return before;
    if (before->version != expected_version) return version_conflict(id, before->version, expected_version);
    const std::string at = tx_.now_utc();
    auto update = sql(tx_, "UPDATE tests SET assigned_to = $1, instrument_id = $2, version = version + 1, "
                           "updated_at = $3 WHERE id = $4 AND version = $5",
                      {assigned_to, instrument_id, at, id, expected_version});
    if (update.changed == 0) return no_longer_at(id, expected_version);
    TestRecord after = *before;  // the matched row with the four columns changed, as set_state
    after.assigned_to = assigned_to;
    after.instrument_id = instrument_id;
    after.version = expected_version + 1;
    after.updated_at = at;
    tx_.record({actor, "test.assign", "test", std::to_string(id), to_json(*before), to_json(after), ""});
    return after;
}

StoreResult<TestPage> TestRepository::worklist(const WorklistQuery& q) {
    const int limit = std::clamp(q.limit, 1, max_page_size);
    std::vector<std::string> states = q.states.empty() ? open_states : q.states;
    Poco::Int64 after = q.after_id;
    Poco::Int64 instrument = q.instrument_id.value_or(0), assignee = q.assigned_to.value_or(0);
    std::string code = q.test_code.value_or("");

    std::string sql = std::string(test_select) + "WHERE t.id > $1 AND t.state IN (";
    int n = 2;
    for (std::size_t i = 0; i < states.size(); ++i) sql += (i ? ", $" : "$") + std::to_string(n++);
    sql += ")";
    if (q.instrument_id) sql += " AND t.instrument_id = $" + std::to_string(n++);
    if (q.assigned_to) sql += " AND t.assigned_to = $" + std::to_string(n++);
    if (q.test_code) sql += " AND t.test_code = $" + std::to_string(n++);
    // Paths hold only digits and '/', so LIKE's wildcards cannot occur in the prefix.
    const std::string subtree = q.within_org_path.value_or("") + "%";
    if (q.within_org_path) {
        const std::string p = "$" + std::to_string(n++);
        sql += " AND (t.sample_id IN (SELECT s.id FROM samples s JOIN organisations o ON o.id = s.org_id WHERE o.path "
               "LIKE " + p + ") OR t.sample_id IN (SELECT i.sample_id FROM shipment_items i JOIN shipments h ON h.id = "
               "i.shipment_id JOIN organisations o ON o.id = h.to_org_id WHERE o.path LIKE " + p + "))";
    }
    sql += " ORDER BY t.id LIMIT " + std::to_string(limit + 1);

    Poco::Data::Statement st(tx_.session());
    st << sql, use(after);
    for (auto& s : states) st, use(s);
    if (q.instrument_id) st, use(instrument);
    if (q.assigned_to) st, use(assignee);
    if (q.test_code) st, use(code);
    if (q.within_org_path) st, bind(subtree);
    TestPage page;
    page.items = select_tests(st);
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        page.next_after_id = page.items.back().id;
    }
    return page;
}

}  // namespace lims::store
