#include "lims/app/statutory_rules_setting.hpp"

#include "lims/workflow/admin/statutory_rule_file.hpp"

namespace lims::app {

bool install_statutory_rules(CommandContext& context) {
    auto path = context.option("statutory-rules");
    if (!path && context.config.has("lims.statutory.rules")) path = context.config.getString("lims.statutory.rules");
    if (!path) {
        const auto& shipped = domain::statutory::shipped_rules();
        context.logger.information("statutory rules: " + std::to_string(shipped.rules().size()) + " rules from " +
                                   shipped.source());
        return true;
    }
    auto loaded = workflow::load_statutory_rules(*path);
    if (!loaded) {
        context.err << "lims: lims.statutory.rules: " << loaded.error().message << "\n";
        return false;
    }
    context.logger.information("statutory rules: " + std::to_string(loaded->rules().size()) + " rules from " + *path);
    domain::statutory::install_rules(std::move(*loaded));
    return true;
}

}  // namespace lims::app
