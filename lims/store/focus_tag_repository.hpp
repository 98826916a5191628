// Focus varieties (重点品种) as tags from a reference list (focus_tags, migration 10): the
// list itself, a product's tags kept as tag/untag events, and the tags a sample counts
// under (its catalogue product's and its task's). Called by the focus-tag use cases and the
// figures inside their one transaction; the caller writes the audit entries.
#pragma once

#include "lims/store/transaction.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace lims::store {

struct FocusTag {
    std::string code;
    std::string name;     // zh-CN, as the plans write it
    std::string name_en;
};

class FocusTagRepository {
public:
    explicit FocusTagRepository(Transaction& tx) : tx_(tx) {}

    std::vector<FocusTag> list();
    bool exists(const std::string& code);
    // The product's current tags (whose last event is 'tag'), sorted by code.
    std::vector<std::string> product_tags(std::int64_t product_id);
    // Appends a 'tag' or 'untag' event for each code (the caller has compared with the current set).
    void record_product_event(std::int64_t product_id, const std::string& code, const std::string& event,
                              const std::string& actor);
    bool product_exists(std::int64_t product_id);

private:
    Transaction& tx_;
};

}  // namespace lims::store
