#include "lims/store/migrations.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/schema_parts.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/utc_time.hpp"

#include <algorithm>

using namespace Poco::Data::Keywords;

namespace lims::store {

namespace {

// pg_advisory_xact_lock key for migrations ("LIMSMIGR" in ASCII), distinct from any other lock.
constexpr Poco::Int64 migration_lock_key = 0x4C494D534D494752;

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

// Tables that record facts: rows are inserted, never updated or deleted (ARCHITECTURE
// "nothing is edited in place or deleted"). Triggers refuse UPDATE and DELETE so that a
// bug cannot do it by accident; the audit chain detects whoever drops them.
// `readings` has its own guard (schema_coldchain.cpp): never updated, deleted only once the
// retention job has kept its 5-minute aggregate.
const char* const append_only_tables[] = {"audit_log",      "raw_messages", "results",
                                          "result_reviews", "signatures",   "revisions"};

std::vector<MigrationStep> append_only_guards() {
    std::vector<MigrationStep> steps;
    steps.push_back({R"(CREATE FUNCTION lims_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$)",
                     Dialect::postgresql});
    for (std::string table : append_only_tables)
        for (auto& step : append_only_guard_steps(table)) steps.push_back(std::move(step));
    return steps;
}

}  // namespace

std::vector<MigrationStep> append_only_guard_steps(const std::string& table) {
    std::vector<MigrationStep> steps;
    for (std::string op : {"UPDATE", "DELETE"}) {
        std::string lower = op == "UPDATE" ? "update" : "delete";
        steps.push_back({"CREATE TRIGGER " + table + "_no_" + lower + " BEFORE " + op + " ON " + table +
                             " BEGIN SELECT RAISE(ABORT, '" + table + " is append-only: " + op + " refused'); END",
                         Dialect::sqlite});
    }
    steps.push_back({"CREATE TRIGGER " + table + "_append_only BEFORE UPDATE OR DELETE ON " + table +
                         " FOR EACH ROW EXECUTE FUNCTION lims_refuse_change()",
                     Dialect::postgresql});
    return steps;
}

namespace {

Migration core_schema() {
    Migration m{1, "core schema", {}};
    auto add = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    // --- organisations, people, access -------------------------------------------
    add(R"(CREATE TABLE organisations (
  id {ID},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('bureau', 'supervision_office', 'inspection_centre', 'enforcement_unit')),
  parent_id BIGINT REFERENCES organisations (id),
  region_code TEXT NOT NULL CHECK (length(region_code) = 6),
  path TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX organisations_parent ON organisations (parent_id)");
    add(R"(CREATE TABLE users (
  id {ID},
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX users_org ON users (org_id)");
    add(R"(CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)))");
    add(R"(CREATE TABLE auth_tokens (
  id {ID},
  user_id BIGINT NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT))");
    add("CREATE INDEX auth_tokens_user ON auth_tokens (user_id)");

    // --- the supervised: entities and products --------------------------------------
    add(R"(CREATE TABLE regulated_entities (
  id {ID},
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pharmacy', 'hospital', 'clinic', 'distributor', 'manufacturer', 'cdc',
                                     'vaccination_site', 'cosmetics_business', 'device_business')),
  credit_code TEXT CHECK (credit_code IS NULL OR length(credit_code) = 18),
  jurisdiction_org_id BIGINT NOT NULL REFERENCES organisations (id),
  region_code TEXT NOT NULL CHECK (length(region_code) = 6),
  address TEXT NOT NULL DEFAULT '',
  licence_number TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX regulated_entities_jurisdiction ON regulated_entities (jurisdiction_org_id, id)");
    add("CREATE INDEX regulated_entities_credit_code ON regulated_entities (credit_code)");
    add(R"(CREATE TABLE products (
  id {ID},
  name TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('drug', 'vaccine', 'biological', 'tcm_decoction_piece', 'cosmetic', 'device')),
  dosage_form TEXT NOT NULL DEFAULT '',
  specification TEXT NOT NULL DEFAULT '',
  approval_number TEXT NOT NULL DEFAULT '',
  manufacturer_entity_id BIGINT REFERENCES regulated_entities (id),
  manufacturer_name TEXT NOT NULL DEFAULT '',
  storage_class TEXT NOT NULL CHECK (storage_class IN ('ambient', 'cool', 'refrigerated', 'frozen')),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX products_approval_number ON products (approval_number)");
    // Limits are decimal text (exact; the domain rounds half-to-even to decimal_places).
    add(R"(CREATE TABLE specification_lines (
  id {ID},
  product_id BIGINT REFERENCES products (id),
  standard_ref TEXT NOT NULL,
  test_code TEXT NOT NULL,
  test_name TEXT NOT NULL,
  limit_kind TEXT NOT NULL CHECK (limit_kind IN ('range', 'upper', 'lower', 'qualitative')),
  lower_limit TEXT,
  upper_limit TEXT,
  lower_inclusive INTEGER NOT NULL DEFAULT 1,
  upper_inclusive INTEGER NOT NULL DEFAULT 1,
  expected_text TEXT,
  unit TEXT NOT NULL DEFAULT '',
  decimal_places INTEGER NOT NULL DEFAULT 0,
  warning_lower TEXT,
  warning_upper TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX specification_lines_product ON specification_lines (product_id, test_code)");

    // --- planning ----------------------------------------------------------------------
    add(R"(CREATE TABLE sampling_plans (
  id {ID},
  code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  year INTEGER NOT NULL,
  state TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add(R"(CREATE TABLE plan_quotas (
  id {ID},
  plan_id BIGINT NOT NULL REFERENCES sampling_plans (id),
  office_org_id BIGINT NOT NULL REFERENCES organisations (id),
  category TEXT NOT NULL,
  focus TEXT NOT NULL DEFAULT '',
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  due_on TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE (plan_id, office_org_id, category, focus)))");
    add(R"(CREATE TABLE tasks (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  plan_id BIGINT NOT NULL REFERENCES sampling_plans (id),
  quota_id BIGINT REFERENCES plan_quotas (id),
  office_org_id BIGINT NOT NULL REFERENCES organisations (id),
  assignee_user_id BIGINT REFERENCES users (id),
  entity_id BIGINT REFERENCES regulated_entities (id),
  state TEXT NOT NULL,
  due_on TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX tasks_office ON tasks (office_org_id, id)");

    // --- cold chain places and loggers (samples refer to storage units) ----------------
    add(R"(CREATE TABLE storage_units (
  id {ID},
  code TEXT NOT NULL UNIQUE,
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('refrigerator', 'freezer', 'cold_room', 'cool_store', 'ambient_store', 'transport_box')),
  entity_id BIGINT REFERENCES regulated_entities (id),
  storage_class TEXT NOT NULL DEFAULT 'refrigerated' CHECK (storage_class IN ('refrigerated', 'frozen', 'cool', 'ambient')),
  active INTEGER NOT NULL DEFAULT 1,
  min_centi_celsius INTEGER NOT NULL,
  max_centi_celsius INTEGER NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (min_centi_celsius < max_centi_celsius)))");
    add(R"(CREATE TABLE loggers (
  id {ID},
  serial TEXT NOT NULL UNIQUE,
  model TEXT NOT NULL DEFAULT '',
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");

    // --- samples -------------------------------------------------------------------------
    add(R"(CREATE TABLE samples (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  task_id BIGINT REFERENCES tasks (id),
  product_id BIGINT REFERENCES products (id),
  entity_id BIGINT REFERENCES regulated_entities (id),
  product_name TEXT NOT NULL,
  batch_number TEXT NOT NULL DEFAULT '',
  production_date TEXT,
  expiry_date TEXT,
  quantity TEXT NOT NULL,
  unit TEXT NOT NULL,
  storage_condition TEXT NOT NULL CHECK (storage_condition IN ('ambient', 'cool', 'refrigerated', 'frozen')),
  sampled_at TEXT NOT NULL,
  sampling_place TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  registered_by BIGINT REFERENCES users (id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    // Keyset pagination of a jurisdiction's samples (LESSONS: listings must not slow down).
    add("CREATE INDEX samples_org_id ON samples (org_id, id)");
    add("CREATE INDEX samples_state_id ON samples (state, id)");
    add("CREATE INDEX samples_task ON samples (task_id)");
    // A seal number is a physical, numbered seal: used once, ever.
    add(R"(CREATE TABLE sample_seals (
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  seal_number TEXT NOT NULL UNIQUE,
  PRIMARY KEY (sample_id, seal_number)))");
    add(R"(CREATE TABLE sample_samplers (
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  PRIMARY KEY (sample_id, user_id)))");
    add(R"(CREATE TABLE sample_portions (
  id {ID},
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  kind TEXT NOT NULL CHECK (kind IN ('test', 'retained')),
  quantity TEXT NOT NULL,
  unit TEXT NOT NULL,
  storage_unit_id BIGINT REFERENCES storage_units (id),
  state TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1))");
    add("CREATE INDEX sample_portions_sample ON sample_portions (sample_id)");
    // Drug traceability codes (药品追溯码) read from the packs taken.
    add(R"(CREATE TABLE sample_trace_codes (
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  code TEXT NOT NULL,
  PRIMARY KEY (sample_id, code)))");

