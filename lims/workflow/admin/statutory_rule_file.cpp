#include "lims/workflow/admin/statutory_rule_file.hpp"

#include <fstream>
#include <sstream>

namespace lims::workflow {

domain::Result<domain::statutory::RuleCatalogue> load_statutory_rules(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return domain::make_error("rules.file", "statutory rule file " + path + " cannot be opened");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return domain::make_error("rules.file", "statutory rule file " + path + " cannot be read");
    return domain::statutory::parse_rule_catalogue(text.str(), path);
}

}  // namespace lims::workflow
