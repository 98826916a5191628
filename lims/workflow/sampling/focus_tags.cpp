#include "lims/workflow/sampling/focus_tags.hpp"

#include "lims/workflow/admin/reference_data.hpp"
#include "lims/workflow/sampling/errors.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace lims::workflow::sampling {

namespace {

std::string tags_json(const std::vector<std::string>& tags) {
    Poco::JSON::Array a;
    for (const auto& t : tags) a.add(t);
    std::ostringstream out;
    a.stringify(out);
    return out.str();
}

}  // namespace

domain::Result<std::vector<store::FocusTag>> list_focus_tags(store::Database& db) {
    return db.read([](store::Transaction& tx) -> domain::Result<std::vector<store::FocusTag>> {
        return store::FocusTagRepository(tx).list();
    });
}

domain::Result<std::vector<std::string>> product_focus_tags(store::Database& db, std::int64_t product_id) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::vector<std::string>> {
        store::FocusTagRepository repo(tx);
        if (!repo.product_exists(product_id)) return not_found("There is no product " + std::to_string(product_id) + ".");
        return repo.product_tags(product_id);
    });
}

domain::Result<std::vector<std::string>> set_product_focus_tags(store::Database& db, const Actor& actor,
                                                                std::int64_t product_id,
                                                                const std::vector<std::string>& tags) {
    return db.write([&](store::Transaction& tx) -> domain::Result<std::vector<std::string>> {
        if (auto owner = admin::check_catalogue_owner(tx, actor); !owner) return owner.error();
        store::FocusTagRepository repo(tx);
        if (!repo.product_exists(product_id)) return not_found("There is no product " + std::to_string(product_id) + ".");
        std::set<std::string> wanted;
        for (std::size_t i = 0; i < tags.size(); ++i) {
            const std::string field = "focus_tags[" + std::to_string(i) + "]";
            if (!repo.exists(tags[i]))
                return invalid_field(field, "\"" + tags[i] + "\" is not in the focus-variety list (GET /api/v1/focus-tags)");
            if (!wanted.insert(tags[i]).second) return invalid_field(field, tags[i] + " is given twice");
        }
        const auto before = repo.product_tags(product_id);
        const std::set<std::string> had(before.begin(), before.end());
        for (const auto& t : wanted)
            if (!had.count(t)) repo.record_product_event(product_id, t, "tag", actor.name);
        for (const auto& t : had)
            if (!wanted.count(t)) repo.record_product_event(product_id, t, "untag", actor.name);
        auto after = repo.product_tags(product_id);
        if (after != before)
            tx.record({actor.name, "product.focus_tags", "product", std::to_string(product_id), tags_json(before),
                       tags_json(after), ""});
        return after;
    });
}

}  // namespace lims::workflow::sampling
