#include "lims/workflow/review/signing.hpp"

#include "lims/domain/text/sha256.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

std::string sha256_hex(std::string_view text) { return domain::sha256_hex(text); }

domain::Result<store::SignatureRecord> sign(store::Transaction& tx, const PasswordCheck& check, const Actor& signer,
                                            const SigningIntent& intent, const std::string& entity_type,
                                            const std::string& entity_id, const std::string& meaning,
                                            const std::string& content_sha256) {
    if (!signer.user_id)
        return domain::errors::forbidden("signature.signer_required", signer.name + " is not a person and cannot sign");
    if (intent.password.empty())
        return domain::errors::forbidden("signature.password_required", "signing needs the signer's password, typed again");
    std::vector<std::string> hash;
    std::vector<int> active;
    tx.session() << "SELECT password_hash, active FROM users WHERE id = $1", bind(*signer.user_id), into(hash),
        into(active), now;
    if (hash.empty())
        return domain::errors::forbidden("signature.signer_unknown", "user " + std::to_string(*signer.user_id) + " does not exist");
    if (active.front() == 0) return domain::errors::forbidden("signature.signer_inactive", signer.name + " is deactivated");
    if (!check || !check(intent.password, hash.front()))
        return domain::errors::forbidden("signature.password_mismatch",
                                  "the password does not match " + signer.name + "'s: nothing was signed");
    store::SignatureRecord s;
    s.entity_type = entity_type;
    s.entity_id = entity_id;
    s.signer_user_id = *signer.user_id;
    s.meaning = meaning;
    s.method = "password";
    s.address = intent.address;
    s.content_sha256 = content_sha256;
    auto stored = store::ResultRepository(tx).add_signature(s);
    if (!stored) return stored.error();
    tx.record({signer.name, "signature." + meaning, entity_type, entity_id, "", store::to_json(*stored), ""});
    return stored;
}

}  // namespace lims::workflow::review
