// Runs the `lims` executable as a process, the way an operator or cron job does.
#include "support/store_fixture.hpp"

#include "lims/store/audit.hpp"
#include "lims/store/migrations.hpp"
#include "lims/store/transaction.hpp"
#include "lims/store/utc_time.hpp"

#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <fstream>
#include <chrono>
#include <thread>
#include <vector>

using namespace lims::store;
using namespace lims::store::testing;

namespace {

struct Run {
    int exit_code;
    std::string out;
    std::string err;
};

Run run_lims(const std::vector<std::string>& args, const std::string& database_url) {
    Poco::Pipe out_pipe, err_pipe;
    Poco::Process::Env env;
    if (!database_url.empty()) env["LIMS_DATABASE"] = database_url;
    auto handle = Poco::Process::launch(LIMS_BINARY_DIR "/lims/lims", args, ".", nullptr, &out_pipe, &err_pipe, env);
    Poco::PipeInputStream out_stream(out_pipe), err_stream(err_pipe);
    Run r{0, {}, {}};
    // Read stderr on a second thread so neither pipe can fill up and stall the child.
    std::thread err_reader([&] { Poco::StreamCopier::copyToString(err_stream, r.err); });
    Poco::StreamCopier::copyToString(out_stream, r.out);
    err_reader.join();
    r.exit_code = handle.wait();
    return r;
}

}  // namespace

class LimsCliTest : public StoreTest {};

