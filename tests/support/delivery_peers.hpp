// Peers that receive what the delivery queue sends (lims/workflow/coldchain/alarms.hpp:
// SmtpChannel, WebhookChannel), on loopback: a tiny SMTP server that keeps the session's
// transcript and counts messages, and a tiny HTTP server that answers every request with a
// fixed status and keeps the bodies. Header-only, so that suites without the HTTP harness
// (unit_workflow) use them too. Used by the cold-chain alarm tests and the notice push tests.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lims::test {

// A tiny SMTP server: answers a session line by line and keeps what it was sent.
class SmtpSink {
public:
    SmtpSink() : server_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        thread_ = std::thread([this] { run(); });
    }
    ~SmtpSink() {
        stop_ = true;
        thread_.join();
    }
    std::uint16_t port() const { return server_.address().port(); }
    std::string transcript() {
        std::lock_guard lock(mutex_);
        return transcript_;
    }
    int messages() const { return messages_; }

private:
    void run() {
        while (!stop_) {
            if (!server_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket s = server_.acceptConnection();
            s.setReceiveTimeout(Poco::Timespan(5, 0));
            Poco::Net::SocketStream io(s);
            io << "220 sink ESMTP\r\n" << std::flush;
            std::string line;
            bool data = false;
            while (std::getline(io, line)) {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                {
                    std::lock_guard lock(mutex_);
                    transcript_ += line + "\n";
                }
                if (data) {
                    if (line == ".") {
                        data = false;
                        ++messages_;
                        io << "250 queued\r\n" << std::flush;
                    }
                    continue;
                }
                if (line.rfind("EHLO", 0) == 0 || line.rfind("HELO", 0) == 0)
                    io << "250 sink\r\n" << std::flush;
                else if (line.rfind("DATA", 0) == 0) {
                    data = true;
                    io << "354 go ahead\r\n" << std::flush;
                } else if (line.rfind("QUIT", 0) == 0) {
                    io << "221 bye\r\n" << std::flush;
                    break;
                } else
                    io << "250 ok\r\n" << std::flush;
            }
        }
    }
    Poco::Net::ServerSocket server_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> messages_{0};
    std::mutex mutex_;
    std::string transcript_;
};

// A tiny HTTP server: answers each request with `status` and keeps the bodies.
class WebhookSink {
public:
    explicit WebhookSink(int status) : status_(status), server_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        thread_ = std::thread([this] { run(); });
    }
    ~WebhookSink() {
        stop_ = true;
        thread_.join();
    }
    std::uint16_t port() const { return server_.address().port(); }
    std::vector<std::string> bodies() {
        std::lock_guard lock(mutex_);
        return bodies_;
    }

private:
    void run() {
        while (!stop_) {
            if (!server_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket s = server_.acceptConnection();
            s.setReceiveTimeout(Poco::Timespan(5, 0));
            Poco::Net::SocketStream io(s);
            std::string line;
            std::size_t length = 0;
            while (std::getline(io, line) && line != "\r") {
                std::string lower = line;
                for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (lower.rfind("content-length:", 0) == 0) length = std::stoul(line.substr(15));
            }
            std::string body(length, '\0');
            io.read(body.data(), static_cast<std::streamsize>(length));
            {
                std::lock_guard lock(mutex_);
                bodies_.push_back(body);
            }
            io << "HTTP/1.1 " << status_ << " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" << std::flush;
        }
    }
    int status_;
    Poco::Net::ServerSocket server_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<std::string> bodies_;
};

}  // namespace lims::test
