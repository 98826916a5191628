// The printed list of nonconforming products (不符合规定产品信息公开名单): heading with the
// bureau, the period and the version, one bordered row per product with the fields of
// DOMAIN.md, the review and release lines, "第 n 页 共 m 页" under each page. A list not yet
// released says so in its heading. Rendered by publication_list.cpp; dates in Beijing time.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/workflow/publication/publication_list.hpp"

#include <string>

namespace lims::workflow::publication {

// Errors: documents.font_missing, documents.font_unusable, documents.pdf.
domain::Result<std::string> render_list_pdf(const PublicationList& list, const std::string& font_path = {});

}  // namespace lims::workflow::publication
