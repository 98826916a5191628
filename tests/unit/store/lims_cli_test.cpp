// Runs the `lims` executable as a process, the way an operator or cron job does.
#include "support/store_fixture.hpp"

#include "lims/store/migrations.hpp"
#include "lims/store/transaction.hpp"

#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

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
