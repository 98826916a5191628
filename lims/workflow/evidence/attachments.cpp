#include "lims/workflow/evidence/attachments.hpp"

#include "lims/domain/evidence/evidence_file.hpp"
#include "lims/domain/text/sha256.hpp"
#include "lims/store/sql.hpp"
#include "lims/workflow/review/visibility.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

namespace lims::workflow::evidence {

namespace {

using domain::Role;

constexpr std::size_t kMaxFileName = 200;
constexpr std::size_t kMaxNote = 500;

struct Purpose {
    const char* name;
    AttachmentOwner owner;
    Role role;  // who attaches for this purpose
};
constexpr Purpose kPurposes[] = {
    {"on_site_photo", AttachmentOwner::sample, Role::sampler},
    {"document", AttachmentOwner::sample, Role::sampler},
    {"purchase_screenshot", AttachmentOwner::sample, Role::sampler},
    {"payment_record", AttachmentOwner::sample, Role::sampler},
    {"receipt_photo", AttachmentOwner::sample, Role::receiver},
    {"lead_evidence", AttachmentOwner::case_lead, Role::enforcement_officer},
    {"document", AttachmentOwner::case_lead, Role::enforcement_officer},
    {"on_site_photo", AttachmentOwner::case_lead, Role::enforcement_officer},
};

domain::Error invalid(const std::string& field, const std::string& code, std::string message) {
    return domain::errors::invalid(field, code, std::move(message));
}

const char* owner_word(AttachmentOwner o) { return o == AttachmentOwner::sample ? "sample" : "case lead"; }

review::RecordKind kind_of(AttachmentOwner o) {
    return o == AttachmentOwner::sample ? review::RecordKind::sample : review::RecordKind::case_lead;
}

// The owner's id, when the caller's subtree holds it; not_found otherwise (never revealing
// another jurisdiction's record).
domain::Result<std::int64_t> owner_id(store::Transaction& tx, const Actor& actor, AttachmentOwner owner,
                                      const std::string& number) {
    auto held = review::holds_record(tx, actor, kind_of(owner), number);
    if (!held) return held.error();
    if (!*held)
        return domain::errors::not_found("attachment.not_found",
                                         std::string("There is no ") + owner_word(owner) + " " + number + ".");
    auto id = store::sql(tx, owner == AttachmentOwner::sample ? "SELECT id FROM samples WHERE number = $1"
                                                               : "SELECT id FROM case_leads WHERE number = $1",
                         {number});
    if (id.rows.empty())
        return domain::errors::not_found("attachment.not_found",
                                         std::string("There is no ") + owner_word(owner) + " " + number + ".");
    return id.rows.front().integer(0);
}

// For reading: as owner_id, and a sample's files are also read by whoever holds a case lead
// opened on that sample (the enforcement unit verifying the lead sees the sampling evidence
// the lead names, though the sample is the registering office's).
domain::Result<std::int64_t> readable_owner_id(store::Transaction& tx, const Actor& actor, AttachmentOwner owner,
                                               const std::string& number) {
    auto id = owner_id(tx, actor, owner, number);
    if (id || owner != AttachmentOwner::sample) return id;
    for (auto& lead : store::sql(tx,
                                 "SELECT c.number, s.id FROM case_leads c JOIN samples s ON s.id = c.sample_id "
                                 "WHERE s.number = $1 ORDER BY c.id",
                                 {number})
                          .rows) {
        auto held = review::holds_record(tx, actor, review::RecordKind::case_lead, lead.text(0));
        if (!held) return held.error();
        if (*held) return lead.integer(1);
    }
    return id;
}

const char* owner_column(AttachmentOwner o) { return o == AttachmentOwner::sample ? "sample_id" : "case_lead_id"; }

Attachment attachment_of(store::SqlRow& row) {
    return {row.integer(0), row.text(1), row.text(2), row.text(3), row.integer(4),
            row.text(5),    row.text(6), row.text(7), row.text(8)};
}

constexpr const char* kAttachmentColumns =
    "a.id, a.purpose, a.sha256, c.media_type, c.size, a.file_name, a.note, a.uploaded_by_name, a.created_at";

bool file_name_ok(const std::string& n) {
    return std::none_of(n.begin(), n.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F || c == '/' || c == '\\' || c == '"';
    });
}

}  // namespace

