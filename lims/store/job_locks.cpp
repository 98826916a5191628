#include "lims/store/job_locks.hpp"

#include <Poco/Data/Statement.h>

#include <exception>

namespace lims::store {

using namespace Poco::Data::Keywords;

namespace {

// One integer from a statement on `session`. The key is computed here, not user input,
// so it is written into the text (Poco's PostgreSQL binding of int64 is not needed).
int select_int(Poco::Data::Session& session, const std::string& sql) {
    int value = 0;
    session << sql, into(value), now;
    return value;
}

}  // namespace

JobLocks::JobLocks(std::shared_ptr<Database> database) : database_(std::move(database)) {}

JobLocks::~JobLocks() { release_all(); }

std::int64_t JobLocks::key(std::string_view job) {
    std::uint64_t hash = 14695981039346656037ULL;
    auto mix = [&hash](std::string_view text) {
        for (unsigned char c : text) {
            hash ^= c;
            hash *= 1099511628211ULL;
        }
    };
    mix("lims.job:");
    mix(job);
    return static_cast<std::int64_t>(hash);
}

JobLocks::Outcome JobLocks::claim(std::string_view job) {
    if (database_->dialect() != Dialect::postgresql) return {Claim::held, {}};
    std::lock_guard lock(mutex_);
    const std::string k = std::to_string(key(job));
    try {
        if (!connection_) connection_.emplace(database_->connect());
        auto& session = connection_->session();
        const bool got =
            select_int(session, "SELECT CASE WHEN pg_try_advisory_lock(" + k + ") THEN 1 ELSE 0 END") == 1;
        if (!got) {
            held_.erase(std::string(job));
            return {Claim::held_elsewhere, {}};
        }
        // Session-level locks stack: a lock this session already held is now held twice,
        // so one is given back and a single unlock releases it later.
        if (!held_.insert(std::string(job)).second)
            select_int(session, "SELECT CASE WHEN pg_advisory_unlock(" + k + ") THEN 1 ELSE 0 END");
        return {Claim::held, {}};
    } catch (const Poco::Exception& e) {
        // The session is gone or broken: the server has dropped its locks with it, so
        // this node holds nothing now; the next claim starts on a fresh session.
        connection_.reset();
        held_.clear();
        return {Claim::unavailable, e.displayText()};
    } catch (const std::exception& e) {
        connection_.reset();
        held_.clear();
        return {Claim::unavailable, e.what()};
    }
}

void JobLocks::release_all() {
    std::lock_guard lock(mutex_);
    if (!connection_) return;
    try {
        if (!held_.empty()) connection_->session() << "SELECT pg_advisory_unlock_all()", now;
    } catch (...) {
        // A broken session: the server released its locks when it ended.
    }
    held_.clear();
    connection_.reset();
}

std::set<std::string> JobLocks::held() const {
    std::lock_guard lock(mutex_);
    return held_;
}

}  // namespace lims::store
