#include "drivers/hl7_driver.hpp"

#include <protocols/hl7/ack.hpp>
#include <protocols/hl7/message.hpp>
#include <protocols/hl7/oru.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
namespace hl7 = protocols::hl7;

Hl7Driver::Hl7Driver(DriverContext ctx, Hl7Options options) : ctx_(std::move(ctx)), options_(std::move(options)) {
    ctx_.states->add(options_.instrument_id, "hl7");
}

Hl7Driver::~Hl7Driver() = default;

std::string Hl7Driver::start() {
    auto session = [this](std::shared_ptr<Link> link) { return this->session(std::move(link)); };
    if (auto* where = std::get_if<TcpListen>(&options_.endpoint)) {
        listener_ = Listener::create(ctx_, options_.instrument_id, *where, options_.max_connections,
                                     options_.timeouts, session, options_.allowed_peers);
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

void Hl7Driver::stop() {
    stop_->stopping = true;
    if (listener_) listener_->stop();
    ctx_.states->set(options_.instrument_id, DeviceState::stopped);
}

std::uint16_t Hl7Driver::port() const { return listener_ ? listener_->port() : 0; }

std::string Hl7Driver::next_control_id() {
    return "L" + compact_utc(std::chrono::system_clock::now()) + "-" + std::to_string(++control_counter_);
}

awaitable<std::string> Hl7Driver::answer(std::string payload, std::vector<protocols::Observation>& arena) {
    const auto& id = options_.instrument_id;
    hl7::AckParams params;
    params.control_id = next_control_id();
    params.timestamp = compact_utc(std::chrono::system_clock::now()) + "+0000";
    hl7::LocalIdentity local{options_.local_application, options_.local_facility, "2.5.1"};

    hl7::ParseOptions parse_options;
    parse_options.tolerate_lf = options_.tolerate_lf;
    auto parsed = hl7::parse(payload, parse_options);
    if (auto* error = std::get_if<protocols::DecodeError>(&parsed)) {
        ctx_.states->count_failure(id, error->code + ": " + error->detail);
        co_return hl7::build_reject_ack(payload, *error, params, local);
    }
    const auto& message = std::get<hl7::Message>(parsed);
    InstrumentMessage im;
    im.observations = std::move(arena);
    if (auto error = hl7::observations_from_oru(message, im.observations)) {
        arena = std::move(im.observations);
        ctx_.states->count_failure(id, error->code + ": " + error->detail);
        params.code = hl7::AckCode::reject;
        params.condition = hl7::AckCondition::unsupported_message_type;
        params.reason = error->detail.empty() ? error->code : error->detail;
        params.error_segment = "MSH";
        params.error_sequence = 1;
        params.error_field = 9;
        co_return hl7::build_ack(message, params);
    }
    im.instrument_code = id;
    im.protocol = "hl7";
    im.raw = std::move(payload);
    im.received_at = std::chrono::system_clock::now();
    auto outcome = co_await commit_message_reusing(ctx_, im);
    arena = std::move(im.observations);
    if (std::holds_alternative<CommitReceipt>(outcome)) {
        ctx_.states->count_message(id);
        params.code = hl7::AckCode::accept;
        co_return hl7::build_ack(message, params);
    }
    const auto& failure = std::get<CommitFailure>(outcome);
    ctx_.states->count_failure(id, failure.code + ": " + failure.reason);
    params.code = failure.retryable ? hl7::AckCode::error : hl7::AckCode::reject;
    params.condition = hl7::AckCondition::application_internal_error;
    params.reason = failure.code + ": " + failure.reason;
    co_return hl7::build_ack(message, params);
}

awaitable<void> Hl7Driver::session(std::shared_ptr<Link> link) {
    const auto& id = options_.instrument_id;
    hl7::MllpDecoder decoder(options_.max_message_bytes);
    std::vector<hl7::MllpEvent> events;
    std::vector<protocols::Observation> arena;  // the connection's observations, reused message after message
    std::string buffer(16 * 1024, '\0');
    for (;;) {
        auto read = co_await link->read(buffer.data(), buffer.size());
        if (read.status == ReadStatus::protocol_timer) continue;
        if (read.status != ReadStatus::data) {
            if (read.status == ReadStatus::error) ctx_.states->count_failure(id, "read: " + read.error);
            if (read.status == ReadStatus::frame_timeout) {
                // The deadline is why the frame ends unfinished: that is the failure to show.
                ctx_.states->count_failure(id, "hl7.frame_deadline: " + link->peer() + " sent no whole MLLP frame within " +
                                                   std::to_string(options_.timeouts.frame->count()) +
                                                   " ms of its first byte; connection closed, the partial frame dropped");
                co_return;
            }
            break;
        }
        events.clear();
        decoder.feed(std::string_view(buffer.data(), read.size), events);
        for (const auto& event : events)
            if (std::holds_alternative<hl7::MllpFrame>(event)) link->frame_complete();
        ctx_.states->set(id, decoder.inside_frame() ? DeviceState::receiving : DeviceState::connected);
        for (auto& event : events) {
            if (auto* frame = std::get_if<hl7::MllpFrame>(&event)) {
                ctx_.states->set(id, DeviceState::receiving);
                auto ack = co_await answer(std::move(frame->payload), arena);
                auto framed = hl7::mllp_encode(ack);
                if (auto* text = std::get_if<std::string>(&framed)) {
                    if (!co_await link->write(*text)) co_return;
                }
                ctx_.states->set(id, DeviceState::connected);
                continue;
            }
            const auto& error = std::get<protocols::DecodeError>(event);
            ctx_.states->count_failure(id, error.code + ": " + error.detail);
            if (error.code == "mllp.too_large") {
                // Refuse it in words the sender logs, then hang up: what follows is the
                // rest of a message we will not read.
                hl7::AckParams params;
                params.control_id = next_control_id();
                params.timestamp = compact_utc(std::chrono::system_clock::now()) + "+0000";
                auto ack = hl7::build_reject_ack(
                    "", protocols::DecodeError{error.code, error.offset,
                                               "message larger than " + std::to_string(options_.max_message_bytes) +
                                                   " bytes"},
                    params, {options_.local_application, options_.local_facility, "2.5.1"});
                auto framed = hl7::mllp_encode(ack);
                if (auto* text = std::get_if<std::string>(&framed)) co_await link->write(*text);
                co_return;
            }
        }
    }
    events.clear();
    decoder.finish(events);
    for (auto& event : events)
        if (auto* error = std::get_if<protocols::DecodeError>(&event))
            ctx_.states->count_failure(id, error->code + ": " + error->detail);
}

}  // namespace drivers
