// The `lims` executable as a process, for tests that run it as an operator would: run_lims
// runs one command to its end; LimsProcess leaves one running (serve, gateway) and collects
// its output line by line so a test can wait for a line; kill() is SIGKILL (a crash),
// terminate() the operator's Ctrl-C. Used by the gateway process tests and tests/fault.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace Poco {
class ProcessHandle;
class Pipe;
}  // namespace Poco

namespace lims::test {

// Built into the test binaries by CMake (LIMS_BINARY_DIR).
std::string lims_binary();

struct LimsRun {
    int exit_code = -1;
    std::string out, err;
};

// Runs `lims args...` with LIMS_DATABASE=url (and `environment`), `input` on its standard input.
LimsRun run_lims(const std::vector<std::string>& args, const std::string& url, const std::string& input = "",
                 const std::map<std::string, std::string>& environment = {});

// A free TCP port on 127.0.0.1 (bound and released: another process may take it first, rarely).
std::uint16_t free_loopback_port();

// Polls `condition` every 50 ms until it holds or `patience` passes; returns the last answer.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds patience);

class LimsProcess {
public:
    LimsProcess(const std::vector<std::string>& args, const std::string& url,
                const std::map<std::string, std::string>& environment = {},
                std::chrono::milliseconds patience = std::chrono::seconds(90));
    ~LimsProcess();
    LimsProcess(const LimsProcess&) = delete;
    LimsProcess& operator=(const LimsProcess&) = delete;

    // The first output line containing `text`, once it appears (empty when the process
    // ends first or the patience runs out).
    std::string wait_for_line(const std::string& text);
    void kill();     // SIGKILL, then reaps it
    int terminate();  // SIGINT as Ctrl-C, then its exit code
    bool running();
    int pid() const;
    std::string output();

private:
    void collect(Poco::Pipe& pipe, std::vector<std::string>& lines);

    std::unique_ptr<Poco::Pipe> out_pipe_, err_pipe_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    std::chrono::milliseconds patience_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> out_, err_;
    int closed_ = 0;
    bool exited_ = false;
    int exit_code_ = -1;
    std::thread out_reader_, err_reader_;
};

}  // namespace lims::test
