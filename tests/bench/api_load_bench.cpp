// Load program for the sampling API: the real service (ServiceHost, what `lims serve`
// runs) on loopback over a fresh SQLite file, driven by keep-alive HTTP clients in this
// process: GET /api/v1/samples/{number} per second, then POST /api/v1/samples per second
// with p50/p99 latency. Not a ctest; run by hand on a Release build:
//   cmake --build <dir> --target api_load_bench && <dir>/tests/api_load_bench [seconds] [connections]
// Clients and server share the machine's cores, as they would with wrk on the same host.
#include "lims/api/password_hash.hpp"
#include "lims/app/service_host.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/organisation_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/plans.hpp"
#include "lims/workflow/sampling/registration.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace lims;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kPassword = "bench-password-1";
// Samples registered before the read phase: enough that reads do not hit one hot row.
constexpr int kPreloadedSamples = 2000;

template <typename T>
T must(domain::Result<T> r, const char* what) {
    if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message);
    return std::move(r).value();
}

std::string credit_code(const std::string& stem9) {
    const std::string first17 = "91310101" + stem9;
    return first17 + *domain::CreditCode::check_character_for(first17);
}

struct Reply {
    int status = 0;
    std::string body;
};

// One keep-alive connection.
class Client {
public:
    Client(std::uint16_t port, std::string token) : session_("127.0.0.1", port), token_(std::move(token)) {
        session_.setKeepAlive(true);
    }
    Reply send(const std::string& method, const std::string& path, const std::string& body = "") {
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
        if (!body.empty()) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session_.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session_.receiveResponse(response);
        Reply r{static_cast<int>(response.getStatus()), {}};
        Poco::StreamCopier::copyToString(in, r.body);
        return r;
    }

private:
    Poco::Net::HTTPClientSession session_;
    std::string token_;
};

struct Phase {
    std::int64_t requests = 0;
    std::int64_t failures = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;
    double percentile(double p) {
        if (latencies_ms.empty()) return 0;
        std::sort(latencies_ms.begin(), latencies_ms.end());
        return latencies_ms[std::min(latencies_ms.size() - 1, static_cast<std::size_t>(p * latencies_ms.size()))];
    }
};

// Runs `work(client, thread, i)` on `connections` threads for `seconds`.
template <typename Work>
Phase run(std::uint16_t port, const std::string& token, int connections, int seconds, Work work) {
    std::vector<std::thread> threads;
    std::vector<Phase> per(static_cast<std::size_t>(connections));
    std::atomic<bool> stop{false};
    const auto started = Clock::now();
    for (int t = 0; t < connections; ++t)
        threads.emplace_back([&, t] {
            Client client(port, token);
            auto& mine = per[static_cast<std::size_t>(t)];
            for (std::int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
                const auto t0 = Clock::now();
                const bool ok = work(client, t, i);
                mine.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                ++mine.requests;
                if (!ok) ++mine.failures;
            }
        });
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    Phase all;
    all.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    for (auto& p : per) {
        all.requests += p.requests;
        all.failures += p.failures;
        all.latencies_ms.insert(all.latencies_ms.end(), p.latencies_ms.begin(), p.latencies_ms.end());
    }
    return all;
}