TEST_P(LimsCliTest, AuditVerifyExitsOneAndNamesTheTamperedEntry) {
    auto migrated = run_lims({"migrate"}, url);
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    EXPECT_NE(migrated.out.find("schema version " + std::to_string(builtin_migrations().size())), std::string::npos)
        << migrated.out;

    open();
    for (int i = 1; i <= 5; ++i) {
        auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
            tx.record({"analyst.wang", "sample.register", "sample", std::to_string(i), "", "{}", ""});
            return Done{};
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    auto intact = run_lims({"audit", "verify"}, url);
    EXPECT_EQ(intact.exit_code, 0) << intact.err;
    EXPECT_NE(intact.out.find("intact: 5 entries"), std::string::npos) << intact.out;

    drop_append_only_guards("audit_log");
    exec_raw("UPDATE audit_log SET after_json = '{\"forged\":true}' WHERE seq = 3");
    auto broken = run_lims({"audit", "verify"}, url);
    EXPECT_EQ(broken.exit_code, 1) << broken.out << broken.err;
    EXPECT_NE(broken.err.find("at entry 3"), std::string::npos) << broken.err;
}

// An entry committed and queued but not sealed (on PostgreSQL: every node stopped between
// a commit and its seal): `lims audit verify` says it is waiting and stays intact inside
// the window; `lims audit seal` seals it, and verify then checks it.
TEST_P(LimsCliTest, AuditSealSealsWhatNoNodeSealedAndVerifyShowsItWaiting) {
    ASSERT_EQ(run_lims({"migrate"}, url).exit_code, 0);
    open();
    for (int i = 1; i <= 2; ++i) {
        auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
            tx.record({"analyst.wang", "sample.register", "sample", std::to_string(i), "", "{}", ""});
            return Done{};
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    // As a PostgreSQL writer leaves it: the entry and its row in the seal queue, no seal.
    const std::string at = utc_now();
    exec_raw("INSERT INTO audit_log (seq, at_utc, actor, action, entity_type, entity_id, before_json, after_json, "
             "reason, prev_hash, hash) VALUES (3, '" + at + "', 'analyst.wang', 'sample.register', 'sample', '3', "
             "'', '{}', '', '', '')");
    exec_raw("INSERT INTO audit_pending (entry_seq) VALUES (3)");
    auto waiting = run_lims({"audit", "verify"}, url);
    EXPECT_EQ(waiting.exit_code, 0) << waiting.err;
    EXPECT_NE(waiting.out.find("intact: 2 entries"), std::string::npos) << waiting.out;
    EXPECT_NE(waiting.out.find("1 audit entry committed since " + at + " not sealed yet"), std::string::npos)
        << waiting.out;
    auto sealed = run_lims({"audit", "seal"}, url);
    EXPECT_EQ(sealed.exit_code, 0) << sealed.err;
    EXPECT_NE(sealed.out.find("sealed 1 audit entry"), std::string::npos) << sealed.out;
    auto after = run_lims({"audit", "verify"}, url);
    EXPECT_EQ(after.exit_code, 0) << after.err;
    EXPECT_NE(after.out.find("intact: 3 entries"), std::string::npos) << after.out;
    EXPECT_EQ(after.out.find("not sealed"), std::string::npos) << after.out;
    EXPECT_EQ(run_lims({"audit", "seal", "extra"}, url).exit_code, 2);
}

// Someone with write access to the database rewrites an entry and recomputes every hash
// after it, and the head: `lims audit verify` alone still passes, the signed checkpoints
// name the rewrite; a cut chain and a forged checkpoint are named too (issue 15 item 15).
TEST_P(LimsCliTest, SignedCheckpointsCatchAChainRewrittenConsistently) {
    ASSERT_EQ(run_lims({"migrate"}, url).exit_code, 0);
    open();
    auto add_entries = [&](int from, int to) {
        for (int i = from; i <= to; ++i) {
            auto r = db->write([&](Transaction& tx) -> StoreResult<Done> {
                tx.record({"analyst.wang", "sample.register", "sample", std::to_string(i), "", "{}", ""});
                return Done{};
            });
            ASSERT_TRUE(r.ok()) << r.error().message;
        }
    };
    TempDir dir;
    const std::string key = dir.path + "/checkpoint.key", file = dir.path + "/checkpoints.jsonl";
    std::ofstream(key) << "0123456789abcdef0123456789abcdef0123456789abcdef\n";
    std::ofstream(dir.path + "/short.key") << "too short\n";

    auto empty = run_lims({"audit", "checkpoint", "--key-file", key}, url);
    EXPECT_EQ(empty.exit_code, 3) << empty.out << empty.err;
    EXPECT_NE(empty.err.find("empty"), std::string::npos) << empty.err;
    add_entries(1, 5);
    auto first = run_lims({"audit", "checkpoint", "--key-file", key, "--out", file}, url);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.out.find("\"seq\":5"), std::string::npos) << first.out;
    add_entries(6, 8);
    ASSERT_EQ(run_lims({"audit", "checkpoint", "--key-file", key, "--out", file}, url).exit_code, 0);
    auto matched = run_lims({"audit", "verify", "--checkpoints", file, "--key-file", key}, url);
    EXPECT_EQ(matched.exit_code, 0) << matched.err;
    EXPECT_NE(matched.out.find("signed checkpoints matched: 2"), std::string::npos) << matched.out;

    auto no_key = run_lims({"audit", "verify", "--checkpoints", file}, url);
    EXPECT_EQ(no_key.exit_code, 2);
    auto short_key = run_lims({"audit", "checkpoint", "--key-file", dir.path + "/short.key"}, url);
    EXPECT_EQ(short_key.exit_code, 2);
    EXPECT_NE(short_key.err.find("at least 32"), std::string::npos) << short_key.err;

    // A forged line (another key, or edited by hand) is named by its line.
    {
        std::ifstream in(file);
        std::string line1, line2;
        std::getline(in, line1);
        std::getline(in, line2);
        std::string forged = line2;
        forged.replace(forged.find("\"seq\":8"), 7, "\"seq\":7");
        std::ofstream(dir.path + "/forged.jsonl") << line1 << "\n" << forged << "\n";
    }
    auto forged = run_lims({"audit", "verify", "--checkpoints", dir.path + "/forged.jsonl", "--key-file", key}, url);
    EXPECT_EQ(forged.exit_code, 1);
    EXPECT_NE(forged.err.find("checkpoint line 2: its signature does not match"), std::string::npos) << forged.err;

    // The consistent rewrite of entry 3 (the entries were written one after the other, so
    // entry number n has chain position n), its seal and every seal after it.
    drop_append_only_guards("audit_log");
    drop_append_only_guards("audit_seals");
    auto entries = read_audit_entries(*db, 1, 100);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 8u);
    std::string prev = genesis_hash;
    for (auto& e : *entries) {
        if (e.seq == 3) e.record.after_json = "{\"forged\":true}";
        e.prev_hash = prev;
        e.hash = audit_hash(e);
        prev = e.hash;
        exec_raw("UPDATE audit_log SET after_json = '" + e.record.after_json + "' WHERE seq = " + std::to_string(e.seq));
        exec_raw("UPDATE audit_seals SET prev_hash = '" + e.prev_hash + "', hash = '" + e.hash +
                 "' WHERE seq = " + std::to_string(e.seq));
    }
    exec_raw("UPDATE audit_head SET last_hash = '" + prev + "' WHERE id = 1");
    auto fooled = run_lims({"audit", "verify"}, url);
    EXPECT_EQ(fooled.exit_code, 0) << "the rewrite was not consistent: " << fooled.err;
    auto caught = run_lims({"audit", "verify", "--checkpoints", file, "--key-file", key}, url);
    EXPECT_EQ(caught.exit_code, 1) << caught.out;
    EXPECT_NE(caught.err.find("checkpoint line 1: audit entry 5 has another hash"), std::string::npos) << caught.err;

    // The chain cut back to entry 6 (its head moved with it) verifies alone; the checkpoint
    // of entry 8 says it is missing.
    exec_raw("DELETE FROM audit_seals WHERE seq > 6");
    exec_raw("DELETE FROM audit_log WHERE seq > 6");
    exec_raw("UPDATE audit_head SET last_seq = 6, last_hash = '" + (*entries)[5].hash + "' WHERE id = 1");
    const std::string second_only = dir.path + "/second.jsonl";
    {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line);
        std::getline(in, line);
        std::ofstream(second_only) << line << "\n";
    }
    EXPECT_EQ(run_lims({"audit", "verify"}, url).exit_code, 0);
    auto cut = run_lims({"audit", "verify", "--checkpoints", second_only, "--key-file", key}, url);
    EXPECT_EQ(cut.exit_code, 1);
    EXPECT_NE(cut.err.find("audit entry 8"), std::string::npos) << cut.err;
    EXPECT_NE(cut.err.find("cut short"), std::string::npos) << cut.err;
}

