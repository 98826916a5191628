// The door of the document routes (api/routes/document_routes.cpp): the public report
// check and the two PDFs. Each takes the Database (and the caller for the PDFs), opens and
// owns its read transaction and, for the PDFs, checks inside it that the caller's subtree
// holds the sample's office or the report's issuing laboratory (jurisdiction::covers);
// another jurisdiction's document is answered exactly like a missing one.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/database.hpp"
#include "lims/workflow/actor.hpp"

#include <string>
#include <string_view>

namespace lims::workflow::documents {

// verify_report (document_source.hpp) in its own read; the caller has run
// check_verification_input first.
domain::Result<bool> verify_report(store::Database& db, std::string_view report_number, std::string_view hash_prefix);

// The report (检验报告书) as PDF. Errors: documents.report_not_found (missing or outside
// the caller's subtree), load_report_document's and render_report_pdf's.
domain::Result<std::string> report_pdf(store::Database& db, const Actor& actor, const std::string& report_number);

// The sampling record (抽样记录及凭证) as PDF. Errors: documents.sample_not_found (missing or
// outside the caller's subtree), load_sampling_record's and render_sampling_record_pdf's.
domain::Result<std::string> sampling_record_pdf(store::Database& db, const Actor& actor,
                                                const std::string& sample_number);

}  // namespace lims::workflow::documents
