// `lims audit verify`: recomputes the audit chain and names the first entry that does
// not match (exit 1), so an operator or a cron job can check the trail.
#include "lims/app/command.hpp"
#include "lims/store/audit.hpp"
#include "lims/store/migrations.hpp"

#include <ostream>

namespace lims::app {

int run_audit_verify(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: audit verify takes no arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
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
    return exit_ok;
}

}  // namespace lims::app
