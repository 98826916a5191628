#include "lims/store/audit_checkpoint.hpp"

#include "lims/store/sql.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/utc_time.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <sstream>

namespace lims::store {

namespace {

constexpr std::size_t kMinKeyBytes = 32;

// Poco's HMACEngine takes the hash engine and its block size as template parameters.
class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

std::string signed_text(const AuditCheckpoint& c) {
    return "lims-audit-checkpoint-v1\n" + std::to_string(c.seq) + "\n" + c.hash + "\n" + c.taken_at;
}

std::string mac_of(const AuditCheckpoint& c, const std::string& key) {
    Poco::HMACEngine<Sha256Engine> hmac(key);
    hmac.update(signed_text(c));
    return Poco::DigestEngine::digestToHex(hmac.digest());
}

// Compares without stopping at the first difference.
bool same(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

StoreResult<std::string> read_checkpoint_key(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return store_error(StoreErrorKind::invalid_argument, "cannot read the checkpoint key file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    if (!key.empty() && key.back() == '\n') key.pop_back();
    if (!key.empty() && key.back() == '\r') key.pop_back();
    if (key.size() < kMinKeyBytes)
        return store_error(StoreErrorKind::invalid_argument,
                           "the checkpoint key in " + path + " has " + std::to_string(key.size()) +
                               " bytes; it needs at least " + std::to_string(kMinKeyBytes) +
                               " (e.g. head -c 48 /dev/urandom | base64 > " + path + ")");
    return key;
}

StoreResult<AuditCheckpoint> take_audit_checkpoint(Database& db, const std::string& key) {
    auto head = db.read([](Transaction& tx) -> StoreResult<AuditCheckpoint> {
        auto rows = sql(tx, "SELECT seq, hash FROM audit_seals ORDER BY seq DESC LIMIT 1");
        if (rows.rows.empty())
            return store_error(StoreErrorKind::not_found, "the audit chain is empty: nothing to checkpoint yet");
        AuditCheckpoint c;
        c.seq = rows.rows.front().integer(0);
        c.hash = rows.rows.front().text(1);
        return c;
    });
    if (!head) return head.error();
    AuditCheckpoint c = *head;
    c.taken_at = utc_now();
    c.mac = mac_of(c, key);
    return c;
}

std::string checkpoint_line(const AuditCheckpoint& c) {
    Poco::JSON::Object o;
    o.set("seq", static_cast<Poco::Int64>(c.seq));
    o.set("hash", c.hash);
    o.set("taken_at", c.taken_at);
    o.set("hmac_sha256", c.mac);
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

std::optional<AuditCheckpoint> parse_checkpoint_line(std::string_view line) {
    try {
        auto o = Poco::JSON::Parser().parse(std::string(line)).extract<Poco::JSON::Object::Ptr>();
        if (!o || !o->has("seq") || !o->has("hash") || !o->has("taken_at") || !o->has("hmac_sha256")) return std::nullopt;
        AuditCheckpoint c;
        c.seq = o->getValue<Poco::Int64>("seq");
        c.hash = o->getValue<std::string>("hash");
        c.taken_at = o->getValue<std::string>("taken_at");
        c.mac = o->getValue<std::string>("hmac_sha256");
        if (c.seq < 1) return std::nullopt;
        return c;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

StoreResult<CheckpointVerification> verify_audit_checkpoints(Database& db, const std::vector<std::string>& lines,
                                                             const std::string& key) {
    return db.read([&](Transaction& tx) -> StoreResult<CheckpointVerification> {
        CheckpointVerification v;
        auto fail = [&](std::size_t line, std::string problem) {
            v.intact = false;
            v.bad_line = line;
            v.problem = "checkpoint line " + std::to_string(line) + ": " + std::move(problem);
            return v;
        };
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
            auto c = parse_checkpoint_line(line);
            if (!c) return fail(i + 1, "is not a checkpoint");
            if (!same(mac_of(*c, key), c->mac))
                return fail(i + 1, "its signature does not match: forged, altered, or signed with another key");
            auto rows = sql(tx, "SELECT hash FROM audit_seals WHERE seq = $1", {c->seq});
            if (rows.rows.empty())
                return fail(i + 1, "audit entry " + std::to_string(c->seq) + " (checkpointed at " + c->taken_at +
                                       ") is missing: the chain was cut short");
            if (rows.rows.front().text(0) != c->hash)
                return fail(i + 1, "audit entry " + std::to_string(c->seq) + " has another hash than when checkpointed at " +
                                       c->taken_at + ": the chain was rewritten at or before it");
            ++v.checked;
        }
        return v;
    });
}

}  // namespace lims::store
