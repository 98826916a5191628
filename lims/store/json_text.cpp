#include "lims/store/json_text.hpp"

#include <algorithm>

namespace lims::store {

void append_json_string(std::string& out, std::string_view value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    out += '"';
    for (const char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
                    out += hex[static_cast<unsigned char>(c) & 0xF];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

JsonObjectText& JsonObjectText::text(std::string_view key, std::string_view value) {
    std::string v;
    v.reserve(value.size() + 2);
    append_json_string(v, value);
    members_.emplace_back(key, std::move(v));
    return *this;
}

JsonObjectText& JsonObjectText::integer(std::string_view key, std::int64_t value) {
    members_.emplace_back(key, std::to_string(value));
    return *this;
}

namespace {

// "[a,b,...]" with each element written by `write(out, element)`.
template <typename List, typename Write>
std::string json_array(const List& values, Write write) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        write(out, values[i]);
    }
    out += ']';
    return out;
}

}  // namespace

JsonObjectText& JsonObjectText::texts(std::string_view key, const std::vector<std::string>& values) {
    members_.emplace_back(key, json_array(values, [](std::string& out, const std::string& v) {
                              append_json_string(out, v);
                          }));
    return *this;
}

JsonObjectText& JsonObjectText::integers(std::string_view key, const std::vector<std::int64_t>& values) {
    members_.emplace_back(key, json_array(values, [](std::string& out, std::int64_t v) { out += std::to_string(v); }));
    return *this;
}

JsonObjectText& JsonObjectText::objects(std::string_view key, const std::vector<std::string>& object_texts) {
    members_.emplace_back(key, json_array(object_texts, [](std::string& out, const std::string& v) { out += v; }));
    return *this;
}

std::string JsonObjectText::str() const {
    std::vector<const std::pair<std::string_view, std::string>*> order;
    order.reserve(members_.size());
    for (const auto& m : members_) order.push_back(&m);
    // Stable, so that of two equal keys the later one ends up last and wins below.
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    std::string out = "{";
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i + 1 < order.size() && order[i + 1]->first == order[i]->first) continue;
        if (out.size() > 1) out += ',';
        append_json_string(out, order[i]->first);
        out += ':';
        out += order[i]->second;
    }
    out += '}';
    return out;
}

}  // namespace lims::store
