#include "lims/workflow/sampling/product_link.hpp"

#include "lims/store/sample_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/registration.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace lims::workflow::sampling {

namespace {

// Before the laboratory accepts it: the receipt creates the tests from the product's lines.
constexpr std::array<std::string_view, 2> kLinkableStates{"registered", "shipped"};

constexpr const char* kDefaultReason = "catalogue product linked to a sample registered from its label";

}  // namespace

std::string product_link_path(const std::string& sample_number) {
    return "/api/v1/samples/" + sample_number + "/product";
}

domain::Result<domain::Sample> link_product(store::Database& db, const Actor& actor, const std::string& number,
                                            std::int64_t expected_version, const ProductLink& link) {
    if (!actor.roles.intersects(kProductLinkRoles))
        return forbidden("Only a laboratory's receiver or analyst links a sample to its catalogue product.");
    if (link.product_id <= 0) return invalid_field("product_id", "a product id is a positive integer");
    const std::string reason = link.reason.empty() ? kDefaultReason : link.reason;

    return db.write([&](store::Transaction& tx) -> domain::Result<domain::Sample> {
        store::SampleRepository samples(tx);
        auto sample = samples.get_by_number(number);
        if (!sample || !sample_visible(tx, actor, *sample)) return not_found("There is no sample " + number + ".");
        if (sample->version != expected_version)
            return stale_version("sample " + sample->number, sample->version, expected_version);
        if (std::find(kLinkableStates.begin(), kLinkableStates.end(), sample->state) == kLinkableStates.end())
            return conflict("Sample " + sample->number + " is " + sample->state +
                            ": its catalogue product is linked before receipt, when its tests are set up.");
        if (sample->product_id == link.product_id)
            return conflict("Sample " + sample->number + " is linked to catalogue product " +
                            std::to_string(link.product_id) + " already.");

        auto product = store::sql(tx, "SELECT name, category FROM products WHERE id = $1", {link.product_id});
        if (product.rows.empty())
            return invalid_field("product_id", "there is no catalogue product " + std::to_string(link.product_id));
        const std::string product_name = product.rows.front().text(0);
        const std::string category = product.rows.front().text(1);
        if (auto label = samples.label(sample->id); label && !label->category.empty() && label->category != category)
            return invalid_field("product_id", "product " + std::to_string(link.product_id) + " (" + product_name +
                                                   ") is a " + category + " product, but the label of sample " +
                                                   sample->number + " says " + label->category);
        auto lines = store::sql(tx, "SELECT COUNT(*) FROM specification_lines WHERE product_id = $1", {link.product_id});
        if (lines.rows.front().integer(0) == 0)
            return invalid_field("product_id", "product " + std::to_string(link.product_id) + " (" + product_name +
                                                   ") has no specification lines to test against: an administrator "
                                                   "adds them with POST /api/v1/products/" +
                                                   std::to_string(link.product_id) + "/specification-lines first");

        auto linked = samples.link_product(*sample, expected_version, link.product_id, reason, actor.name);
        if (!linked) {
            if (store::kind_of(linked.error()) == store::StoreErrorKind::conflict)
                return stale_version("sample " + sample->number, sample->version, expected_version);
            return linked.error();
        }
        return *linked;
    });
}

}  // namespace lims::workflow::sampling
