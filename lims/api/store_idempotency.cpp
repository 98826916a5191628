#include "lims/api/store_idempotency.hpp"

#include "lims/store/utc_time.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::api {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("lims.api.idempotency"); }

std::string headersJson(const std::vector<std::pair<std::string, std::string>>& headers) {
    Poco::JSON::Array a;
    for (const auto& [name, value] : headers) {
        Poco::JSON::Array pair;
        pair.add(name);
        pair.add(value);
        a.add(pair);
    }
    std::ostringstream s;
    a.stringify(s);
    return s.str();
}

std::vector<std::pair<std::string, std::string>> headersFrom(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    try {
        auto parsed = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < parsed->size(); ++i) {
            auto pair = parsed->getArray(static_cast<unsigned>(i));
            if (pair && pair->size() == 2) out.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
        }
    } catch (const Poco::Exception& e) {
        logger().warning("stored response headers unreadable: %s", e.displayText());
    }
    return out;
}

using Row = Poco::Tuple<std::string, std::string, Poco::Nullable<int>, Poco::Nullable<std::string>,
                        Poco::Nullable<std::string>, Poco::Nullable<std::string>>;

}  // namespace

StoreIdempotencyStore::StoreIdempotencyStore(std::shared_ptr<store::Database> database, std::chrono::seconds keep)
    : database_(std::move(database)), keep_(keep) {}

IdempotencyStore::ClaimResult StoreIdempotencyStore::claim(std::int64_t userId, const std::string& key,
                                                          const std::string& requestHash) {
    const std::string expiredBefore = store::format_utc(std::chrono::system_clock::now() - keep_);
    auto result = database_->write([&](store::Transaction& tx) -> domain::Result<ClaimResult> {
        const Poco::Int64 user = userId;
        std::vector<Row> rows;
        tx.session() << "SELECT request_hash, created_at, response_status, response_content_type, response_headers, "
                        "response_body FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
            bind(user), bind(key), into(rows), now;
        const std::string at = tx.now_utc();
        if (rows.empty()) {
            tx.session() << "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) "
                            "VALUES ($1, $2, $3, $4)",
                bind(user), bind(key), bind(requestHash), bind(at), now;
            return ClaimResult{Claim::Fresh, std::nullopt};
        }
        const Row& r = rows.front();
        if (r.get<1>() < expiredBefore) {
            tx.session() << "UPDATE idempotency_keys SET request_hash = $1, created_at = $2, response_status = NULL, "
                            "response_content_type = NULL, response_headers = NULL, response_body = NULL "
                            "WHERE user_id = $3 AND idem_key = $4",
                bind(requestHash), bind(at), bind(user), bind(key), now;
            return ClaimResult{Claim::Fresh, std::nullopt};
        }
        if (r.get<0>() != requestHash) return ClaimResult{Claim::DifferentRequest, std::nullopt};
        if (r.get<2>().isNull()) return ClaimResult{Claim::InProgress, std::nullopt};
        Response stored;
        stored.status = r.get<2>().value();
        stored.contentType = r.get<3>().isNull() ? std::string() : r.get<3>().value();
        stored.headers = headersFrom(r.get<4>().isNull() ? std::string("[]") : r.get<4>().value());
        stored.body = r.get<5>().isNull() ? std::string() : r.get<5>().value();
        return ClaimResult{Claim::Replay, std::move(stored)};
    });
    if (!result) {
        logger().error("idempotency claim failed: %s", result.error().message);
        // Doing the work without a claim could do it twice; refusing is the safe answer.
        return ClaimResult{Claim::InProgress, std::nullopt};
    }
    return *result;
}

void StoreIdempotencyStore::complete(std::int64_t userId, const std::string& key, const Response& response) {
    auto done = database_->write([&](store::Transaction& tx) -> domain::Result<bool> {
        const Poco::Int64 user = userId;
        const int status = response.status;
        const std::string headers = headersJson(response.headers);
        tx.session() << "UPDATE idempotency_keys SET response_status = $1, response_content_type = $2, "
                        "response_headers = $3, response_body = $4 WHERE user_id = $5 AND idem_key = $6",
            bind(status), bind(response.contentType), bind(headers), bind(response.body), bind(user), bind(key), now;
        return true;
    });
    if (!done) logger().error("idempotency completion not stored: %s", done.error().message);
}

void StoreIdempotencyStore::release(std::int64_t userId, const std::string& key) {
    auto done = database_->write([&](store::Transaction& tx) -> domain::Result<bool> {
        const Poco::Int64 user = userId;
        tx.session() << "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2", bind(user), bind(key), now;
        return true;
    });
    if (!done) logger().error("idempotency release failed: %s", done.error().message);
}

domain::Result<int> StoreIdempotencyStore::purgeExpired() {
    const std::string expiredBefore = store::format_utc(std::chrono::system_clock::now() - keep_);
    return database_->write([&](store::Transaction& tx) -> domain::Result<int> {
        Poco::Data::Statement del(tx.session());
        del << "DELETE FROM idempotency_keys WHERE created_at < $1", bind(expiredBefore);
        return static_cast<int>(del.execute());
    });
}

}  // namespace lims::api
