// The schema, split by area so that each area keeps its own tables beside its code:
// core_schema() (migrations.cpp) calls every add_*_tables in turn. Until the first release
// all of it is migration 1; after that, a change is a new Migration in builtin_migrations().
#pragma once

#include "lims/store/migrations.hpp"

#include <string>
#include <vector>

namespace lims::store {

// Service: tokens' scope, idempotency keys, sessions (schema_service.cpp).
void add_service_tables(Migration& m);
// Sampling workflow: plans/tasks/shipments/receipt/custody extensions (schema_sampling.cpp).
void add_sampling_tables(Migration& m);
// Ingest: instruments' configuration, quarantine, outbox (schema_ingest.cpp).
void add_ingest_tables(Migration& m);
// Review, reports, notices, case leads, re-inspection (schema_review.cpp).
void add_review_tables(Migration& m);
// Cold chain: placements, excursions, alarms, detector state (schema_coldchain.cpp).
void add_coldchain_tables(Migration& m);

// Migration 2: the case_lead_failed cold-chain alarm kind (migration_0002.cpp).
Migration migration_0002_case_lead_failed_alarms();
// Migration 3: Idempotency-Key claims; BEFORE TRUNCATE guards on the fact tables, PostgreSQL (migration_0003.cpp).
Migration migration_0003_idempotency_claims_and_truncate_guards();
// Migration 4: versioned specification lines; tests keep the version they are judged against (migration_0004.cpp).
Migration migration_0004_versioned_specification_lines();
// Migration 5: excursion rules per storage unit and product class, versioned (migration_0005.cpp).
Migration migration_0005_excursion_rules();
// Migration 6: notification marks, contacts with history, notices pushed (migration_0006.cpp).
Migration migration_0006_notifications_and_contacts();
// Migration 7: service of documents (送达) and its evidence; re-inspection windows from it (migration_0007.cpp).
Migration migration_0007_document_services();
// Migration 8: cases filed from case leads, their clocks, measures, transfers and outcome (migration_0008.cpp).
Migration migration_0008_cases();
// Migration 9: the re-inspection laboratory directory, random draws, the laboratory of a re-inspection (migration_0009.cpp).
Migration migration_0009_reinspection_laboratories();
// Migration 10: focus tags, quotas per month, plan phases, the risk ledger (migration_0010.cpp).
Migration migration_0010_plans_statistics_risks();
// Migration 11: publication lists of nonconforming products, national platform sample numbers (migration_0011.cpp).
Migration migration_0011_publication_and_platform_numbers();
// Migration 12: online sampling, purchase and field details, evidence attachments (migration_0012.cpp).
Migration migration_0012_online_sampling_and_evidence();
// Migration 13: the audit chain sealed apart from the writers: audit_seals, audit_pending (migration_0013.cpp).
Migration migration_0013_audit_seals();
// Migration 14: re-inspection applications not accepted (不予受理): reinspection_refusals (migration_0014.cpp).
Migration migration_0014_reinspection_refusals();

// Tables added by the parts above whose rows are facts (never updated or deleted).
// Each part lists its own in extra_append_only_tables() (schema_parts.cpp).
std::vector<std::string> extra_append_only_tables();

// The SQLite and PostgreSQL triggers that refuse UPDATE and DELETE on `table`.
std::vector<MigrationStep> append_only_guard_steps(const std::string& table);

}  // namespace lims::store