std::string registration_body(const std::string& task, std::int64_t sampler1, std::int64_t sampler2,
                               const std::string& seal, const std::string& sampled_at) {
    std::ostringstream b;
    b << R"({"task_number":")" << task << R"(","entity":{"name":"Renmin Pharmacy","credit_code":")"
      << credit_code("MA1FL0001") << R"(","kind":"pharmacy","address":"1 Nanjing Rd"},)"
      << R"("product":{"name":"Amoxicillin capsules","category":"drug","dosage_form":"capsule",)"
      << R"("specification":"0.25 g x 24","manufacturer_name":"Maker Co.","manufacturer_credit_code":")"
      << credit_code("MA1FL0002") << R"("},"batch_number":"B2401","production_date":"2025-01-15",)"
      << R"("expiry_date":"2027-01-14","quantity":"6","unit":"box","test_quantity":"4","retained_quantity":"2",)"
      << R"("storage_condition":"ambient","seal_numbers":[")" << seal << R"(-1",")" << seal << R"(-2"],)"
      << R"("sampler_user_ids":[)" << sampler1 << "," << sampler2 << R"(],"sampled_at":")" << sampled_at
      << R"(","sampling_place":"dispensary shelf 3","trace_codes":["81234567890123456789"]})";
    return b.str();
}

}  // namespace

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
    const int connections = argc > 2 ? std::max(1, std::atoi(argv[2])) : 8;
    try {
        std::string dir = (std::filesystem::temp_directory_path() / "lims-load-XXXXXX").string();
        if (!mkdtemp(dir.data())) throw std::runtime_error("mkdtemp");
        // LIMS_BENCH_DB: another database URL (e.g. "postgresql:host=... dbname=<an empty database>")
        // instead of a fresh SQLite file.
        const char* bench_db = std::getenv("LIMS_BENCH_DB");
        const std::string url = bench_db && *bench_db ? std::string(bench_db) : "sqlite:" + dir + "/lims.db";
        auto db = must(store::Database::open(url), "open");
        must(store::migrate(*db), "migrate");

        // A bureau, an office with two samplers, a laboratory.
        const std::string hash = must(api::hashPassword(kPassword), "hash");
        struct Seeded { domain::Organisation bureau, office; std::int64_t planner, sampler1, sampler2; };
        auto seeded = must(db->write([&](store::Transaction& tx) -> domain::Result<Seeded> {
            store::OrganisationRepository orgs(tx);
            store::UserRepository users(tx);
            auto bureau = orgs.create({"SH", "bureau", domain::OrganisationKind::bureau, {}, "310000"}, "bench");
            if (!bureau) return bureau.error();
            auto office = orgs.create({"SH-HP", "office", domain::OrganisationKind::supervision_office, bureau->id, "310101"}, "bench");
            if (!office) return office.error();
            auto lab = orgs.create({"SH-LAB", "lab", domain::OrganisationKind::inspection_centre, bureau->id, "310000"}, "bench");
            if (!lab) return lab.error();
            auto planner = users.create({bureau->id, "planner", "planner", hash, {"planner"}}, "bench");
            auto s1 = users.create({office->id, "sampler1", "sampler1", hash, {"sampler"}}, "bench");
            auto s2 = users.create({office->id, "sampler2", "sampler2", hash, {"sampler"}}, "bench");
            if (!planner || !s1 || !s2) return domain::Error{"bench.seed", "users"};
            return Seeded{*bureau, *office, planner->id, s1->id, s2->id};
        }), "seed");
        workflow::Actor planner{seeded.planner, "planner", {domain::Role::planner}, seeded.bureau.id, seeded.bureau.path};
        workflow::Actor sampler{seeded.sampler1, "sampler1", {domain::Role::sampler}, seeded.office.id, seeded.office.path};
        const int year = static_cast<int>(std::chrono::year_month_day{workflow::sampling::beijing_day(
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))}.year());
        const std::string y = std::to_string(year);
        auto plan = must(workflow::sampling::create_plan(*db, planner, {"LOAD-" + y, "load", year, y + "-01-01", y + "-12-31",
                                                                        {{seeded.office.id, "drug", "", 900000, y + "-12-31"}}}), "plan");
        auto tasks = must(workflow::sampling::publish_plan(*db, planner, plan.code, plan.version), "publish");
        auto task = must(workflow::sampling::start_task(*db, sampler, tasks.at(0).number, tasks.at(0).version), "start");

        const std::string sampled_at = workflow::sampling::format_utc_seconds(
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::hours(1));

        auto calendar = must(workflow::load_working_calendar(std::string(LIMS_SOURCE_DIR) + "/fixtures/calendars"), "calendar");
        app::ServiceSettings settings;
        settings.server.host = "127.0.0.1";
        settings.server.port = 0;
        settings.server.maxKeepAliveRequests = 1'000'000;
        app::ServiceHost host(db, std::move(calendar), settings);
        host.start();
        const auto port = host.port();

        Client login(port, "");
        auto reply = login.send("POST", "/api/v1/auth/login", R"({"username":"sampler1","password":")" + std::string(kPassword) + "\"}");
        if (reply.status != 200) throw std::runtime_error("login: " + std::to_string(reply.status) + " " + reply.body);
        const std::string token =
            Poco::JSON::Parser().parse(reply.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");

        // Preload over HTTP (also warms the server).
        std::vector<std::string> numbers;
        {
            Client c(port, token);
            for (int i = 0; i < kPreloadedSamples; ++i) {
                auto r = c.send("POST", "/api/v1/samples",
                                registration_body(task.number, seeded.sampler1, seeded.sampler2, "PRE-" + std::to_string(i), sampled_at));
                if (r.status != 201) throw std::runtime_error("preload: " + std::to_string(r.status) + " " + r.body);
                numbers.push_back(Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("number"));
            }
        }

        auto reads = run(port, token, connections, seconds, [&](Client& c, int t, std::int64_t i) {
            const auto& n = numbers[static_cast<std::size_t>((i * 7919 + t * 104729) % static_cast<std::int64_t>(numbers.size()))];
            return c.send("GET", "/api/v1/samples/" + n).status == 200;
        });
        const auto stats_before_writes = db->write_stats();
        auto writes = run(port, token, connections, seconds, [&](Client& c, int t, std::int64_t i) {
            const std::string seal = "L" + std::to_string(t) + "-" + std::to_string(i);
            return c.send("POST", "/api/v1/samples",
                          registration_body(task.number, seeded.sampler1, seeded.sampler2, seal, sampled_at)).status == 201;
        });
        const auto stats_after_writes = db->write_stats();
        host.stop();

        std::printf("api_load_bench: %d s per phase, %d keep-alive connections, %s\n", seconds, connections,
                    bench_db && *bench_db ? "the database of LIMS_BENCH_DB" : ("SQLite " + dir).c_str());
        std::printf("GET  /api/v1/samples/{number}: %8.0f req/s  p50 %.2f ms  p99 %.2f ms  (%lld requests, %lld failed)\n",
                    reads.requests / reads.seconds, reads.percentile(0.50), reads.percentile(0.99),
                    static_cast<long long>(reads.requests), static_cast<long long>(reads.failures));
        std::printf("POST /api/v1/samples:          %8.0f req/s  p50 %.2f ms  p99 %.2f ms  (%lld requests, %lld failed)\n",
                    writes.requests / writes.seconds, writes.percentile(0.50), writes.percentile(0.99),
                    static_cast<long long>(writes.requests), static_cast<long long>(writes.failures));
        const auto calls = stats_after_writes.calls - stats_before_writes.calls;
        const auto commits = stats_after_writes.groups - stats_before_writes.groups;
        std::printf("group commit during POST phase: %llu writes in %llu commits (%.2f per commit)\n",
                    static_cast<unsigned long long>(calls), static_cast<unsigned long long>(commits),
                    commits ? static_cast<double>(calls) / static_cast<double>(commits) : 0.0);
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        return reads.failures == 0 && writes.failures == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "api_load_bench: %s\n", e.what());
        return 2;
    }
}
