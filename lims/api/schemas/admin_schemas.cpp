// Response schemas of administration: organisations, users, regulated entities, the
// product catalogue and its specification lines (routes/admin_*_routes.cpp), and the
// working-day calendar (routes/calendar_routes.cpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

#include "lims/domain/model/organisation.hpp"
#include "lims/workflow/admin/reference_data.hpp"

namespace lims::api::schemas {

namespace {

// The allowed values the request bodies take, from the same lists.
template <typename Values>
std::vector<std::string> names(const Values& values) {
    return {values.begin(), values.end()};
}
std::vector<std::string> organisationKinds() {
    std::vector<std::string> out;
    for (auto [kind, name] : domain::organisation_kind_names) out.emplace_back(name);
    return out;
}
namespace admin = lims::workflow::admin;

FieldSchema organisation() {
    return object({field::integer("id"), field::string("code"), field::string("name"),
                   field::string("kind").oneOf(organisationKinds()),
                   field::integer("parent_id").orNull(), field::string("region_code"),
                   field::string("path").describedAs("Materialised path of ids, \"/1/4/9/\""), field::boolean("active"),
                   field::integer("version")});
}

FieldSchema userRecord() {
    return object({field::integer("id"), field::string("username"), field::string("display_name"),
                   field::integer("organisation_id"), field::array("roles", field::string("")), field::boolean("active"),
                   field::integer("version")});
}

FieldSchema userAccount() {
    return object({field::integer("id"), field::string("username"), field::string("display_name"),
                   field::integer("organisation_id"), field::string("organisation_code"),
                   field::array("roles", field::string("")), field::boolean("active"), field::integer("version")});
}

FieldSchema entity() {
    return object({field::integer("id"), field::string("name"), field::string("kind").oneOf(names(admin::kEntityKinds)),
                   field::string("credit_code").orNull(), field::integer("jurisdiction_org_id"),
                   field::string("region_code"), field::string("address"), field::string("licence_number"),
                   field::integer("version")});
}

FieldSchema product() {
    return object({field::integer("id"), field::string("name"), field::string("category").oneOf(names(admin::kProductCategories)),
                   field::string("dosage_form"),
                   field::string("specification"), field::string("approval_number"),
                   field::integer("manufacturer_entity_id").orNull(), field::string("manufacturer_name"),
                   field::string("storage_class").oneOf(names(admin::kStorageClasses)), field::integer("version")});
}

FieldSchema specificationLine() {
    return object({field::integer("id"), field::integer("product_id").orNull(), field::string("test_code"),
                   field::string("item"), field::string("requirement"), field::string("limit_kind"),
                   field::string("lower_limit").orNull(), field::string("upper_limit").orNull(), field::string("unit"),
                   field::integer("precision").orNull(), field::string("basis"), field::integer("version")});
}

FieldSchema calendar() {
    return object({date("today"),
                   field::array("years", object({field::integer("year"), field::string("status")})),
                   field::array("warnings", object({field::string("code"), field::integer("year"), field::string("status"),
                                                    field::string("message")}))});
}

FieldSchema clocks() {
    return object({dateTime("as_of"),
                   field::array("items", object({field::string("due_at"), date("due_date"), field::boolean("overdue"),
                                                 field::integer("working_days_left"), field::integer("working_days_overdue"),
                                                 field::boolean("provisional")}))});
}

}  // namespace

void addAdminDocs(Catalogue& docs) {
    docs["listOrganisations"] = {{}, {ok(items(organisation()), "The caller's subtree.")}};
    docs["getOrganisation"] = {{}, {ok(organisation(), "The organisation; ETag: its version.")}};
    docs["createOrganisation"] = {{}, {created(organisation())}};
    docs["updateOrganisation"] = {{}, {ok(organisation())}};

    docs["listUsers"] = {pageQuery(), {ok(page(userRecord()))}};
    docs["getUser"] = {{}, {ok(userAccount(), "The user; ETag: its version.")}};
    docs["createUser"] = {{}, {created(userRecord())}};
    docs["updateUser"] = {{}, {ok(userRecord())}};
    docs["resetUserPassword"] = {{}, {ok(object({field::integer("tokens_revoked")}))}};

    docs["listRegulatedEntities"] = {pageQuery(), {ok(page(entity()))}};
    docs["getRegulatedEntity"] = {{}, {ok(entity())}};
    docs["createRegulatedEntity"] = {{}, {created(entity())}};
    docs["updateRegulatedEntity"] = {{}, {ok(entity())}};

    docs["listProducts"] = {pageQuery(), {ok(page(product()))}};
    docs["getProduct"] = {{}, {ok(product())}};
    docs["createProduct"] = {{}, {created(product())}};
    docs["updateProduct"] = {{}, {ok(product())}};
    docs["listSpecificationLines"] = {{}, {ok(items(specificationLine()))}};
    docs["createSpecificationLine"] = {{}, {created(specificationLine())}};
    docs["getSpecificationLine"] = {
        {query::integer("version", "An earlier version of the line, as a report cited it.")},
        {ok(specificationLine())}};
    docs["updateSpecificationLine"] = {{}, {ok(specificationLine())}};

    docs["getCalendar"] = {{}, {ok(calendar(), "The years loaded and their warnings.")}};
    docs["getDeadlineClocks"] = {
        {query::string("due_at", "Deadlines (instants, RFC 3339) separated by commas.").describedAs(
             "Deadlines (instants, RFC 3339) separated by commas; required.")},
        {ok(clocks(), "Each deadline's standing in working days.")}};
}

}  // namespace lims::api::schemas
