// Migration 6 (issue 19 item 4, issue 16 item 4): notifications a person reads, contacts
// changed with their history, nonconformity notices pushed to the bureaus' contacts.
// - organisation_contacts: who at an organisation receives its nonconformity notices
//   (role 'notices') and who is its head (role 'head', reached when a 24-hour notice is not
//   acknowledged in time). Append-only: a change appends the replacing row (replaces_id),
//   a removal appends a row with removed = 1; the current contacts are the rows nothing
//   replaces that are not removals. A row is replaced once (unique replaces_id).
// - coldchain_contacts: replaces_id, ended_at, ended_by. A change appends the replacing
//   contact and ends the old one; a removal ends it. Rows are never deleted.
// - alarm_notifications is the one retrying delivery queue of alarms and notices:
//   alarm_id becomes optional, notice_id and org_contact_id are added, and a row is about
//   exactly one alarm or one notice. PostgreSQL alters the table; SQLite cannot drop a
//   NOT NULL, so the table is built anew and its rows copied (ids kept; nothing refers to it).
// - notification_marks: a person's "read" and "acknowledged" of an item of their
//   notifications (an in-app alarm notification, a notice to their organisation, a
//   message to their office). Append-only, one of each per person and item.
// - notice_pushes: a notice queued for its recipients' contacts ('push') and escalated to
//   the bureau's head ('escalation'), once each (primary key). Append-only.
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0006_notifications_and_contacts() {
    Migration m{6, "notifications read by people; contacts with history; notices pushed", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };
    auto sqlite = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::sqlite}); };
    auto postgresql = [&](std::string sql) { m.steps.push_back({std::move(sql), Dialect::postgresql}); };

    both(R"(CREATE TABLE organisation_contacts (
  id {ID},
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  role TEXT NOT NULL CHECK (role IN ('notices', 'head')),
  name TEXT NOT NULL,
  user_id BIGINT REFERENCES users (id),
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  replaces_id BIGINT REFERENCES organisation_contacts (id),
  removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL))");
    both("CREATE INDEX organisation_contacts_org ON organisation_contacts (org_id, id)");
    both("CREATE UNIQUE INDEX organisation_contacts_replaces ON organisation_contacts (replaces_id)");
    for (auto& step : append_only_guard_steps("organisation_contacts")) m.steps.push_back(std::move(step));

    both("ALTER TABLE coldchain_contacts ADD COLUMN replaces_id BIGINT REFERENCES coldchain_contacts (id)");
    both("ALTER TABLE coldchain_contacts ADD COLUMN ended_at TEXT");
    both("ALTER TABLE coldchain_contacts ADD COLUMN ended_by TEXT");
    both("CREATE UNIQUE INDEX coldchain_contacts_replaces ON coldchain_contacts (replaces_id)");

    postgresql("ALTER TABLE alarm_notifications ALTER COLUMN alarm_id DROP NOT NULL");
    postgresql("ALTER TABLE alarm_notifications ADD COLUMN notice_id BIGINT REFERENCES notices (id)");
    postgresql("ALTER TABLE alarm_notifications ADD COLUMN org_contact_id BIGINT REFERENCES organisation_contacts (id)");
    postgresql("ALTER TABLE alarm_notifications ADD CONSTRAINT alarm_notifications_about_one "
               "CHECK ((alarm_id IS NULL) <> (notice_id IS NULL))");
    sqlite(R"(CREATE TABLE alarm_notifications_v6 (
  id {ID},
  alarm_id BIGINT REFERENCES coldchain_alarms (id),
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
  created_at TEXT NOT NULL,
  notice_id BIGINT REFERENCES notices (id),
  org_contact_id BIGINT REFERENCES organisation_contacts (id),
  CONSTRAINT alarm_notifications_about_one CHECK ((alarm_id IS NULL) <> (notice_id IS NULL))))");
    sqlite("INSERT INTO alarm_notifications_v6 (id, alarm_id, contact_id, user_id, channel, address, escalation_level, "
           "subject, body, state, attempts, next_attempt_utc, last_error, sent_at_utc, created_at) SELECT id, alarm_id, "
           "contact_id, user_id, channel, address, escalation_level, subject, body, state, attempts, next_attempt_utc, "
           "last_error, sent_at_utc, created_at FROM alarm_notifications");
    sqlite("DROP TABLE alarm_notifications");
    sqlite("ALTER TABLE alarm_notifications_v6 RENAME TO alarm_notifications");
    sqlite("CREATE INDEX alarm_notifications_due ON alarm_notifications (state, next_attempt_utc)");
    sqlite("CREATE INDEX alarm_notifications_alarm ON alarm_notifications (alarm_id)");
    sqlite("CREATE INDEX alarm_notifications_user ON alarm_notifications (user_id, id)");
    both("CREATE INDEX alarm_notifications_notice ON alarm_notifications (notice_id)");

    both(R"(CREATE TABLE notification_marks (
  id {ID},
  user_id BIGINT NOT NULL REFERENCES users (id),
  source TEXT NOT NULL CHECK (source IN ('alarm', 'notice', 'office')),
  item_id BIGINT NOT NULL,
  mark TEXT NOT NULL CHECK (mark IN ('read', 'acknowledged')),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (user_id, source, item_id, mark)))");
    for (auto& step : append_only_guard_steps("notification_marks")) m.steps.push_back(std::move(step));

    both(R"(CREATE TABLE notice_pushes (
  notice_id BIGINT NOT NULL REFERENCES notices (id),
  step TEXT NOT NULL CHECK (step IN ('push', 'escalation')),
  recipients INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (notice_id, step)))");
    for (auto& step : append_only_guard_steps("notice_pushes")) m.steps.push_back(std::move(step));
    for (const char* table : {"organisation_contacts", "notification_marks", "notice_pushes"})
        postgresql(std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                   " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()");
    return m;
}

}  // namespace lims::store