    // --- shipments ------------------------------------------------------------------------
    add(R"(CREATE TABLE shipments (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  from_org_id BIGINT NOT NULL REFERENCES organisations (id),
  to_org_id BIGINT NOT NULL REFERENCES organisations (id),
  state TEXT NOT NULL,
  carrier TEXT NOT NULL DEFAULT '',
  logger_id BIGINT REFERENCES loggers (id),
  sent_at TEXT,
  received_at TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add(R"(CREATE TABLE shipment_items (
  shipment_id BIGINT NOT NULL REFERENCES shipments (id),
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  receipt_condition TEXT CHECK (receipt_condition IS NULL OR
                                receipt_condition IN ('good', 'damaged', 'leaked', 'missing', 'rejected')),
  receipt_note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (shipment_id, sample_id)))");
    add("CREATE INDEX shipment_items_sample ON shipment_items (sample_id)");
    add(R"(CREATE TABLE logger_placements (
  id {ID},
  logger_id BIGINT NOT NULL REFERENCES loggers (id),
  storage_unit_id BIGINT REFERENCES storage_units (id),
  shipment_id BIGINT REFERENCES shipments (id),
  from_utc BIGINT NOT NULL,
  to_utc BIGINT,
  CHECK ((storage_unit_id IS NULL) <> (shipment_id IS NULL)),
  CHECK (to_utc IS NULL OR to_utc > from_utc)))");
    add("CREATE INDEX logger_placements_logger ON logger_placements (logger_id, from_utc)");
    // One row per logger and second: the key is the deduplication (a re-polled or re-posted
    // reading is the same fact). Temperature in 0.01 °C as an integer: exact, compact.
    add(R"(CREATE TABLE readings (
  logger_id BIGINT NOT NULL REFERENCES loggers (id),
  at_utc BIGINT NOT NULL,
  centi_celsius INTEGER NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (logger_id, at_utc)){WITHOUT_ROWID})");

    // --- instruments, tests, results --------------------------------------------------------
    // options_json: the driver's per-family settings as a JSON object of strings, numbers or
    // booleans (drivers/registry.hpp "options"); `lims serve` runs the active ones.
    add(R"(CREATE TABLE instruments (
  id {ID},
  code TEXT NOT NULL UNIQUE,
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  name TEXT NOT NULL,
  protocol TEXT NOT NULL CHECK (protocol IN ('astm', 'hl7', 'sics', 'modbus', 'csv', 'manual')),
  transport TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  options_json TEXT NOT NULL DEFAULT '{}',
  active INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    // The same bytes arriving twice from one instrument (a resend after a lost ACK) are one message.
    add(R"(CREATE TABLE raw_messages (
  id {ID},
  instrument_id BIGINT REFERENCES instruments (id),
  protocol TEXT NOT NULL,
  received_at TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes {BLOB} NOT NULL,
  UNIQUE (instrument_id, sha256)))");
    add(R"(CREATE TABLE tests (
  id {ID},
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  spec_line_id BIGINT REFERENCES specification_lines (id),
  test_code TEXT NOT NULL,
  state TEXT NOT NULL,
  round INTEGER NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),
  assigned_to BIGINT REFERENCES users (id),
  instrument_id BIGINT REFERENCES instruments (id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    // round: 1 is the first examination, 2 the re-inspection (复验) of the retained portion.
    add("CREATE INDEX tests_sample ON tests (sample_id, round)");
    add("CREATE INDEX tests_state ON tests (state, id)");
    // Worklists: an instrument's open tests, an analyst's open tests.
    add("CREATE INDEX tests_instrument ON tests (instrument_id, state, id)");
    // A retest or correction is a new row that names the one it replaces.
    add(R"(CREATE TABLE results (
  id {ID},
  test_id BIGINT NOT NULL REFERENCES tests (id),
  replaces_result_id BIGINT REFERENCES results (id),
  value_text TEXT,
  qualitative TEXT,
  unit TEXT NOT NULL DEFAULT '',
  flags TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('manual', 'instrument')),
  raw_message_id BIGINT REFERENCES raw_messages (id),
  conformity TEXT CHECK (conformity IS NULL OR conformity IN ('conforming', 'nonconforming', 'warning')),
  entered_by BIGINT REFERENCES users (id),
  entered_at TEXT NOT NULL,
  CHECK (value_text IS NOT NULL OR qualitative IS NOT NULL)))");
    add("CREATE INDEX results_test ON results (test_id, id)");
    add(R"(CREATE TABLE result_reviews (
  id {ID},
  result_id BIGINT NOT NULL REFERENCES results (id),
  reviewer_user_id BIGINT NOT NULL REFERENCES users (id),
  decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'retest')),
  reason TEXT NOT NULL DEFAULT '',
  reviewed_at TEXT NOT NULL))");
    add("CREATE INDEX result_reviews_result ON result_reviews (result_id)");
    // Electronic signatures with their meaning, method and the signer's address.
    add(R"(CREATE TABLE signatures (
  id {ID},
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  signer_user_id BIGINT NOT NULL REFERENCES users (id),
  meaning TEXT NOT NULL CHECK (meaning IN ('performed', 'verified', 'authored', 'reviewed', 'approved', 'released',
                                           'rejected')),
  method TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  content_sha256 TEXT NOT NULL,
  signed_at TEXT NOT NULL))");
    add("CREATE INDEX signatures_entity ON signatures (entity_type, entity_id)");

    // --- reports, notices, case leads -------------------------------------------------------
    add(R"(CREATE TABLE reports (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  sample_id BIGINT NOT NULL REFERENCES samples (id),
  state TEXT NOT NULL,
  round INTEGER NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),
  supersedes_report_id BIGINT REFERENCES reports (id),
  conclusion TEXT CHECK (conclusion IS NULL OR conclusion IN ('conforms', 'does_not_conform')),
  serious_risk INTEGER NOT NULL DEFAULT 0,
  content_json TEXT NOT NULL DEFAULT '',
  content_sha256 TEXT,
  pdf_sha256 TEXT,
  approved_by BIGINT REFERENCES users (id),
  approved_at TEXT,
  issued_by BIGINT REFERENCES users (id),
  issued_at TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX reports_sample ON reports (sample_id)");
    add(R"(CREATE TABLE notices (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  sample_id BIGINT REFERENCES samples (id),
  report_id BIGINT REFERENCES reports (id),
  recipient TEXT NOT NULL CHECK (recipient IN ('organising_bureau', 'sampled_unit_bureau', 'manufacturer_bureau')),
  to_org_id BIGINT REFERENCES organisations (id),
  external INTEGER NOT NULL DEFAULT 0,
  external_region_code TEXT,
  external_recipient TEXT NOT NULL DEFAULT '',
  serious_risk INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  due_at TEXT,
  deadline_provisional INTEGER,
  acknowledged_at TEXT,
  acknowledged_by BIGINT REFERENCES users (id),
  acknowledgement_reference TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (to_org_id IS NOT NULL OR external = 1)))");
    // A manufacturer outside the system's jurisdiction gets an outbound notice (external = 1)
    // delivered by hand; to_org_id is then empty and the region code says where it goes.
    add("CREATE INDEX notices_to_org ON notices (to_org_id, id)");
    add(R"(CREATE TABLE case_leads (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('nonconforming_result', 'cold_chain_break', 'manual')),
  sample_id BIGINT REFERENCES samples (id),
  report_id BIGINT REFERENCES reports (id),
  entity_id BIGINT REFERENCES regulated_entities (id),
  logger_id BIGINT REFERENCES loggers (id),
  manufacturer_entity_id BIGINT REFERENCES regulated_entities (id),
  manufacturer_name TEXT NOT NULL DEFAULT '',
  product_id BIGINT REFERENCES products (id),
  product_name TEXT NOT NULL DEFAULT '',
  batch_number TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  findings_json TEXT NOT NULL DEFAULT '[]',
  evidence_json TEXT NOT NULL DEFAULT '[]',
  assigned_org_id BIGINT NOT NULL REFERENCES organisations (id),
  state TEXT NOT NULL,
  received_at TEXT NOT NULL,
  deadline_at TEXT NOT NULL,
  deadline_provisional INTEGER,
  extended INTEGER NOT NULL DEFAULT 0,
  extension_approval TEXT,
  decision TEXT,
  decision_reason TEXT,
  receiving_body TEXT,
  approval TEXT,
  reference TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX case_leads_org ON case_leads (assigned_org_id, id)");

    // --- numbering, corrections, audit -------------------------------------------------------
    // Business numbers (samples, shipments, reports, ...) come from here, inside the
    // registering transaction: no duplicates; gaps only from rolled-back registrations.
    add(R"(CREATE TABLE number_counters (
  name TEXT PRIMARY KEY,
  next_value BIGINT NOT NULL CHECK (next_value >= 1)))");
    // Every version of a versioned record, complete, with why it changed: registration is
    // version 1, each correction the next (see lims/store/README.md).
    add(R"(CREATE TABLE revisions (
  entity_type TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  data_json TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  at_utc TEXT NOT NULL,
  PRIMARY KEY (entity_type, entity_id, version)))");
    add(R"(CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at_utc TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  reason TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL))");
    add("CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id)");
    // The chain head: appenders lock this row; verify compares it with the last entry, so
    // deleting entries from the end is detected too.
    add(R"(CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq BIGINT NOT NULL,
  last_hash TEXT NOT NULL))");
    add("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '" + genesis_hash + "')");

    // Each area's own tables (schema_parts.hpp). Until the first release the whole schema
    // is migration 1, assembled from these parts; afterwards every change is a new migration.
    add_service_tables(m);
    add_sampling_tables(m);
    add_ingest_tables(m);
    add_review_tables(m);
    add_coldchain_tables(m);

    for (auto& step : append_only_guards()) m.steps.push_back(std::move(step));
    for (const auto& table : extra_append_only_tables())
        for (auto& step : append_only_guard_steps(table)) m.steps.push_back(std::move(step));
    return m;
}