domain::Result<Attachment> attach(store::Database& db, const Actor& actor, AttachmentOwner owner,
                                  const std::string& owner_number, const AttachmentUpload& up, std::size_t max_bytes) {
    const Purpose* purpose = nullptr;
    for (const auto& p : kPurposes)
        if (p.owner == owner && up.purpose == p.name) purpose = &p;
    if (!purpose)
        return invalid("purpose", "attachment.purpose",
                       "\"" + up.purpose + "\" is not a purpose of an attachment to a " + owner_word(owner));
    if (up.file_name.size() > kMaxFileName || !file_name_ok(up.file_name))
        return invalid("file_name", "attachment.file_name",
                       "a file name is up to 200 characters without control characters, slashes or quotes");
    if (up.note.size() > kMaxNote) return invalid("note", "attachment.note", "a note is up to 500 characters");
    if (auto size = domain::check_evidence_size(up.bytes.size(), max_bytes); !size)
        return invalid("content_base64", size.error().code, size.error().message);
    auto type = domain::sniff_evidence_type(up.bytes);
    if (!type) return invalid("content_base64", type.error().code, type.error().message);
    const std::string sha = domain::sha256_hex(up.bytes);
    const std::string media_type(domain::media_type_of(*type));

    return db.write([&](store::Transaction& tx) -> domain::Result<Attachment> {
        auto id = owner_id(tx, actor, owner, owner_number);
        if (!id) return id.error();
        if (!actor.roles.contains(purpose->role))
            return domain::errors::forbidden("attachment.forbidden",
                                             std::string("A ") + std::string(domain::to_string(purpose->role)) +
                                                 " attaches the " + purpose->name + " of a " + owner_word(owner) + ".");
        // Content-addressed: the same bytes are kept once, whoever attaches them again.
        store::sql(tx,
                   "INSERT INTO attachment_contents (sha256, media_type, size, bytes, created_at) "
                   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
                   {sha, media_type, static_cast<std::int64_t>(up.bytes.size()), store::SqlParam::blob(up.bytes),
                    tx.now_utc()});
        const std::int64_t attachment_id =
            store::sql(tx,
                       std::string("INSERT INTO attachments (") + owner_column(owner) +
                           ", purpose, sha256, file_name, note, uploaded_by, uploaded_by_name, created_at) VALUES "
                           "($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                       {*id, up.purpose, sha, up.file_name, up.note, actor.user_id, actor.name, tx.now_utc()})
                .rows.at(0)
                .integer(0);
        Poco::JSON::Object after;
        after.set("id", attachment_id);
        after.set("purpose", up.purpose);
        after.set("sha256", sha);
        after.set("media_type", media_type);
        after.set("size", static_cast<std::int64_t>(up.bytes.size()));
        after.set("file_name", up.file_name);
        std::ostringstream json;
        after.stringify(json);
        tx.record({actor.name, "attachment.add", owner == AttachmentOwner::sample ? "sample" : "case_lead", owner_number,
                   "", json.str(), up.note});
        return Attachment{attachment_id, up.purpose, sha, media_type, static_cast<std::int64_t>(up.bytes.size()),
                          up.file_name, up.note, actor.name, tx.now_utc()};
    });
}

domain::Result<std::vector<Attachment>> list_attachments(store::Database& db, const Actor& actor, AttachmentOwner owner,
                                                         const std::string& owner_number) {
    return db.read([&](store::Transaction& tx) -> domain::Result<std::vector<Attachment>> {
        auto id = readable_owner_id(tx, actor, owner, owner_number);
        if (!id) return id.error();
        std::vector<Attachment> out;
        for (auto& row : store::sql(tx,
                                    std::string("SELECT ") + kAttachmentColumns +
                                        " FROM attachments a JOIN attachment_contents c ON c.sha256 = a.sha256 WHERE a." +
                                        owner_column(owner) + " = $1 ORDER BY a.id",
                                    {*id})
                             .rows)
            out.push_back(attachment_of(row));
        return out;
    });
}

domain::Result<AttachmentContent> attachment_content(store::Database& db, const Actor& actor, AttachmentOwner owner,
                                                     const std::string& owner_number, const std::string& sha256) {
    return db.read([&](store::Transaction& tx) -> domain::Result<AttachmentContent> {
        auto id = readable_owner_id(tx, actor, owner, owner_number);
        if (!id) return id.error();
        auto rows = store::sql(tx,
                               std::string("SELECT ") + kAttachmentColumns +
                                   ", c.bytes FROM attachments a JOIN attachment_contents c ON c.sha256 = a.sha256 "
                                   "WHERE a." + owner_column(owner) + " = $1 AND a.sha256 = $2 ORDER BY a.id LIMIT 1",
                               {*id, sha256});
        if (rows.rows.empty())
            return domain::errors::not_found("attachment.not_found", std::string("The ") + owner_word(owner) + " " +
                                                                         owner_number + " has no attachment " + sha256 + ".");
        auto& row = rows.rows.front();
        AttachmentContent c{attachment_of(row), row.take_text(9), ""};
        // Served only as what its bytes are, and checked again: a row can never make the
        // service send anything else.
        auto type = domain::sniff_evidence_type(c.bytes);
        if (!type || domain::media_type_of(*type) != c.attachment.media_type || domain::sha256_hex(c.bytes) != sha256)
            return domain::errors::internal("attachment.corrupt", "attachment " + sha256 + " does not match its hash or type");
        c.download_name = owner_number + "-" + std::to_string(c.attachment.id) + "." + std::string(domain::extension_of(*type));
        return c;
    });
}

}  // namespace lims::workflow::evidence
