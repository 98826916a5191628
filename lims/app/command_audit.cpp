// `lims audit verify`: recomputes the audit chain and names the first entry that does
// not match (exit 1), so an operator or a cron job can check the trail; with
// --checkpoints FILE --key-file KEY it also checks the signed checkpoints that
// `lims audit checkpoint` exported (store/audit_checkpoint.hpp).
#include "lims/app/command.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/audit_checkpoint.hpp"
#include "lims/store/audit_seal.hpp"
#include "lims/store/job_locks.hpp"
#include "lims/store/migrations.hpp"

#include <fstream>
#include <ostream>

namespace lims::app {

int run_audit_verify(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: audit verify takes no arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
    }
    const auto checkpoints = context.option("checkpoints");
    const auto key_file = context.option("key-file");
    if (checkpoints.has_value() != key_file.has_value()) {
        context.err << "lims: audit verify --checkpoints FILE needs --key-file KEY (and the other way round)\n";
        return exit_usage;
    }
    std::string key;
    std::vector<std::string> lines;
    if (checkpoints) {
        auto k = store::read_checkpoint_key(*key_file);
        if (!k) {
            context.err << "lims: " << k.error().message << "\n";
            return exit_usage;
        }
        key = *k;
        std::ifstream in(*checkpoints);
        if (!in) {
            context.err << "lims: cannot read the checkpoints file " << *checkpoints << "\n";
            return exit_usage;
        }
        for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    if (auto version = store::schema_version(*db); !version) {
        context.err << "lims: " << version.error().message << "\n";
        return exit_database;
    } else if (*version == 0) {
        context.err << "lims: database " << db->display_name() << " has no schema yet: run `lims migrate`\n";
        return exit_database;
    }
    auto v = store::verify_audit_chain(*db);
    if (!v) {
        context.err << "lims: " << v.error().message << "\n";
        return exit_database;
    }
    if (!v->intact) {
        context.err << "lims: audit chain BROKEN";
        if (v->first_bad_seq) context.err << " at entry " << *v->first_bad_seq;
        context.err << ": " << v->problem << " (" << v->entries_checked << " entries before it verified)\n";
        return exit_verify_failed;
    }
    context.out << "audit chain intact: " << v->entries_checked << " entries, head seq " << v->head_seq
                << ", head hash " << v->head_hash << "\n";
    // On PostgreSQL entries are sealed just after their commit: those not sealed yet (and
    // not overdue, or verify would have failed) are said, not counted as checked.
    if (auto backlog = store::audit_backlog(*db); backlog && backlog->unsealed > 0)
        context.out << backlog->unsealed << " audit entr" << (backlog->unsealed == 1 ? "y" : "ies")
                    << " committed since " << backlog->oldest_at << " not sealed yet (within "
                    << store::audit_seal_overdue_after.count() << " s of their commit; verify again to check them)\n";
    if (!checkpoints) return exit_ok;
    auto c = store::verify_audit_checkpoints(*db, lines, key);
    if (!c) {
        context.err << "lims: " << c.error().message << "\n";
        return exit_database;
    }
    if (!c->intact) {
        context.err << "lims: audit chain does NOT match its signed checkpoints: " << c->problem << " (" << c->checked
                    << " checkpoints before it matched)\n";
        return exit_verify_failed;
    }
    context.out << "signed checkpoints matched: " << c->checked << " of " << *checkpoints << "\n";
    return exit_ok;
}

// `lims audit checkpoint --key-file KEY [--out FILE]`: the chain head signed with the key;
// printed, and appended to FILE when given (keep FILE where the database's writers cannot
// reach, and the key outside the database: a root-owned file, another host).
int run_audit_checkpoint(CommandContext& context) {
    const auto key_file = context.option("key-file");
    if (!key_file || !context.positional().empty()) {
        context.err << "lims: audit checkpoint needs --key-file KEY [--out FILE]\n";
        return exit_usage;
    }
    auto key = store::read_checkpoint_key(*key_file);
    if (!key) {
        context.err << "lims: " << key.error().message << "\n";
        return exit_usage;
    }
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    auto checkpoint = store::take_audit_checkpoint(*db, *key);
    if (!checkpoint) {
        context.err << "lims: " << checkpoint.error().message << "\n";
        return exit_database;
    }
    const std::string line = store::checkpoint_line(*checkpoint);
    if (const auto out = context.option("out")) {
        std::ofstream file(*out, std::ios::app);
        file << line << "\n";
        file.flush();
        if (!file) {
            context.err << "lims: cannot append to " << *out << "\n";
            return exit_usage;
        }
    }
    context.out << line << "\n";
    return exit_ok;
}

// `lims audit seal`: seals the entries committed but not yet sealed into the chain (on
// PostgreSQL, what no node has sealed: all nodes stopped right after writes). Runs under
// the sealer's job lock, so it never seals beside a running node's sealer.
int run_audit_seal(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: audit seal takes no arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
    }
    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    auto locks = std::make_shared<store::JobLocks>(db);
    store::AuditSealer sealer(db, locks);
    const auto pass = sealer.run_once();
    if (pass.claim == store::JobLocks::Claim::held_elsewhere) {
        context.out << "a running node holds the audit sealer (job " << store::audit_seal_job
                    << "): it seals the entries itself\n";
        return exit_ok;
    }
    if (!pass.problem.empty()) {
        context.err << "lims: " << pass.problem << "\n";
        return exit_database;
    }
    context.out << "sealed " << pass.sealed << " audit entr" << (pass.sealed == 1 ? "y" : "ies") << "\n";
    return exit_ok;
}

}  // namespace lims::app
