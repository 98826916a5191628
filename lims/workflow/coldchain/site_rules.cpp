#include "lims/workflow/coldchain/site_rules.hpp"

#include "lims/coldchain/standards.hpp"

namespace lims::workflow::coldchain {

namespace cc = lims::coldchain;

std::optional<cc::StorageClass> storage_class_from(std::string_view text) {
    for (auto c : {cc::StorageClass::refrigerated, cc::StorageClass::frozen, cc::StorageClass::cool,
                   cc::StorageClass::ambient})
        if (cc::to_string(c) == text) return c;
    return std::nullopt;
}

domain::Result<std::shared_ptr<const cc::RuleSet>> rules_for(const store::StorageUnitRow& unit,
                                                             cc::RecordingContext context) {
    auto cls = storage_class_from(unit.storage_class);
    if (!cls)
        return domain::make_error("coldchain.unit.storage_class",
                                  "storage unit '" + unit.code + "' has unknown storage class '" + unit.storage_class + "'");
    cc::RuleSet rules = *cls == cc::StorageClass::frozen ? cc::frozen_rules(unit.max_centi_celsius, context)
                                                         : cc::default_rules(*cls, context);
    // The unit's own range is the alarm range; a bound at the plausibility limit is open
    // ("frozen: ≤ −20 °C" is stored as −100..−20).
    rules.range.low = unit.min_centi_celsius <= cc::standard::kPlausibleLow
                          ? std::nullopt
                          : std::optional<cc::Centidegrees>(unit.min_centi_celsius);
    rules.range.high = unit.max_centi_celsius >= cc::standard::kPlausibleHigh
                           ? std::nullopt
                           : std::optional<cc::Centidegrees>(unit.max_centi_celsius);
    if (auto ok = cc::validate(rules); !ok) return ok.error();
    return std::make_shared<const cc::RuleSet>(std::move(rules));
}

domain::Result<std::shared_ptr<const cc::RuleSet>> rules_for(const store::LoggerWatch& watch) {
    const bool trip = watch.placement && watch.placement->shipment_id;
    const auto context = trip ? cc::RecordingContext::transport : cc::RecordingContext::storage;
    if (watch.unit) return rules_for(*watch.unit, context);
    return std::make_shared<const cc::RuleSet>(cc::default_rules(cc::StorageClass::refrigerated, context));
}

}  // namespace lims::workflow::coldchain
