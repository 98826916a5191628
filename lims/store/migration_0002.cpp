// Migration 2: the cold chain's case_lead_failed alarm kind (an excursion whose case lead
// could not be opened; lims/workflow/coldchain/excursion_leads.hpp). Only the CHECK on
// coldchain_alarms.kind changes.
//
// PostgreSQL replaces the constraint. SQLite cannot alter a CHECK, so the table is built
// anew and its rows copied; alarm_notifications, which references it, is rebuilt with it
// (renaming the old alarms table away would carry that reference along, and dropping it
// under foreign_keys=ON would fail on the notifications). Columns, keys and indexes are
// exactly migration 1's; ids are kept.
#include "lims/store/schema_parts.hpp"

namespace lims::store {

namespace {

constexpr const char* kAlarmKinds = "'out_of_range', 'excursion', 'offline', 'sensor_fault', 'case_lead_failed'";

}  // namespace

Migration migration_0002_case_lead_failed_alarms() {
    Migration m{2, "case_lead_failed alarm kind", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };
    auto sqlite = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::sqlite}); };
    auto postgresql = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::postgresql}); };

    postgresql("ALTER TABLE coldchain_alarms DROP CONSTRAINT coldchain_alarms_kind_check");
    postgresql(std::string("ALTER TABLE coldchain_alarms ADD CONSTRAINT coldchain_alarms_kind_check CHECK (kind IN (") +
               kAlarmKinds + "))");

    sqlite(std::string(R"(CREATE TABLE coldchain_alarms_v2 (
  id {ID},
  logger_id BIGINT NOT NULL REFERENCES loggers (id),
  placement_id BIGINT NOT NULL REFERENCES logger_placements (id),
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  storage_unit_id BIGINT REFERENCES storage_units (id),
  shipment_id BIGINT REFERENCES shipments (id),
  excursion_id BIGINT REFERENCES excursions (id),
  kind TEXT NOT NULL CHECK (kind IN ()") + kAlarmKinds + R"()),
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
    sqlite("INSERT INTO coldchain_alarms_v2 SELECT * FROM coldchain_alarms");
    sqlite(R"(CREATE TABLE alarm_notifications_v2 (
  id {ID},
  alarm_id BIGINT NOT NULL REFERENCES coldchain_alarms_v2 (id),
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
    sqlite("INSERT INTO alarm_notifications_v2 SELECT * FROM alarm_notifications");
    sqlite("DROP TABLE alarm_notifications");
    sqlite("DROP TABLE coldchain_alarms");
    // Renaming rewrites alarm_notifications_v2's reference to the new name.
    sqlite("ALTER TABLE coldchain_alarms_v2 RENAME TO coldchain_alarms");
    sqlite("ALTER TABLE alarm_notifications_v2 RENAME TO alarm_notifications");
    sqlite("CREATE INDEX coldchain_alarms_org ON coldchain_alarms (org_id, id)");
    sqlite("CREATE INDEX coldchain_alarms_logger ON coldchain_alarms (logger_id, kind, cleared_at_utc)");
    sqlite("CREATE INDEX coldchain_alarms_escalation ON coldchain_alarms (escalate_at_utc)");
    sqlite("CREATE INDEX alarm_notifications_due ON alarm_notifications (state, next_attempt_utc)");
    sqlite("CREATE INDEX alarm_notifications_alarm ON alarm_notifications (alarm_id)");
    sqlite("CREATE INDEX alarm_notifications_user ON alarm_notifications (user_id, id)");

    // The excursions the minute job looks at: those without their case lead.
    both("CREATE INDEX excursions_without_case_lead ON excursions (storage_unit_id) WHERE case_lead_id IS NULL");
    return m;
}

}  // namespace lims::store
