#include "lims/store/schema_parts.hpp"

namespace lims::store {

// The cold chain's own tables beside the core storage_units / loggers / logger_placements /
// readings: which transport box travels with which shipment, the designated contacts of a
// site, the detector's saved state per logger, excursions, alarms and their deliveries,
// readings refused at ingest, and the 5-minute aggregates the retention job keeps.
void add_coldchain_tables(Migration& m) {
    auto add = [&](std::string sql, std::optional<Dialect> only = std::nullopt) {
        m.steps.push_back({std::move(sql), only});
    };

    // A transport box (a storage unit of kind transport_box) bound to a shipment for the
    // trip; its storage class and range are the trip's rules.
    add(R"(CREATE TABLE transport_box_trips (
  shipment_id BIGINT PRIMARY KEY REFERENCES shipments (id),
  storage_unit_id BIGINT NOT NULL REFERENCES storage_units (id),
  bound_at_utc BIGINT NOT NULL,
  released_at_utc BIGINT))");

    // Designated people of a site (an organisation, or a regulated entity under it): GSP
    // annex, alarms go to at least three of them. escalation_level 0 is notified at once;
    // level n when an alarm stays unacknowledged past n acknowledgement deadlines.
    add(R"(CREATE TABLE coldchain_contacts (
  id {ID},
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  entity_id BIGINT REFERENCES regulated_entities (id),
  name TEXT NOT NULL,
  user_id BIGINT REFERENCES users (id),
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level >= 0),
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL))");
    add("CREATE INDEX coldchain_contacts_site ON coldchain_contacts (org_id, entity_id)");

    // LoggerDetector::save() of the logger's current placement, written in the same
    // transaction as the readings it has seen: a restart resumes exactly.
    add(R"(CREATE TABLE detector_states (
  logger_id BIGINT PRIMARY KEY REFERENCES loggers (id),
  placement_id BIGINT NOT NULL REFERENCES logger_placements (id),
  state TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL))");

    add(R"(CREATE TABLE excursions (
  id {ID},
  logger_id BIGINT NOT NULL REFERENCES loggers (id),
  placement_id BIGINT NOT NULL REFERENCES logger_placements (id),
  storage_unit_id BIGINT REFERENCES storage_units (id),
  shipment_id BIGINT REFERENCES shipments (id),
  rule TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('heat', 'freeze')),
  accumulation TEXT NOT NULL CHECK (accumulation IN ('consecutive', 'cumulative')),
  start_utc BIGINT NOT NULL,
  opened_at_utc BIGINT NOT NULL,
  end_utc BIGINT,
  min_centi_celsius INTEGER,
  max_centi_celsius INTEGER,
  time_out_of_range_s BIGINT,
  mkt_celsius DOUBLE PRECISION,
  readings BIGINT,
  ended_by TEXT CHECK (ended_by IS NULL OR ended_by IN ('returned_to_range', 'record_gap', 'end_of_record')),
  state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  case_lead_id BIGINT REFERENCES case_leads (id),
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (logger_id, rule, start_utc)))");
    add("CREATE INDEX excursions_unit ON excursions (storage_unit_id, id)");
    add("CREATE INDEX excursions_shipment ON excursions (shipment_id, id)");

    add(R"(CREATE TABLE coldchain_alarms (
  id {ID},
  logger_id BIGINT NOT NULL REFERENCES loggers (id),
  placement_id BIGINT NOT NULL REFERENCES logger_placements (id),
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  storage_unit_id BIGINT REFERENCES storage_units (id),
  shipment_id BIGINT REFERENCES shipments (id),
  excursion_id BIGINT REFERENCES excursions (id),
  kind TEXT NOT NULL CHECK (kind IN ('out_of_range', 'excursion', 'offline', 'sensor_fault')),
  side TEXT CHECK (side IS NULL OR side IN ('above', 'below')),
  raised_at_utc BIGINT NOT NULL,
  since_utc BIGINT NOT NULL,
  centi_celsius INTEGER,
  detail TEXT NOT NULL DEFAULT '',
  cleared_at_utc BIGINT,
  acknowledged_by BIGINT REFERENCES users (id),
  acknowledged_at TEXT,
  acknowledgement_note TEXT,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  escalate_at_utc BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL))");
    add("CREATE INDEX coldchain_alarms_org ON coldchain_alarms (org_id, id)");
    add("CREATE INDEX coldchain_alarms_logger ON coldchain_alarms (logger_id, kind, cleared_at_utc)");
    add("CREATE INDEX coldchain_alarms_escalation ON coldchain_alarms (escalate_at_utc)");

    // One row per (alarm, contact, channel, escalation level): an in-app notification is
    // delivered by being here; e-mail and webhook rows wait for the delivery job.
    add(R"(CREATE TABLE alarm_notifications (
  id {ID},
  alarm_id BIGINT NOT NULL REFERENCES coldchain_alarms (id),
  contact_id BIGINT REFERENCES coldchain_contacts (id),
  user_id BIGINT REFERENCES users (id),
  channel TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'webhook')),
  address TEXT NOT NULL DEFAULT '',
  escalation_level INTEGER NOT NULL DEFAULT 0,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_utc BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at_utc BIGINT,
  created_at TEXT NOT NULL))");
    add("CREATE INDEX alarm_notifications_due ON alarm_notifications (state, next_attempt_utc)");
    add("CREATE INDEX alarm_notifications_alarm ON alarm_notifications (alarm_id)");
    add("CREATE INDEX alarm_notifications_user ON alarm_notifications (user_id, id)");

    // Readings refused at ingest, with the reason: never silently dropped (issue 7).
    add(R"(CREATE TABLE reading_rejections (
  id {ID},
  logger_serial TEXT NOT NULL,
  at_utc BIGINT NOT NULL,
  value_text TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  received_at TEXT NOT NULL))");
    add("CREATE INDEX reading_rejections_serial ON reading_rejections (logger_serial, id)");

    // What the retention job keeps of thinned raw readings: per 5 minutes (UTC-aligned),
    // count, minimum, maximum and the sum (mean = sum / count, exact).
    add(R"(CREATE TABLE reading_aggregates (
  logger_id BIGINT NOT NULL REFERENCES loggers (id),
  bucket_utc BIGINT NOT NULL,
  readings INTEGER NOT NULL,
  min_centi_celsius INTEGER NOT NULL,
  max_centi_celsius INTEGER NOT NULL,
  sum_centi_celsius BIGINT NOT NULL,
  PRIMARY KEY (logger_id, bucket_utc)){WITHOUT_ROWID})");

    // readings: never updated; a row may be deleted only when its 5-minute aggregate is
    // kept (the retention job), so no raw record disappears without its summary.
    add("CREATE TRIGGER readings_no_update BEFORE UPDATE ON readings BEGIN "
        "SELECT RAISE(ABORT, 'readings is append-only: UPDATE refused'); END",
        Dialect::sqlite);
    add("CREATE TRIGGER readings_delete_only_thinned BEFORE DELETE ON readings WHEN NOT EXISTS ("
        "SELECT 1 FROM reading_aggregates a WHERE a.logger_id = OLD.logger_id AND "
        "a.bucket_utc = OLD.at_utc - (((OLD.at_utc % 300) + 300) % 300)) BEGIN "
        "SELECT RAISE(ABORT, 'readings: DELETE refused, the reading has no 5-minute aggregate'); END",
        Dialect::sqlite);
    add(R"(CREATE FUNCTION lims_guard_readings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'readings is append-only: UPDATE refused';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM reading_aggregates a WHERE a.logger_id = OLD.logger_id AND
                 a.bucket_utc = OLD.at_utc - (((OLD.at_utc % 300) + 300) % 300)) THEN
    RAISE EXCEPTION 'readings: DELETE refused, the reading has no 5-minute aggregate';
  END IF;
  RETURN OLD;
END $$)",
        Dialect::postgresql);
    add("CREATE TRIGGER readings_guard BEFORE UPDATE OR DELETE ON readings FOR EACH ROW EXECUTE FUNCTION "
        "lims_guard_readings()",
        Dialect::postgresql);
}

}  // namespace lims::store
