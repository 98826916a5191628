#include "lims_process.hpp"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <sys/wait.h>

#include <csignal>
#include <istream>

namespace lims::test {

std::string lims_binary() { return LIMS_BINARY_DIR "/lims/lims"; }

LimsRun run_lims(const std::vector<std::string>& args, const std::string& url, const std::string& input,
                 const std::map<std::string, std::string>& environment) {
    Poco::Pipe in_pipe, out_pipe, err_pipe;
    Poco::Process::Env env(environment.begin(), environment.end());
    env["LIMS_DATABASE"] = url;
    auto handle = Poco::Process::launch(lims_binary(), args, ".", &in_pipe, &out_pipe, &err_pipe, env);
    {
        Poco::PipeOutputStream in(in_pipe);
        in << input;
    }
    in_pipe.close();
    Poco::PipeInputStream out(out_pipe), err(err_pipe);
    LimsRun r;
    std::thread err_reader([&] { Poco::StreamCopier::copyToString(err, r.err); });
    Poco::StreamCopier::copyToString(out, r.out);
    err_reader.join();
    r.exit_code = handle.wait();
    return r;
}

std::uint16_t free_loopback_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

LimsProcess::LimsProcess(const std::vector<std::string>& args, const std::string& url,
                         const std::map<std::string, std::string>& environment, std::chrono::milliseconds patience)
    : out_pipe_(std::make_unique<Poco::Pipe>()), err_pipe_(std::make_unique<Poco::Pipe>()), patience_(patience) {
    Poco::Process::Env env(environment.begin(), environment.end());
    env["LIMS_DATABASE"] = url;
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(lims_binary(), args, ".", nullptr, out_pipe_.get(), err_pipe_.get(), env));
    out_reader_ = std::thread([this] { collect(*out_pipe_, out_); });
    err_reader_ = std::thread([this] { collect(*err_pipe_, err_); });
}

LimsProcess::~LimsProcess() {
    if (!exited_) kill();
    out_reader_.join();
    err_reader_.join();
}

std::string LimsProcess::wait_for_line(const std::string& text) {
    std::unique_lock lock(mutex_);
    std::string found;
    changed_.wait_for(lock, patience_, [&] {
        for (const auto& line : out_)
            if (line.find(text) != std::string::npos) {
                found = line;
                return true;
            }
        return closed_ == 2;
    });
    return found;
}

void LimsProcess::kill() {
    if (exited_) return;
    ::kill(handle_->id(), SIGKILL);
    exit_code_ = handle_->wait();
    exited_ = true;
}

int LimsProcess::terminate() {
    if (exited_) return exit_code_;
    Poco::Process::requestTermination(handle_->id());
    exit_code_ = handle_->wait();
    exited_ = true;
    return exit_code_;
}

bool LimsProcess::running() { return !exited_ && Poco::Process::isRunning(*handle_); }

int LimsProcess::pid() const { return handle_->id(); }

std::string LimsProcess::output() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& l : out_) all += l + "\n";
    for (const auto& l : err_) all += "stderr: " + l + "\n";
    return all;
}

void LimsProcess::collect(Poco::Pipe& pipe, std::vector<std::string>& lines) {
    Poco::PipeInputStream in(pipe);
    std::string line;
    while (std::getline(in, line)) {
        std::lock_guard lock(mutex_);
        lines.push_back(line);
        changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    ++closed_;
    changed_.notify_all();
}

}  // namespace lims::test
