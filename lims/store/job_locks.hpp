// Which of several `lims serve` nodes on one PostgreSQL database runs each periodic job.
// A job is claimed with a session-level advisory lock keyed by its name
// (pg_try_advisory_lock) on one session this object keeps: the node that gets the lock
// runs the job, every round, until it stops (release_all) or its session ends (the node
// died, or the connection broke: the server drops the lock and another node takes the job
// on its next try). The others skip the job. On SQLite there is one node per database
// file, so every claim succeeds and no session is held.
//
// The session is borrowed from the database's pool for as long as a lock is held: a node
// that holds jobs has one session fewer for requests.
#pragma once

#include "lims/store/database.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace lims::store {

class JobLocks {
public:
    enum class Claim {
        held,            // this node runs the job this round
        held_elsewhere,  // another node holds the job's lock: skip this round
        unavailable,     // the lock could not be asked for (database unreachable): skip
    };
    struct Outcome {
        Claim claim = Claim::held;
        std::string problem;  // why, when unavailable
    };

    explicit JobLocks(std::shared_ptr<Database> database);
    ~JobLocks();  // releases
    JobLocks(const JobLocks&) = delete;
    JobLocks& operator=(const JobLocks&) = delete;

    // Takes (or confirms this node still holds) the lock of the job named `job`.
    Outcome claim(std::string_view job);

    // Gives up every lock this node holds and returns the session to the pool.
    void release_all();

    // The advisory-lock key of a job: FNV-1a (64 bits) of "lims.job:" + name, stable across
    // versions and PostgreSQL releases (hashtext() is not promised to be).
    static std::int64_t key(std::string_view job);

    // Names of the jobs this node holds now (for /metrics and tests).
    std::set<std::string> held() const;

private:
    std::shared_ptr<Database> database_;
    mutable std::mutex mutex_;
    std::optional<Connection> connection_;
    std::set<std::string> held_;
};

}  // namespace lims::store