std::string shorten(const std::string& sql) {
    constexpr std::size_t shown = 120;
    std::string one_line;
    for (char c : sql) {
        if (c == '\n' || c == '\r') c = ' ';
        if (c == ' ' && !one_line.empty() && one_line.back() == ' ') continue;
        one_line += c;
    }
    return one_line.size() > shown ? one_line.substr(0, shown) + "..." : one_line;
}

int read_version(Transaction& tx) {
    Poco::Nullable<int> v;
    tx.session() << "SELECT MAX(version) FROM schema_version", into(v), now;
    return v.isNull() ? 0 : v.value();
}

StoreResult<Done> check_sequence(const std::vector<Migration>& migrations) {
    for (std::size_t i = 0; i < migrations.size(); ++i)
        if (migrations[i].version != static_cast<int>(i) + 1)
            return store_error(StoreErrorKind::invalid_argument,
                               "migration list is not numbered 1, 2, 3, ...: position " + std::to_string(i + 1) +
                                   " holds version " + std::to_string(migrations[i].version));
    return Done{};
}

}  // namespace

const std::vector<Migration>& builtin_migrations() {
    static const std::vector<Migration> all{core_schema(), migration_0002_case_lead_failed_alarms(),
                                            migration_0003_idempotency_claims_and_truncate_guards(),
                                            migration_0004_versioned_specification_lines(),
                                            migration_0005_excursion_rules(),
                                            migration_0006_notifications_and_contacts(),
                                            migration_0007_document_services(),
                                            migration_0008_cases(),
                                            migration_0009_reinspection_laboratories(),
                                            migration_0010_plans_statistics_risks(),
                                            migration_0011_publication_and_platform_numbers(),
                                            migration_0012_online_sampling_and_evidence(),
                                            migration_0013_audit_seals(),
                                            migration_0014_reinspection_refusals()};
    return all;
}

