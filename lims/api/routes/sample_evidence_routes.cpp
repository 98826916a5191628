// Evidence attached to samples and case leads (photos, scanned documents, an online
// purchase's screenshots and payment record; workflow/evidence/attachments.hpp), and the
// parcel of a sample bought online (workflow/sampling/delivery.hpp). Uploads are JSON with
// the file in base64; a download is served as exactly what its bytes are (JPEG, PNG or PDF),
// as an attachment, never sniffed.
#include "lims/api/routes/ingest_common.hpp"
#include "lims/api/routes/sampling_common.hpp"

#include "lims/api/person_names.hpp"
#include "lims/workflow/evidence/attachments.hpp"

namespace lims::api::sampling_tables {

namespace {

namespace ev = lims::workflow::evidence;

constexpr domain::RoleSet kAttachSampleRoles{Role::sampler, Role::receiver};
constexpr domain::RoleSet kAttachLeadRoles{Role::enforcement_officer};
// Base64 of the largest file the service could be configured to take (the HTTP body limit
// refuses more first); the use case checks the decoded size against lims.attachments.max_bytes.
constexpr std::size_t kMaxBase64 = std::size_t{1} << 30;

ObjectSchema upload_schema(std::vector<std::string> purposes) {
    return {{field::string("purpose").oneOf(std::move(purposes)), field::string("file_name").length(0, 200).optional(),
             field::string("note").length(0, 500).multiLineText().optional(),
             field::string("content_base64").length(1, kMaxBase64)}};
}

Json attachment_json(const ev::Attachment& a, const std::string& content_path) {
    auto o = newObject();
    o->set("id", a.id);
    o->set("purpose", a.purpose);
    o->set("sha256", a.sha256);
    o->set("media_type", a.media_type);
    o->set("size", a.size);
    o->set("file_name", a.file_name);
    o->set("note", a.note);
    o->set("uploaded_by", a.uploaded_by);
    o->set("created_at", a.created_at);
    o->set("content_url", content_path + "/" + a.sha256);
    return o;
}

void add_owner_routes(Router& router, std::shared_ptr<store::Database> db, std::size_t max_bytes, ev::AttachmentOwner owner,
                      const std::string& prefix, const std::string& noun, std::vector<std::string> purposes,
                      domain::RoleSet attach_roles, domain::RoleSet read_roles) {
    const std::string base = prefix + "/{number}/attachments";
    router.add(with_roles({"POST", base, "attach" + noun + "File",
                "Attach an evidence file (JPEG, PNG or PDF, told by its bytes; base64 in content_base64; at most "
                "lims.attachments.max_bytes) to a " + std::string(owner == ev::AttachmentOwner::sample ? "sample" : "case lead") +
                    ", kept once by its SHA-256 and audited",
                AuthRequirement::User, upload_schema(std::move(purposes)),
                [db, max_bytes, owner, prefix](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto bytes = ingest_tables::unbase64(text(r.json, "content_base64"));
                    if (!bytes)
                        return Response::problem(problems::validation({{"content_base64", "is not base64"}}));
                    ev::AttachmentUpload up{text(r.json, "purpose"), text(r.json, "file_name"), std::move(*bytes),
                                            text(r.json, "note")};
                    auto done = ev::attach(*db, actor_of(r), owner, number, up, max_bytes);
                    if (!done) return Response::error(done.error());
                    const std::string path = prefix + "/" + number + "/attachments";
                    return Response::json(201, with_person_names(*db, attachment_json(*done, path), {"uploaded_by"}))
                        .withHeader("Location", path + "/" + done->sha256);
                },
                201}, attach_roles));

    router.add(with_roles({"GET", base, "list" + noun + "Attachments", "The evidence files attached, oldest first",
                AuthRequirement::User, std::nullopt, [db, owner, prefix](const Request& r) {
                    const std::string number = r.params.at("number");
                    auto list = ev::list_attachments(*db, actor_of(r), owner, number);
                    if (!list) return Response::error(list.error());
                    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
                    for (const auto& a : *list) items->add(attachment_json(a, prefix + "/" + number + "/attachments"));
                    auto o = newObject();
                    o->set("items", items);
                    return Response::json(200, with_person_names(*db, o, {"uploaded_by"}));
                }}, read_roles));

    router.add(with_roles({"GET", base + "/{sha256}", "get" + noun + "Attachment",
                "One attached file by its SHA-256, as its own type (image/jpeg, image/png, application/pdf), "
                "as a download (Content-Disposition: attachment; X-Content-Type-Options: nosniff)",
                AuthRequirement::User, std::nullopt, [db, owner](const Request& r) {
                    const std::string sha = r.params.at("sha256");
                    if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos)
                        return Response::problem(
                            problems::validation({{"sha256", "is 64 lower-case hexadecimal digits"}}));
                    auto c = ev::attachment_content(*db, actor_of(r), owner, r.params.at("number"), sha);
                    if (!c) return Response::error(c.error());
                    const std::string type = c->attachment.media_type;
                    return Response::text(200, type, std::move(c->bytes))
                        .withHeader("Content-Disposition", "attachment; filename=\"" + c->download_name + "\"")
                        .withHeader("X-Content-Type-Options", "nosniff")
                        .withHeader("Content-Security-Policy", "default-src 'none'; sandbox")
                        .withHeader("ETag", "\"" + sha + "\"")
                        .withHeader("Cache-Control", "private, max-age=86400, immutable");
                }}, read_roles));
}

}  // namespace

void add_sample_evidence_routes(Router& router, const RouteContext& context) {
    auto db = context.database;
    add_owner_routes(router, db, context.attachmentMaxBytes, ev::AttachmentOwner::sample, "/api/v1/samples", "Sample",
                     {"on_site_photo", "document", "purchase_screenshot", "payment_record", "receipt_photo"},
                     kAttachSampleRoles, kPeopleRoles);
    add_owner_routes(router, db, context.attachmentMaxBytes, ev::AttachmentOwner::case_lead, "/api/v1/case-leads",
                     "CaseLead", {"lead_evidence", "document", "on_site_photo"}, kAttachLeadRoles, kPeopleRoles);

    router.add(with_roles({"POST", "/api/v1/samples/{number}/delivery", "recordSampleDelivery",
                "The parcel of a sample bought online: carrier, tracking number, date received (samplers of its "
                "office, If-Match; a new record each time, the newest counts; audited)",
                AuthRequirement::User, delivery_schema(), [db](const Request& r) {
                    auto version = if_match(r);
                    if (!version) return Response::problem(version.problem());
                    auto done = wf::record_sample_delivery(*db, actor_of(r), r.params.at("number"), version->version,
                                                           delivery_of(r.json));
                    if (!done) return transition_problem(done.error(), *version);
                    return with_etag(Response::json(200, sample_summary(*done)), done->version);
                }}, domain::RoleSet{Role::sampler}));
}

}  // namespace lims::api::sampling_tables
