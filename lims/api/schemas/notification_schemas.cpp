// Response schemas of what reaches people: a person's notifications (cold-chain alarms,
// nonconformity notices, the office's messages) with their read and acknowledged marks,
// organisations' notice contacts, a notice's deliveries (routes/notification_routes.cpp).
// See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

namespace lims::api::schemas {

namespace {

FieldSchema notification() {
    return object({field::string("source").oneOf({"alarm", "notice", "office"}), field::integer("id"),
                   field::string("kind"), field::string("subject"), field::string("message"),
                   field::string("sample_number"), dateTime("created_at"), field::integer("alarm_id").optional(),
                   field::integer("notice_id").optional(), dateTime("due_at").optional(),
                   field::boolean("serious_risk").optional().describedAs("Notices only"),
                   dateTime("settled_at").orNull().describedAs("When the alarm or notice was settled by anyone"),
                   dateTime("read_at").orNull(), dateTime("acknowledged_at").orNull(),
                   field::string("acknowledgement_note").optional(), field::integer("version")});
}

FieldSchema orgContact() {
    return object({field::integer("id"), field::integer("org_id"), field::string("role").oneOf({"notices", "head"}),
                   field::string("name"), field::integer("user_id").optional(), field::string("email"),
                   field::string("phone"), field::integer("replaces_id").optional(), field::boolean("removed"),
                   field::boolean("current"), field::string("created_by"), dateTime("created_at")});
}

}  // namespace

void addNotificationDocs(Catalogue& docs) {
    docs["listNotifications"] = {
        pageQuery({query::boolean("unread", "true: only those neither read nor acknowledged.")}),
        {ok(object({field::array("items", notification()), field::string("next_cursor").orNull(),
                    field::integer("unread").describedAs("All of the caller's unread notifications")}),
            "Newest first.")}};
    docs["getNotification"] = {{}, {ok(notification(), "ETag: its version.")}};
    docs["markNotificationRead"] = {{}, {ok(notification())}};
    docs["acknowledgeNotification"] = {{}, {ok(notification())}};
    docs["listOrganisationContacts"] = {
        {query::boolean("history", "true: removed and replaced contacts too.")}, {ok(items(orgContact()))}};
    docs["addOrganisationContact"] = {{}, {created(orgContact())}};
    docs["changeOrganisationContact"] = {{}, {ok(orgContact(), "The contact that replaces it.")}};
    docs["removeOrganisationContact"] = {{}, {ok(orgContact(), "The contact, removed.")}};
    docs["listNoticeDeliveries"] = {
        {},
        {ok(object({field::integer("notice_id"), field::string("number"), dateTime("pushed_at").orNull(),
                    field::integer("pushed_to").describedAs("Deliveries queued by the push"),
                    dateTime("escalated_at").orNull(), field::integer("escalated_to"),
                    field::array("items", object({field::integer("id"), field::string("channel"), field::string("address"),
                                                  field::integer("contact_id").optional(),
                                                  field::integer("escalation_level"), field::string("subject"),
                                                  field::string("state"), field::integer("attempts"),
                                                  field::string("last_error"),
                                                  field::integer("sent_at_utc").orNull().describedAs("Unix seconds")}))}),
            "The notice's pushes to the recipient organisation's contacts, by e-mail, SMS or webhook.")}};
}

}  // namespace lims::api::schemas
