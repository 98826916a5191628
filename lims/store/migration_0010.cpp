// Migration 10 (issue 16 items 7 and 10): plans as the bureaus make them, the statistics
// the seeds ask for, and the risk ledger closed item by item.
// - focus_tags: the reference list of focus varieties (重点品种) the plans name — 集采中选,
//   vaccines, blood products, special drugs, 中药饮片, 配方颗粒, children's cosmetics,
//   medical-aesthetics products, implants (seeds 002-004; DOMAIN.md) — never free text.
// - product_focus_tags: a product tagged or untagged, as events (the current tags are
//   those whose last event is 'tag'); task_focus_tags and quota_focus_tags: a quota's tags,
//   copied onto the tasks its publication makes.
// - quota_months: a quota's batches per month (the quota's quantity is their sum).
// - plan_phases: a plan's phases (阶段) with the date each summary is due (seed 004).
// - risks, risk_items, risk_item_closures: the risk ledger (风险台账); each item is closed
//   (销号) by a user with its evidence, once; a risk closes when all its items are closed.
// Events, closures, items and month/tag/phase lines are facts: append-only (migration 1's
// guards, and BEFORE TRUNCATE on PostgreSQL as migration 3).
#include "lims/store/schema_parts.hpp"

namespace lims::store {

Migration migration_0010_plans_statistics_risks() {
    Migration m{10, "focus tags, quotas per month, plan phases, risk ledger", {}};
    auto both = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    both(R"(CREATE TABLE focus_tags (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  position INTEGER NOT NULL))");
    both(R"(INSERT INTO focus_tags (code, name, name_en, position) VALUES
  ('centrally_procured', '集采中选品种', 'centrally procured (集采) products', 1),
  ('vaccine', '疫苗', 'vaccines', 2),
  ('blood_product', '血液制品', 'blood products', 3),
  ('special_drug', '特殊药品', 'special drugs (narcotic, psychotropic, ...)', 4),
  ('tcm_decoction_piece', '中药饮片', 'TCM decoction pieces', 5),
  ('tcm_formula_granule', '中药配方颗粒', 'TCM formula granules', 6),
  ('children_cosmetic', '儿童化妆品', 'children''s cosmetics', 7),
  ('medical_aesthetic', '医疗美容产品', 'medical-aesthetics products', 8),
  ('implant', '植入类医疗器械', 'implants', 9))");
    both(R"(CREATE TABLE product_focus_tags (
  id {ID},
  product_id BIGINT NOT NULL REFERENCES products (id),
  tag_code TEXT NOT NULL REFERENCES focus_tags (code),
  event TEXT NOT NULL CHECK (event IN ('tag', 'untag')),
  actor TEXT NOT NULL,
  at_utc TEXT NOT NULL))");
    both("CREATE INDEX product_focus_tags_product ON product_focus_tags (product_id, tag_code, id)");
    both(R"(CREATE TABLE quota_focus_tags (
  quota_id BIGINT NOT NULL REFERENCES plan_quotas (id),
  tag_code TEXT NOT NULL REFERENCES focus_tags (code),
  PRIMARY KEY (quota_id, tag_code)))");
    both(R"(CREATE TABLE task_focus_tags (
  task_id BIGINT NOT NULL REFERENCES tasks (id),
  tag_code TEXT NOT NULL REFERENCES focus_tags (code),
  PRIMARY KEY (task_id, tag_code)))");
    both(R"(CREATE TABLE quota_months (
  quota_id BIGINT NOT NULL REFERENCES plan_quotas (id),
  month TEXT NOT NULL CHECK (length(month) = 7),
  quantity INTEGER NOT NULL CHECK (quantity >= 1),
  PRIMARY KEY (quota_id, month)))");
    both(R"(CREATE TABLE plan_phases (
  plan_id BIGINT NOT NULL REFERENCES sampling_plans (id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  starts_on TEXT NOT NULL CHECK (length(starts_on) = 10),
  ends_on TEXT NOT NULL CHECK (length(ends_on) = 10),
  summary_due_on TEXT CHECK (summary_due_on IS NULL OR length(summary_due_on) = 10),
  PRIMARY KEY (plan_id, position)))");
    both(R"(CREATE TABLE risks (
  id {ID},
  number TEXT NOT NULL UNIQUE,
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  tag_code TEXT REFERENCES focus_tags (code),
  region_code TEXT CHECK (region_code IS NULL OR length(region_code) = 6),
  state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  closed_at TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL))");
    both("CREATE INDEX risks_org ON risks (org_id, id)");
    both(R"(CREATE TABLE risk_items (
  id {ID},
  risk_id BIGINT NOT NULL REFERENCES risks (id),
  position INTEGER NOT NULL,
  description TEXT NOT NULL,
  responsible_org_id BIGINT REFERENCES organisations (id),
  due_on TEXT CHECK (due_on IS NULL OR length(due_on) = 10),
  created_at TEXT NOT NULL,
  UNIQUE (risk_id, position)))");
    both(R"(CREATE TABLE risk_item_closures (
  id {ID},
  item_id BIGINT NOT NULL UNIQUE REFERENCES risk_items (id),
  evidence TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  closed_by BIGINT REFERENCES users (id),
  closed_by_name TEXT NOT NULL,
  closed_at TEXT NOT NULL))");
    for (const char* table : {"focus_tags", "product_focus_tags", "quota_focus_tags", "task_focus_tags", "quota_months",
                              "plan_phases", "risk_items", "risk_item_closures"}) {
        for (auto& step : append_only_guard_steps(table)) m.steps.push_back(std::move(step));
        m.steps.push_back({std::string("CREATE TRIGGER ") + table + "_no_truncate BEFORE TRUNCATE ON " + table +
                               " FOR EACH STATEMENT EXECUTE FUNCTION lims_refuse_change()",
                           Dialect::postgresql});
    }
    return m;
}

}  // namespace lims::store
