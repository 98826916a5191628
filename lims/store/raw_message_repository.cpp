#include "lims/store/raw_message_repository.hpp"
#include "lims/store/sql.hpp"
#include "lims/domain/text/sha256.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace lims::store {

std::string sha256_hex(const std::string& bytes) { return domain::sha256_hex(bytes); }

StoreResult<StoredRawMessage> RawMessageRepository::store(std::int64_t instrument_id, const std::string& protocol,
                                                          const std::string& received_at_utc,
                                                          const std::string& bytes) {
    return store(instrument_id, protocol, received_at_utc, bytes, sha256_hex(bytes));
}

StoreResult<StoredRawMessage> RawMessageRepository::store(std::int64_t instrument_id, const std::string& protocol,
                                                          const std::string& received_at_utc,
                                                          const std::string& bytes, const std::string& hash) {
    if (protocol.empty()) return store_error(StoreErrorKind::invalid_argument, "raw message: protocol is empty");
    auto existing = sql(tx_, "SELECT id FROM raw_messages WHERE instrument_id = $1 AND sha256 = $2",
                        {instrument_id, hash});
    if (!existing.rows.empty()) return StoredRawMessage{existing.rows.front().integer(0), true};
    auto inserted = sql(tx_,
                        "INSERT INTO raw_messages (instrument_id, protocol, received_at, sha256, bytes) "
                        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        {instrument_id, protocol, received_at_utc, hash, SqlParam::blob(bytes)});
    const std::int64_t id = inserted.rows.at(0).integer(0);
    return StoredRawMessage{id, false};
}

StoreResult<RawMessage> RawMessageRepository::get(std::int64_t id) {
    Poco::Int64 i = id;
    std::vector<Poco::Nullable<Poco::Int64>> instrument;
    std::vector<std::string> protocol, at, hash;
    std::vector<Poco::Data::BLOB> bytes;
    tx_.session() << "SELECT instrument_id, protocol, received_at, sha256, bytes FROM raw_messages WHERE id = $1",
        bind(i), into(instrument), into(protocol), into(at), into(hash), into(bytes), now;
    if (protocol.empty())
        return store_error(StoreErrorKind::not_found, "raw message " + std::to_string(id) + " does not exist");
    RawMessage m;
    m.id = id;
    if (!instrument[0].isNull()) m.instrument_id = instrument[0].value();
    m.protocol = protocol[0];
    m.received_at = at[0];
    m.sha256 = hash[0];
    m.bytes.assign(reinterpret_cast<const char*>(bytes[0].rawContent()), bytes[0].size());
    return m;
}

StoreResult<std::int64_t> RawMessageRepository::count(std::optional<std::int64_t> instrument_id) {
    Poco::Int64 n = 0;
    if (instrument_id) {
        Poco::Int64 iid = *instrument_id;
        tx_.session() << "SELECT count(*) FROM raw_messages WHERE instrument_id = $1", bind(iid), into(n), now;
    } else {
        tx_.session() << "SELECT count(*) FROM raw_messages", into(n), now;
    }
    return static_cast<std::int64_t>(n);
}

}  // namespace lims::store
