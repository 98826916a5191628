// Migration 4 (issue 14): specification lines are versioned, and each test keeps the
// version it is judged against, so a later edit of the catalogue never changes a verdict
// already given or a report already issued.
// - specification_line_versions holds every version of every line, append-only (the
//   guards of migration 1). A line's row in specification_lines is its current version:
//   the database copies each new version into the history (insert, or an update that
//   raises `version`) and refuses an update of a line that does not raise its version.
// - tests.spec_line_version: the version of its line a test is judged against, set when
//   the test is created (the version current at the sample's receipt) and never changed.
//   Existing tests keep the version their line has now (the only one the database knew).
#include "lims/store/schema_parts.hpp"

namespace lims::store {

namespace {

constexpr const char* kLineColumns =
    "product_id, standard_ref, test_code, test_name, limit_kind, lower_limit, upper_limit, lower_inclusive, "
    "upper_inclusive, expected_text, unit, decimal_places, warning_lower, warning_upper";

std::string new_columns() {
    std::string out;
    std::string cols = kLineColumns;
    std::size_t start = 0;
    while (start < cols.size()) {
        std::size_t end = cols.find(", ", start);
        if (end == std::string::npos) end = cols.size();
        out += (out.empty() ? "" : ", ") + std::string("NEW.") + cols.substr(start, end - start);
        start = end + 2;
    }
    return out;
}

std::string copy_new_version() {
    return std::string("INSERT INTO specification_line_versions (line_id, version, ") + kLineColumns +
           ", created_at) VALUES (NEW.id, NEW.version, " + new_columns() + ", NEW.updated_at)";
}

}  // namespace

Migration migration_0004_versioned_specification_lines() {
    Migration m{4, "versioned specification lines; tests keep the version they are judged against", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };
    auto sqlite = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::sqlite}); };
    auto postgresql = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::postgresql}); };

    both(R"(CREATE TABLE specification_line_versions (
  line_id BIGINT NOT NULL REFERENCES specification_lines (id),
  version BIGINT NOT NULL,
  product_id BIGINT REFERENCES products (id),
  standard_ref TEXT NOT NULL,
  test_code TEXT NOT NULL,
  test_name TEXT NOT NULL,
  limit_kind TEXT NOT NULL CHECK (limit_kind IN ('range', 'upper', 'lower', 'qualitative')),
  lower_limit TEXT,
  upper_limit TEXT,
  lower_inclusive INTEGER NOT NULL,
  upper_inclusive INTEGER NOT NULL,
  expected_text TEXT,
  unit TEXT NOT NULL,
  decimal_places INTEGER NOT NULL,
  warning_lower TEXT,
  warning_upper TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (line_id, version)))");
    both(std::string("INSERT INTO specification_line_versions (line_id, version, ") + kLineColumns +
         ", created_at) SELECT id, version, " + kLineColumns + ", updated_at FROM specification_lines");
    for (auto& step : append_only_guard_steps("specification_line_versions")) m.steps.push_back(std::move(step));
    both("ALTER TABLE tests ADD COLUMN spec_line_version BIGINT");
    both("UPDATE tests SET spec_line_version = (SELECT l.version FROM specification_lines l WHERE l.id = "
         "tests.spec_line_id) WHERE spec_line_id IS NOT NULL");

    // Each new version of a line enters the history; an update without one is refused.
    sqlite("CREATE TRIGGER specification_lines_first_version AFTER INSERT ON specification_lines BEGIN " +
           copy_new_version() + "; END");
    sqlite("CREATE TRIGGER specification_lines_same_version BEFORE UPDATE ON specification_lines "
           "WHEN NEW.version <= OLD.version BEGIN SELECT RAISE(ABORT, 'specification_lines: a change is a new "
           "version; an update that does not raise version is refused'); END");
    sqlite("CREATE TRIGGER specification_lines_next_version AFTER UPDATE ON specification_lines BEGIN " +
           copy_new_version() + "; END");
    sqlite("CREATE TRIGGER specification_lines_no_delete BEFORE DELETE ON specification_lines BEGIN "
           "SELECT RAISE(ABORT, 'specification_lines: a line is never deleted'); END");
    // A test's version is the line's current one when it is created, and stays.
    sqlite("CREATE TRIGGER tests_spec_line_version AFTER INSERT ON tests "
           "WHEN NEW.spec_line_id IS NOT NULL AND NEW.spec_line_version IS NULL BEGIN "
           "UPDATE tests SET spec_line_version = (SELECT version FROM specification_lines WHERE id = NEW.spec_line_id) "
           "WHERE id = NEW.id; END");
    sqlite("CREATE TRIGGER tests_spec_line_version_kept BEFORE UPDATE OF spec_line_id, spec_line_version ON tests "
           "WHEN OLD.spec_line_version IS NOT NULL AND (NEW.spec_line_version IS NOT OLD.spec_line_version "
           "OR NEW.spec_line_id IS NOT OLD.spec_line_id) BEGIN "
           "SELECT RAISE(ABORT, 'tests: the specification line version a test is judged against never changes'); END");

    postgresql(std::string(R"(CREATE FUNCTION lims_specification_line_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'specification_lines: a line is never deleted';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.version <= OLD.version THEN
    RAISE EXCEPTION 'specification_lines: a change is a new version; an update that does not raise version is refused';
  END IF;
  )") + copy_new_version() + R"(;
  RETURN NEW;
END $$)");
    postgresql("CREATE TRIGGER specification_lines_versions AFTER INSERT OR UPDATE ON specification_lines "
               "FOR EACH ROW EXECUTE FUNCTION lims_specification_line_version()");
    postgresql("CREATE TRIGGER specification_lines_no_delete BEFORE DELETE ON specification_lines "
               "FOR EACH ROW EXECUTE FUNCTION lims_specification_line_version()");
    postgresql(R"(CREATE FUNCTION lims_test_spec_line_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.spec_line_id IS NOT NULL AND NEW.spec_line_version IS NULL THEN
      SELECT version INTO NEW.spec_line_version FROM specification_lines WHERE id = NEW.spec_line_id;
    END IF;
  ELSIF OLD.spec_line_version IS NOT NULL AND (NEW.spec_line_version IS DISTINCT FROM OLD.spec_line_version
        OR NEW.spec_line_id IS DISTINCT FROM OLD.spec_line_id) THEN
    RAISE EXCEPTION 'tests: the specification line version a test is judged against never changes';
  END IF;
  RETURN NEW;
END $$)");
    postgresql("CREATE TRIGGER tests_spec_line_version BEFORE INSERT OR UPDATE ON tests "
               "FOR EACH ROW EXECUTE FUNCTION lims_test_spec_line_version()");
    return m;
}

}  // namespace lims::store
