#include "lims/store/schema_parts.hpp"

namespace lims::store {

void add_service_tables(Migration& m) {
    auto add = [&](std::string sql) { m.steps.push_back({std::move(sql)}); };

    // A token's scope: 'user' for people, 'ingest' for gateways and instruments (their
    // tokens never reach user routes). Added here rather than in the auth_tokens block so
    // the service area keeps its columns beside its code; ADD COLUMN with a constant
    // default is cheap on both backends.
    add("ALTER TABLE auth_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'user' CHECK (scope IN ('user', 'ingest'))");

    // The Idempotency-Key convention (lims/api/idempotency.hpp): the first request with a
    // key claims the row; its response is stored when it completes, and a retry with the
    // same key and the same request gets that response again. Kept per user (user_id 0 for
    // public routes). Rows older than the keep period are replaced by a fresh claim.
    // Migration 3 adds claim_id and work_committed_at (migration_0003.cpp).
    add(R"(CREATE TABLE idempotency_keys (
  user_id BIGINT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL CHECK (length(request_hash) = 64),
  created_at TEXT NOT NULL,
  response_status INTEGER,
  response_content_type TEXT,
  response_headers TEXT,
  response_body TEXT,
  PRIMARY KEY (user_id, idem_key)))");
    add("CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)");
}

}  // namespace lims::store
