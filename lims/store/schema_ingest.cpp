#include "lims/store/schema_parts.hpp"

namespace lims::store {

void add_ingest_tables(Migration& m) {
    auto add = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    // The instrument's own test code -> the specification catalogue's test code (tests.test_code),
    // with the unit conversion: a value sent in `instrument_unit` is recorded as
    // value * factor + conversion_offset in `result_unit`; a value already in `result_unit` is taken as
    // sent; any other unit cannot be converted (quarantine). Factor and offset are exact
    // decimal text. One mapping per instrument code; `active` 0 retires it (kept for history).
    add(R"(CREATE TABLE instrument_test_mappings (
  id {ID},
  instrument_id BIGINT NOT NULL REFERENCES instruments (id),
  instrument_test_code TEXT NOT NULL,
  test_code TEXT NOT NULL,
  instrument_unit TEXT NOT NULL DEFAULT '',
  result_unit TEXT NOT NULL DEFAULT '',
  factor TEXT NOT NULL DEFAULT '1',
  conversion_offset TEXT NOT NULL DEFAULT '0',
  active INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (instrument_id, instrument_test_code)))");

    // Every observation decoded from a raw message, as decoded, pointing at its message and
    // at what became of it (a result, or a quarantine entry). A fact: append-only.
    add(R"(CREATE TABLE instrument_observations (
  id {ID},
  raw_message_id BIGINT NOT NULL REFERENCES raw_messages (id),
  position INTEGER NOT NULL,
  specimen_id TEXT NOT NULL,
  instrument_test_code TEXT NOT NULL,
  value_text TEXT NOT NULL,
  units TEXT NOT NULL,
  status TEXT NOT NULL,
  observation_json TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('result', 'quarantined')),
  result_id BIGINT REFERENCES results (id),
  quarantine_id BIGINT,
  UNIQUE (raw_message_id, position)))");

    // Observations (or whole messages) that could not be matched, for a technician of the
    // instrument's laboratory to assign to a sample's test or discard with a reason.
    // position -1: the message itself (e.g. terminated abnormally), not one observation.
    add(R"(CREATE TABLE quarantine (
  id {ID},
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  instrument_id BIGINT NOT NULL REFERENCES instruments (id),
  raw_message_id BIGINT NOT NULL REFERENCES raw_messages (id),
  position INTEGER NOT NULL,
  specimen_id TEXT NOT NULL DEFAULT '',
  instrument_test_code TEXT NOT NULL DEFAULT '',
  observation_json TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'assigned', 'discarded')),
  resolved_by TEXT,
  resolved_at TEXT,
  resolution_reason TEXT,
  result_id BIGINT REFERENCES results (id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL))");
    add("CREATE INDEX quarantine_org_state ON quarantine (org_id, state, id)");
    add("CREATE INDEX quarantine_raw_message ON quarantine (raw_message_id)");

    // How a logger is polled (the drivers' configuration, kept with the logger): transport
    // and address (serial line settings for RTU), Modbus unit id, the register map (a file
    // on the service's machine, or map_json given in-line through the API) and its
    // temperature point, the polling interval, reply timeout and retries. `lims serve`
    // with in-process drivers polls the active ones (logger_polling_repository.hpp).
    add(R"(CREATE TABLE logger_settings (
  logger_id BIGINT PRIMARY KEY REFERENCES loggers (id),
  transport TEXT NOT NULL CHECK (transport IN ('modbus_tcp', 'modbus_rtu')),
  address TEXT NOT NULL,
  serial_settings TEXT NOT NULL DEFAULT '9600,8N1',
  unit_id INTEGER NOT NULL DEFAULT 1 CHECK (unit_id BETWEEN 0 AND 247),
  map_file TEXT NOT NULL,
  map_json TEXT NOT NULL DEFAULT '',
  point TEXT NOT NULL DEFAULT '',
  interval_seconds INTEGER NOT NULL CHECK (interval_seconds >= 1),
  timeout_ms INTEGER NOT NULL DEFAULT 1000,
  retries INTEGER NOT NULL DEFAULT 2,
  active INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL))");
}

}  // namespace lims::store
