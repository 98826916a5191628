// Electronic signatures of the review chain: the signer types their password again, and
// the signature records its meaning (performed, verified, approved), the time and the
// SHA-256 of the signed record. The api supplies the password check (Argon2, lims/api),
// so the workflow never handles a hash format.
#pragma once

#include "lims/domain/result.hpp"
#include "lims/store/result_repository.hpp"
#include "lims/store/transaction.hpp"
#include "lims/workflow/actor.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace lims::workflow::review {

// True only when `password` matches the stored encoded hash (api::verifyPassword).
using PasswordCheck = std::function<bool(std::string_view password, const std::string& encoded_hash)>;

// The signer's re-entered password and where they sign from.
struct SigningIntent {
    std::string password;
    std::string address;  // the client's address, when known
};

inline constexpr const char* kMeaningPerformed = "performed";  // 检验: the analyst accepts the result
inline constexpr const char* kMeaningVerified = "verified";    // 复核: the second person
inline constexpr const char* kMeaningApproved = "approved";    // 批准: the authorised signatory

// Checks the password of the acting user and writes the signature. Errors:
// signature.signer_required (a system actor cannot sign), signature.signer_unknown,
// signature.signer_inactive, signature.password_required, signature.password_mismatch.
domain::Result<store::SignatureRecord> sign(store::Transaction& tx, const PasswordCheck& check, const Actor& signer,
                                            const SigningIntent& intent, const std::string& entity_type,
                                            const std::string& entity_id, const std::string& meaning,
                                            const std::string& content_sha256);

std::string sha256_hex(std::string_view text);

}  // namespace lims::workflow::review
