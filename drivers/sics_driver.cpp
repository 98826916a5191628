#include "drivers/sics_driver.hpp"

#include <protocols/hl7/oru.hpp>
#include <protocols/sics/response.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
namespace sics = protocols::sics;

namespace {
bool is_zero(std::string_view value) {
    for (char c : value)
        if (c >= '1' && c <= '9') return false;
    return true;
}
}  // namespace

SicsDriver::SicsDriver(DriverContext ctx, SicsOptions options) : ctx_(std::move(ctx)), options_(std::move(options)) {
    ctx_.states->add(options_.instrument_id, "sics");
}

std::string SicsDriver::start() {
    if (std::holds_alternative<TcpListen>(options_.endpoint))
        return "MT-SICS balance " + options_.instrument_id + " needs tcp_connect or serial, not tcp_listen";
    auto session = [this](std::shared_ptr<Link> link) { return this->session(std::move(link)); };
    asio::co_spawn(asio::make_strand(ctx_.runtime->io()),
                   keep_connected(ctx_, options_.instrument_id, options_.endpoint, options_.timeouts,
                                  options_.backoff, session, stop_),
                   asio::detached);
    return {};
}

void SicsDriver::stop() {
    stop_->stopping = true;
    ctx_.states->set(options_.instrument_id, DeviceState::stopped);
}

awaitable<void> SicsDriver::session(std::shared_ptr<Link> link) {
    const auto& id = options_.instrument_id;
    std::string buffer(1024, '\0');
    const auto request = sics::encode(options_.command);
    while (!stop_->stopping) {
        // Ask, then wait for the answer line or the reply timeout.
        sics::ResponseDecoder decoder;
        std::vector<sics::ResponseEvent> events;
        ctx_.states->set(id, DeviceState::receiving);
        if (!co_await link->write(request)) co_return;
        link->arm(options_.reply_timeout);
        std::optional<sics::Response> answer;
        while (!answer) {
            auto read = co_await link->read(buffer.data(), buffer.size());
            if (read.status == ReadStatus::protocol_timer) {
                // A balance that stops answering mid-session: drop the link, redial later.
                ctx_.states->count_failure(id, "sics.no_answer: no reply to " + std::string(sics::command_id(options_.command)));
                co_return;
            }
            if (read.status != ReadStatus::data) co_return;
            events.clear();
            decoder.feed(std::string_view(buffer.data(), read.size), events);
            for (auto& e : events) {
                if (auto* r = std::get_if<sics::Response>(&e)) {
                    answer = *r;
                    break;
                }
                const auto& error = std::get<protocols::DecodeError>(e);
                ctx_.states->count_failure(id, error.code + ": " + error.detail);
            }
        }
        link->disarm();
        ctx_.states->set(id, DeviceState::connected);

        const bool stable_weight = answer->status == sics::Status::stable && answer->weight;
        if (!stable_weight) {
            // D (dynamic), I (busy, no stability), + / - (range), ES/ET/EL: nothing to record.
            std::string what;
            switch (answer->status) {
                case sics::Status::dynamic: what = "sics.dynamic: weight not stable"; break;
                case sics::Status::not_executable: what = "sics.not_executable: balance busy or not stable in time"; break;
                case sics::Status::overload: what = "sics.overload"; break;
                case sics::Status::underload: what = "sics.underload"; break;
                case sics::Status::syntax_error: what = "sics.syntax_error (ES)"; break;
                case sics::Status::transmission_error: what = "sics.transmission_error (ET)"; break;
                case sics::Status::logical_error: what = "sics.logical_error (EL)"; break;
                default: what = "sics.unexpected_answer"; break;
            }
            ctx_.states->count_failure(id, what);
        } else if (!(options_.only_new_weights &&
                     (answer->weight->value == last_weight_ || is_zero(answer->weight->value)))) {
            protocols::Observation o;
            o.instrument_id = id;
            o.test_code = "WEIGHT";
            o.test_name = "Weight";
            o.value = answer->weight->value;
            o.units = answer->weight->unit;
            o.status = "F";
            std::string comparator;
            protocols::hl7::split_censored(o.value, comparator, o.number);
            o.observed_at = compact_utc(std::chrono::system_clock::now());
            InstrumentMessage im;
            im.instrument_code = id;
            im.protocol = "sics";
            // The line as the balance sent it, preceded by when: the same load weighed again
            // later is a new weighing, not a duplicate of the first.
            im.raw = o.observed_at + " " + std::string(sics::command_id(options_.command)) + " S " +
                     answer->weight->value + " " + answer->weight->unit;
            im.received_at = std::chrono::system_clock::now();
            im.observations.push_back(std::move(o));
            auto outcome = co_await commit_message(ctx_, std::move(im));
            if (std::holds_alternative<CommitReceipt>(outcome)) {
                ctx_.states->count_message(id);
                last_weight_ = answer->weight->value;
            } else {
                const auto& f = std::get<CommitFailure>(outcome);
                ctx_.states->count_failure(id, f.code + ": " + f.reason);
            }
        }

        // Wait for the next request; anything the balance sends meanwhile is discarded.
        link->arm(options_.interval);
        for (;;) {
            auto read = co_await link->read(buffer.data(), buffer.size());
            if (read.status == ReadStatus::protocol_timer) break;
            if (read.status != ReadStatus::data) co_return;
        }
    }
}

}  // namespace drivers