std::string expand_for_dialect(const std::string& sql, Dialect dialect) {
    std::string out = sql;
    const bool lite = dialect == Dialect::sqlite;
    // SQLite: INTEGER PRIMARY KEY is the rowid itself (no separate index).
    replace_all(out, "{ID}", lite ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_all(out, "{BLOB}", lite ? "BLOB" : "BYTEA");
    // SQLite: store rows in the primary-key b-tree itself (no rowid), halving the writes.
    replace_all(out, "{WITHOUT_ROWID}", lite ? " WITHOUT ROWID" : "");
    return out;
}

StoreResult<MigrationReport> migrate(Database& db, const std::vector<Migration>& migrations) {
    if (auto ok = check_sequence(migrations); !ok) return ok.error();
    auto created = db.write([](Transaction& tx) -> StoreResult<Done> {
        tx.session() << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "applied_at TEXT NOT NULL)",
            now;
        return Done{};
    });
    if (!created) return created.error();

    MigrationReport report;
    auto before = schema_version(db);
    if (!before) return before.error();
    report.version_before = report.version_after = *before;
    const int latest = static_cast<int>(migrations.size());
    if (*before > latest)
        return store_error(StoreErrorKind::schema_outdated,
                           db.display_name() + " has schema version " + std::to_string(*before) +
                               ", newer than this build knows (" + std::to_string(latest) + "); upgrade lims");

    for (const auto& m : migrations) {
        auto applied = db.write([&](Transaction& tx) -> StoreResult<bool> {
            if (tx.dialect() == Dialect::postgresql)
                tx.session() << "SELECT pg_advisory_xact_lock($1)", bind(migration_lock_key), now;
            if (read_version(tx) >= m.version) return false;  // applied meanwhile by another process
            int index = 0;
            for (const auto& step : m.steps) {
                ++index;
                if (step.only && *step.only != tx.dialect()) continue;
                const std::string sql = expand_for_dialect(step.sql, tx.dialect());
                try {
                    tx.session() << sql, now;
                } catch (const Poco::Exception& e) {
                    return store_error(StoreErrorKind::migration_failed,
                                       "migration " + std::to_string(m.version) + " (" + m.name +
                                           ") failed at statement " + std::to_string(index) + " [" + shorten(sql) +
                                           "]: " + e.displayText() + "; rolled back, the database stays at version " +
                                           std::to_string(m.version - 1));
                }
            }
            std::string name = m.name;
            std::string at = tx.now_utc();
            tx.session() << "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                bind(m.version), use(name), use(at), now;
            return true;
        });
        if (!applied) return applied.error();
        if (*applied) {
            report.applied.push_back(std::to_string(m.version) + " " + m.name);
            report.version_after = m.version;
        }
    }
    auto after = schema_version(db);
    if (!after) return after.error();
    report.version_after = *after;
    return report;
}

StoreResult<int> schema_version(Database& db) {
    return db.read([](Transaction& tx) -> StoreResult<int> {
        int tables = 0;
        if (tx.dialect() == Dialect::sqlite)
            tx.session() << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
                into(tables), now;
        else
            tx.session() << "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                            "AND table_name = 'schema_version'",
                into(tables), now;
        if (tables == 0) return 0;
        return read_version(tx);
    });
}

StoreResult<Done> require_current_schema(Database& db, const std::vector<Migration>& migrations) {
    auto v = schema_version(db);
    if (!v) return v.error();
    const int latest = static_cast<int>(migrations.size());
    if (*v == latest) return Done{};
    if (*v < latest)
        return store_error(StoreErrorKind::schema_outdated, db.display_name() + " has schema version " +
                                                                std::to_string(*v) + ", this build needs " +
                                                                std::to_string(latest) + ": run `lims migrate`");
    return store_error(StoreErrorKind::schema_outdated, db.display_name() + " has schema version " +
                                                            std::to_string(*v) + ", newer than this build knows (" +
                                                            std::to_string(latest) + ")");
}

}  // namespace lims::store
