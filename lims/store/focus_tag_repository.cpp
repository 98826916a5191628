#include "lims/store/focus_tag_repository.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace lims::store {

std::vector<FocusTag> FocusTagRepository::list() {
    Poco::Data::Statement st(tx_.session());
    st << "SELECT code, name, name_en FROM focus_tags ORDER BY position, code";
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<FocusTag> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext())
        out.push_back({rs[0].convert<std::string>(), rs[1].convert<std::string>(), rs[2].convert<std::string>()});
    return out;
}

bool FocusTagRepository::exists(const std::string& code) {
    Poco::Int64 n = 0;
    tx_.session() << "SELECT count(*) FROM focus_tags WHERE code = $1", bind(code), into(n), now;
    return n > 0;
}

bool FocusTagRepository::product_exists(std::int64_t product_id) {
    Poco::Int64 n = 0;
    tx_.session() << "SELECT count(*) FROM products WHERE id = $1", bind(static_cast<Poco::Int64>(product_id)), into(n),
        now;
    return n > 0;
}

std::vector<std::string> FocusTagRepository::product_tags(std::int64_t product_id) {
    std::vector<std::string> out;
    tx_.session() << "SELECT e.tag_code FROM product_focus_tags e WHERE e.product_id = $1 AND e.event = 'tag' "
                     "AND e.id = (SELECT MAX(l.id) FROM product_focus_tags l WHERE l.product_id = e.product_id "
                     "AND l.tag_code = e.tag_code) ORDER BY e.tag_code",
        bind(static_cast<Poco::Int64>(product_id)), into(out), now;
    return out;
}

void FocusTagRepository::record_product_event(std::int64_t product_id, const std::string& code, const std::string& event,
                                              const std::string& actor) {
    const std::string at = tx_.now_utc();
    tx_.session() << "INSERT INTO product_focus_tags (product_id, tag_code, event, actor, at_utc) VALUES ($1, $2, $3, $4, $5)",
        bind(static_cast<Poco::Int64>(product_id)), bind(code), bind(event), bind(actor), bind(at), now;
}

}  // namespace lims::store
