#include "lims/workflow/documents/document_access.hpp"

#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/report_pdf.hpp"
#include "lims/workflow/jurisdiction.hpp"

namespace lims::workflow::documents {

namespace {

// The sample's office or, for a report, the laboratory that issued it.
bool held(const Actor& actor, const DocumentOwners& owners) {
    return jurisdiction::covers(actor, owners.sample_org_path) ||
           (!owners.issuer_org_path.empty() && jurisdiction::covers(actor, owners.issuer_org_path));
}

}  // namespace

domain::Result<bool> verify_report(store::Database& db, std::string_view report_number, std::string_view hash_prefix) {
    return db.read([&](store::Transaction& tx) { return verify_report(tx, report_number, hash_prefix); });
}

domain::Result<std::string> report_pdf(store::Database& db, const Actor& actor, const std::string& report_number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::string> {
        auto owners = report_owners(tx, report_number);
        if (!owners) return owners.error();
        if (!held(actor, *owners))
            return domain::make_error("documents.report_not_found", "There is no report " + report_number + ".");
        auto doc = load_report_document(tx, report_number);
        if (!doc) return doc.error();
        return render_report_pdf(*doc);
    });
}

domain::Result<std::string> sampling_record_pdf(store::Database& db, const Actor& actor,
                                                const std::string& sample_number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::string> {
        auto owners = sample_owners(tx, sample_number);
        if (!owners) return owners.error();
        if (!held(actor, *owners))
            return domain::make_error("documents.sample_not_found", "There is no sample " + sample_number + ".");
        auto doc = load_sampling_record(tx, sample_number);
        if (!doc) return doc.error();
        return render_sampling_record_pdf(*doc);
    });
}

}  // namespace lims::workflow::documents
