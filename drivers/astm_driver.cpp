#include "drivers/astm_driver.hpp"

#include <protocols/astm/observations.hpp>
#include <protocols/astm/records.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include <deque>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
namespace astm = protocols::astm;

AstmDriver::AstmDriver(DriverContext ctx, AstmOptions options) : ctx_(std::move(ctx)), options_(std::move(options)) {
    ctx_.states->add(options_.instrument_id, "astm");
}

std::string AstmDriver::start() {
    auto session = [this](std::shared_ptr<Link> link) { return this->session(std::move(link)); };
    if (auto* where = std::get_if<TcpListen>(&options_.endpoint)) {
        listener_ = Listener::create(ctx_, options_.instrument_id, *where, options_.max_connections,
                                     options_.timeouts, session);
        auto error = listener_->start();
        if (!error.empty()) ctx_.states->set_error(options_.instrument_id, DeviceState::failed, error);
        return error;
    }
    asio::co_spawn(asio::make_strand(ctx_.runtime->io()),
                   keep_connected(ctx_, options_.instrument_id, options_.endpoint, options_.timeouts,
                                  options_.backoff, session, stop_),
                   asio::detached);
    return {};
}

void AstmDriver::stop() {
    stop_->stopping = true;
    if (listener_) listener_->stop();
    ctx_.states->set(options_.instrument_id, DeviceState::stopped);
}

std::uint16_t AstmDriver::port() const { return listener_ ? listener_->port() : 0; }

awaitable<void> AstmDriver::session(std::shared_ptr<Link> link) {
    const auto& id = options_.instrument_id;
    astm::Receiver receiver(options_.receiver);
    std::deque<astm::ReceiverEvent> pending;
    std::vector<astm::ReceiverEvent> out;
    std::string buffer(8 * 1024, '\0');

    auto take = [&](std::vector<astm::ReceiverEvent>&& events) {
        for (auto& e : events) pending.push_back(std::move(e));
    };

    for (;;) {
        // Act on every event in order; a commit's resolution appends the events it causes.
        while (!pending.empty()) {
            auto event = std::move(pending.front());
            pending.pop_front();
            if (auto* send = std::get_if<astm::Send>(&event)) {
                if (!co_await link->write(send->bytes)) co_return;
            } else if (auto* arm = std::get_if<astm::ArmTimer>(&event)) {
                link->arm(arm->after);
            } else if (std::holds_alternative<astm::CancelTimer>(event)) {
                link->disarm();
            } else if (std::holds_alternative<astm::SessionStarted>(event)) {
                ctx_.states->set(id, DeviceState::receiving);
            } else if (auto* ended = std::get_if<astm::SessionEnded>(&event)) {
                ctx_.states->set(id, DeviceState::connected);
                if (ended->reason == astm::SessionEnd::timeout)
                    ctx_.states->count_failure(id, "astm.receive_timeout: partial message dropped");
            } else if (auto* error = std::get_if<protocols::DecodeError>(&event)) {
                ctx_.states->count_failure(id, error->code + ": " + error->detail);
                ctx_.note(id, error->code + " at " + std::to_string(error->offset) + ": " + error->detail);
            } else if (auto* message = std::get_if<astm::MessageReceived>(&event)) {
                InstrumentMessage im;
                im.instrument_code = id;
                im.protocol = "astm";
                im.raw = message->raw;
                im.received_at = std::chrono::system_clock::now();
                auto parsed = astm::parse_message(message->records);
                if (auto* m = std::get_if<astm::Message>(&parsed)) {
                    im.observations = astm::to_observations(*m);
                } else {
                    const auto& e = std::get<protocols::DecodeError>(parsed);
                    // Kept anyway: the raw message goes to quarantine with no observations.
                    ctx_.states->count_failure(id, e.code + ": " + e.detail);
                }
                auto outcome = co_await commit_message(ctx_, std::move(im));
                const bool committed = std::holds_alternative<CommitReceipt>(outcome);
                if (committed) {
                    ctx_.states->count_message(id);
                } else {
                    const auto& f = std::get<CommitFailure>(outcome);
                    ctx_.states->count_failure(id, f.code + ": " + f.reason);
                }
                if (message->awaiting_commit)
                    take(committed ? receiver.commit_succeeded() : receiver.commit_failed());
            }
        }
        auto read = co_await link->read(buffer.data(), buffer.size());
        if (read.status == ReadStatus::protocol_timer) {
            take(receiver.on_timeout());
            continue;
        }
        if (read.status != ReadStatus::data) {
            if (read.status == ReadStatus::error) ctx_.states->count_failure(id, "read: " + read.error);
            if (receiver.in_session())
                ctx_.states->count_failure(id, "astm.link_lost: connection ended inside a session, partial message dropped");
            co_return;
        }
        out.clear();
        receiver.feed(std::string_view(buffer.data(), read.size), out);
        take(std::move(out));
        out = {};
    }
}

}  // namespace drivers
