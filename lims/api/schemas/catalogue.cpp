#include "lims/api/schemas/catalogue.hpp"

namespace lims::api::schemas {

const Catalogue& catalogue() {
    static const Catalogue docs = [] {
        Catalogue d;
        addCoreDocs(d);
        addAdminDocs(d);
        addSamplingDocs(d);
        addReviewDocs(d);
        addIngestDocs(d);
        addColdChainDocs(d);
        addNotificationDocs(d);
        addPlanStatisticsDocs(d);
        addCaseDocs(d);
        return d;
    }();
    return docs;
}

const OperationDoc* find(std::string_view operationId) {
    const auto& docs = catalogue();
    auto it = docs.find(operationId);
    return it == docs.end() ? nullptr : &it->second;
}

FieldSchema object(std::vector<FieldSchema> fields) { return field::object("", ObjectSchema{std::move(fields)}); }

FieldSchema object(std::string name, std::vector<FieldSchema> fields) {
    return field::object(std::move(name), ObjectSchema{std::move(fields)});
}

FieldSchema arrayOf(FieldSchema item) { return field::array("", std::move(item)); }

FieldSchema dateTime(std::string name) { return field::string(std::move(name)).withFormat("date-time"); }

FieldSchema date(std::string name) { return field::string(std::move(name)).withFormat("date"); }

FieldSchema mapOf(std::string name, FieldSchema value) {
    FieldSchema f;
    f.name = std::move(name);
    f.type = JsonType::Object;
    f.items = std::make_shared<const FieldSchema>(std::move(value));
    return f;
}

FieldSchema page(FieldSchema item) {
    return object({field::array("items", std::move(item)),
                   field::string("next_cursor").orNull().describedAs("Pass as ?cursor= for the next page; null: the last page")});
}

std::vector<FieldSchema> pageQuery(std::vector<FieldSchema> more) {
    std::vector<FieldSchema> q{query::integer("limit", "At most this many items (default 50)."),
                               query::string("cursor", "The next_cursor of the previous page.")};
    for (auto& f : more) q.push_back(std::move(f));
    return q;
}

FieldSchema items(FieldSchema item) { return object({field::array("items", std::move(item))}); }

FieldSchema anyObject(std::string name) {
    FieldSchema f;
    f.name = std::move(name);
    f.type = JsonType::Object;
    return f;
}

namespace query {
FieldSchema string(std::string name, std::string description) {
    return field::string(std::move(name)).optional().describedAs(std::move(description));
}
FieldSchema integer(std::string name, std::string description) {
    return field::integer(std::move(name)).optional().describedAs(std::move(description));
}
FieldSchema boolean(std::string name, std::string description) {
    return field::boolean(std::move(name)).optional().describedAs(std::move(description));
}
FieldSchema dateTime(std::string name, std::string description) {
    return query::string(std::move(name), std::move(description)).withFormat("date-time");
}
FieldSchema date(std::string name, std::string description) {
    return query::string(std::move(name), std::move(description)).withFormat("date");
}
}  // namespace query

ResponseSchema answer(int status, FieldSchema body, std::string description) {
    return ResponseSchema{status, std::move(description), std::move(body), "application/json"};
}
ResponseSchema ok(FieldSchema body, std::string description) { return answer(200, std::move(body), std::move(description)); }
ResponseSchema created(FieldSchema body, std::string description) {
    return answer(201, std::move(body), std::move(description));
}
ResponseSchema accepted(FieldSchema body, std::string description) {
    return answer(202, std::move(body), std::move(description));
}
ResponseSchema noContent(std::string description) { return ResponseSchema{204, std::move(description), std::nullopt, ""}; }
ResponseSchema media(int status, std::string mediaType, std::string description) {
    return ResponseSchema{status, std::move(description), std::nullopt, std::move(mediaType)};
}

}  // namespace lims::api::schemas