// Start and stop of the commands in a loop (issue 15 item 6): with Poco's SessionPool,
// `lims migrate` could hang at exit (its shutdown waited for the pool's janitor timer under
// the lock the janitor needed). A hang here ends in ctest's timeout.
TEST_P(LimsCliTest, CommandsStartAndStopInALoopWithoutHanging) {
    for (int i = 0; i < 8; ++i) {
        const auto started = std::chrono::steady_clock::now();
        auto migrated = run_lims({"migrate"}, url);
        ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
        auto verified = run_lims({"audit", "verify"}, url);
        ASSERT_EQ(verified.exit_code, 0) << verified.err;
        auto version = run_lims({"version"}, url);
        ASSERT_EQ(version.exit_code, 0) << version.err;
        auto duplicate = run_lims({"org", "add", "--code", "X" + std::to_string(i % 2), "--name", "Bureau", "--kind",
                                   "bureau", "--region", "310000"},
                                  url);
        ASSERT_TRUE(duplicate.exit_code == 0 || (i >= 2 && duplicate.exit_code != 0)) << duplicate.err;
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60)) << "round " << i;
    }
    // The pool itself: opened, used from several threads, closed, a hundred times.
    for (int i = 0; i < 100; ++i) {
        auto opened = Database::open(url);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        std::vector<std::thread> users;
        for (int t = 0; t < 4; ++t)
            users.emplace_back([&] {
                auto r = (*opened)->read([](Transaction& tx) -> StoreResult<int> {
                    int n = 0;
                    tx.session() << "SELECT count(*) FROM schema_version", Poco::Data::Keywords::into(n),
                        Poco::Data::Keywords::now;
                    return n;
                });
                EXPECT_TRUE(r.ok());
            });
        for (auto& u : users) u.join();
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, LimsCliTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         backend_name);

TEST(LimsCli, UsageAndDatabaseErrorsHaveTheirExitCodes) {
    TempDir dir;
    auto unknown = run_lims({"frobnicate"}, "");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown command \"frobnicate\""), std::string::npos) << unknown.err;

    auto unconfigured = run_lims({"migrate"}, "");
    EXPECT_EQ(unconfigured.exit_code, 2);
    EXPECT_NE(unconfigured.err.find("no database configured"), std::string::npos) << unconfigured.err;

    const std::string not_db = dir.path + "/notes.db";
    std::ofstream(not_db) << "not a database at all, just some notes\n";
    auto corrupt = run_lims({"audit", "verify"}, "sqlite:" + not_db);
    EXPECT_EQ(corrupt.exit_code, 3);
    EXPECT_NE(corrupt.err.find(not_db), std::string::npos) << corrupt.err;

    auto unmigrated = run_lims({"audit", "verify"}, "sqlite:" + dir.path + "/empty.db");
    EXPECT_EQ(unmigrated.exit_code, 3);
    EXPECT_NE(unmigrated.err.find("lims migrate"), std::string::npos) << unmigrated.err;

    auto help = run_lims({"help"}, "");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("\n  audit verify"), std::string::npos) << help.out;
}

TEST(LimsCli, GatewayTakesItsRegistryFromTheOptionOrTheConfiguration) {
    TempDir dir;
    const std::string token = dir.path + "/ingest.token";
    std::ofstream(token) << "a-token\n";
    const std::string registry = dir.path + "/instruments.json";
    std::ofstream(registry) << "{\"instruments\": [";  // cut short
    const std::string outbox = dir.path + "/outbox.db";

    auto missing = run_lims({"gateway", "--service", "http://127.0.0.1:9", "--token-file", token}, "");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("--registry instruments.json"), std::string::npos) << missing.err;

    // The option reaches the command (the file is read and its fault named) ...
    auto by_option = run_lims({"gateway", "--service", "http://127.0.0.1:9", "--token-file", token, "--registry",
                               registry, "--outbox", outbox},
                              "");
    EXPECT_EQ(by_option.exit_code, 2);
    EXPECT_NE(by_option.err.find(registry + ":"), std::string::npos) << by_option.err;

    // ... and so does the configuration key `lims serve` reads.
    auto by_key = run_lims({"--define=lims.drivers.registry=" + registry, "gateway", "--service", "http://127.0.0.1:9",
                            "--token-file", token, "--outbox", outbox},
                           "");
    EXPECT_EQ(by_key.exit_code, 2);
    EXPECT_NE(by_key.err.find(registry + ":"), std::string::npos) << by_key.err;
}
