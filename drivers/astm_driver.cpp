#include "drivers/astm_driver.hpp"

#include <protocols/astm/host_query.hpp>
#include <protocols/astm/observations.hpp>
#include <protocols/astm/records.hpp>
#include <protocols/astm/sender.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <deque>
#include <optional>

namespace drivers {

namespace asio = boost::asio;
using asio::awaitable;
namespace astm = protocols::astm;

namespace {

using Clock = std::chrono::steady_clock;

// What the host calls itself in the H record of its answers (H.5).
const char* const kHostName = "LIMS";

// A host query's look-up, shared between the session (which waits for it until the
// deadline) and the worker that runs it (which may finish after the session gave up).
struct QueryWait {
    explicit QueryWait(const asio::any_io_executor& executor) : wake(executor) {}
    std::optional<QueryOutcome> outcome;
    asio::steady_timer wake;
};

// The sink's query on the worker pool. Not a coroutine (as commit_message): GCC 12
// mishandles lambdas with captures created inside a coroutine frame.
awaitable<QueryOutcome> query_on_workers(const DriverContext& ctx, OrderQuery query) {
    IngestSink* sink = ctx.sink;
    return ctx.runtime->run_blocking([sink, query = std::move(query)]() -> QueryOutcome {
        try {
            return sink->query_orders(query);
        } catch (const std::exception& e) {
            return CommitFailure{"ingest.exception", e.what(), true};
        }
    });
}

// Runs on the session's executor (a strand): the outcome is stored and the waiting session
// woken there, so neither races the other.
awaitable<void> look_up_orders(DriverContext ctx, OrderQuery query, std::shared_ptr<QueryWait> wait) {
    QueryOutcome outcome = co_await query_on_workers(ctx, std::move(query));
    wait->outcome = std::move(outcome);
    wait->wake.cancel();
}

// Whether the records' text holds a Q record (a host query): records start the text or
// follow a CR, and a record's type is its first character.
bool has_query_record(std::string_view records) {
    for (std::size_t at = 0; at < records.size();) {
        if (records[at] == 'Q') return true;
        const std::size_t cr = records.find('\r', at);
        if (cr == std::string_view::npos) break;
        at = cr + 1;
    }
    return false;
}

// One connection: the Receiver owns the line until the analyzer ends its session; queries
// committed in it are answered afterwards by the Sender, which owns the line from its ENQ
// until its EOT (or until the analyzer wins a contention). The link has one protocol timer:
// the receiver's runs whenever the receiver has one, else the sender's.
class AstmSession {
public:
    AstmSession(const DriverContext& ctx, const AstmOptions& options, std::shared_ptr<Link> link)
        : ctx_(ctx), options_(options), id_(options.instrument_id), link_(std::move(link)), receiver_(options.receiver) {}

    awaitable<void> run() {
        std::string buffer(8 * 1024, '\0');
        for (;;) {
            auto read = co_await link_->read(buffer.data(), buffer.size());
            if (read.status == ReadStatus::protocol_timer) {
                if (!co_await on_timer()) co_return;
                continue;
            }
            if (read.status == ReadStatus::frame_timeout) {
                // The deadline is why a message ends unfinished: that is the failure to show.
                ctx_.states->count_failure(
                    id_, "astm.frame_deadline: " + link_->peer() + " sent no whole frame within " +
                             std::to_string(options_.timeouts.frame->count()) + " ms of its first byte; connection closed" +
                             (receiver_.in_session() ? ", the partial message dropped" : ""));
                co_return;
            }
            if (read.status != ReadStatus::data) {
                if (read.status == ReadStatus::error) ctx_.states->count_failure(id_, "read: " + read.error);
                if (receiver_.in_session())
                    ctx_.states->count_failure(id_, "astm.link_lost: connection ended inside a session, partial message dropped");
                if (!sender_.idle() || sender_.queued() > 0)
                    ctx_.states->count_failure(id_, "astm.link_lost: a host query's answer was not delivered");
                co_return;
            }
            const std::string_view bytes(buffer.data(), read.size);
            if (!co_await on_bytes(bytes)) co_return;
        }
    }

private:
    awaitable<bool> on_bytes(std::string_view bytes) {
        if (!sender_has_line_) co_return co_await to_receiver(receiver_.feed(bytes));
        auto events = sender_.feed(bytes);
        link_->frame_complete();  // the analyzer's replies to our frames are single bytes
        std::optional<std::size_t> yielded;
        for (const auto& e : events)
            if (auto* y = std::get_if<astm::ContentionYielded>(&e)) yielded = y->receiver_bytes_from;
        if (!co_await to_sender(std::move(events))) co_return false;
        // LIS1-A 8.2.7: the analyzer's ENQ answered ours; from it on, the bytes are the Receiver's.
        if (yielded) co_return co_await to_receiver(receiver_.feed(bytes.substr(*yielded)));
        co_return true;
    }

    awaitable<bool> on_timer() {
        if (timer_owner_ == TimerOwner::sender) {
            sender_due_.reset();
            if (receiver_.in_session()) {
                sender_due_ = Clock::now();  // re-bid as soon as the analyzer's session ends
                rearm();
                co_return true;
            }
            co_return co_await to_sender(sender_.on_timeout());
        }
        receiver_due_.reset();
        co_return co_await to_receiver(receiver_.on_timeout());
    }

    // Acts on the receiver's events in order; a commit's resolution appends the events it causes.
    awaitable<bool> to_receiver(std::vector<astm::ReceiverEvent> events) {
        std::deque<astm::ReceiverEvent> pending(std::make_move_iterator(events.begin()),
                                                std::make_move_iterator(events.end()));
        while (!pending.empty()) {
            auto event = std::move(pending.front());
            pending.pop_front();
            if (auto* send = std::get_if<astm::Send>(&event)) {
                link_->frame_complete();  // what we answer (ACK, NAK) ends what the analyzer sent
                if (!co_await link_->write(send->bytes)) co_return false;
            } else if (auto* arm = std::get_if<astm::ArmTimer>(&event)) {
                receiver_due_ = Clock::now() + arm->after;
            } else if (std::holds_alternative<astm::CancelTimer>(event)) {
                receiver_due_.reset();
            } else if (std::holds_alternative<astm::SessionStarted>(event)) {
                ctx_.states->set(id_, DeviceState::receiving);
            } else if (auto* ended = std::get_if<astm::SessionEnded>(&event)) {
                link_->frame_complete();
                receiver_due_.reset();
                ctx_.states->set(id_, DeviceState::connected);
                if (ended->reason == astm::SessionEnd::timeout)
                    ctx_.states->count_failure(id_, "astm.receive_timeout: partial message dropped");
                // The analyzer handed the line back: answer its queries now (E1394: the host
                // bids with its own ENQ after the analyzer's EOT).
                if (!co_await answer_queries()) co_return false;
            } else if (auto* error = std::get_if<protocols::DecodeError>(&event)) {
                ctx_.states->count_failure(id_, error->code + ": " + error->detail);
                ctx_.note(id_, error->code + " at " + std::to_string(error->offset) + ": " + error->detail);
            } else if (auto* message = std::get_if<astm::MessageReceived>(&event)) {
                link_->frame_complete();  // whole before the commit, however long that takes
                const bool committed = co_await commit(*message);
                if (message->awaiting_commit) {
                    auto more = committed ? receiver_.commit_succeeded() : receiver_.commit_failed();
                    for (auto& e : more) pending.push_back(std::move(e));
                }
            }
        }
        rearm();
        co_return true;
    }

    awaitable<bool> to_sender(std::vector<astm::SenderEvent> events) {
        for (auto& event : events) {
            if (auto* send = std::get_if<astm::Send>(&event)) {
                if (send->bytes == std::string(1, astm::kEnq)) sender_has_line_ = true;
                if (!co_await link_->write(send->bytes)) co_return false;
            } else if (auto* arm = std::get_if<astm::ArmTimer>(&event)) {
                sender_due_ = Clock::now() + arm->after;
                // Busy (NAK to our ENQ) or yielded to the analyzer: the line is not ours meanwhile.
                if (arm->kind == astm::TimerKind::busy_retry || arm->kind == astm::TimerKind::contention_backoff)
                    sender_has_line_ = false;
            } else if (std::holds_alternative<astm::CancelTimer>(event)) {
                sender_due_.reset();
            } else if (std::holds_alternative<astm::SessionEnded>(event) ||
                       std::holds_alternative<astm::ContentionYielded>(event)) {
                sender_has_line_ = false;
            } else if (std::holds_alternative<astm::MessageDelivered>(event)) {
                ctx_.note(id_, "host query answered");
            } else if (auto* failed = std::get_if<astm::MessageNotDelivered>(&event)) {
                if (!failed->requeued) {
                    sender_has_line_ = false;
                    ctx_.states->count_failure(id_, "astm.answer_not_delivered: the analyzer did not take a host "
                                                    "query's answer");
                }
            } else if (auto* error = std::get_if<protocols::DecodeError>(&event)) {
                ctx_.states->count_failure(id_, error->code + ": " + error->detail);
            }
        }
        rearm();
        co_return true;
    }

    // The receiver's timer has priority: while the analyzer's session runs, the sender's
    // re-bid waits (on_timer() postpones it if it fires during a commit).
    void rearm() {
        const auto arm_at = [&](Clock::time_point due) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now());
            link_->arm(std::max(left, std::chrono::milliseconds(0)));
        };
        if (receiver_due_) {
            arm_at(*receiver_due_);
            timer_owner_ = TimerOwner::receiver;
        } else if (sender_due_ && !receiver_.in_session()) {
            arm_at(*sender_due_);
            timer_owner_ = TimerOwner::sender;
        } else {
            link_->disarm();
            timer_owner_ = TimerOwner::none;
        }
    }

    // Stores the message (raw bytes and observations); true when committed. A committed
    // query is remembered for its answer.
    awaitable<bool> commit(const astm::MessageReceived& message) {
        InstrumentMessage im;
        im.instrument_code = id_;
        im.protocol = "astm";
        im.raw = message.raw;
        im.received_at = std::chrono::system_clock::now();
        // The observations straight from the records' text into this session's arena; the
        // Records are built only for a query, which needs them for its answer.
        im.observations = std::move(arena_);
        std::optional<astm::Message> decoded;
        if (auto failed = astm::decode_observations(message.records, im.observations)) {
            // Kept anyway: the raw message goes to quarantine with no observations.
            ctx_.states->count_failure(id_, failed->code + ": " + failed->detail);
        } else if (has_query_record(message.records)) {
            auto parsed = astm::parse_message(message.records);
            if (auto* m = std::get_if<astm::Message>(&parsed)) decoded = std::move(*m);
        }
        auto outcome = co_await commit_message_reusing(ctx_, im);
        arena_ = std::move(im.observations);
        const bool committed = std::holds_alternative<CommitReceipt>(outcome);
        if (committed) {
            ctx_.states->count_message(id_);
        } else {
            const auto& f = std::get<CommitFailure>(outcome);
            ctx_.states->count_failure(id_, f.code + ": " + f.reason);
        }
        // Only once stored: a query NAKed for a failed commit comes again and is answered then.
        if (committed && decoded && astm::is_query(*decoded)) {
            auto query = astm::decode_host_query(*decoded);
            if (auto* q = std::get_if<astm::HostQuery>(&query)) {
                if (!q->cancel) queries_.push_back(PendingQuery{std::move(*q), false});
            } else {
                const auto& e = std::get<protocols::DecodeError>(query);
                ctx_.states->count_failure(id_, e.code + ": " + e.detail);
                astm::HostQuery refused;
                refused.delimiters = decoded->delimiters;
                queries_.push_back(PendingQuery{std::move(refused), true});
            }
        }
        co_return committed;
    }

    // Looks up the orders of each waiting query (each within the deadline), queues the
    // answers and bids for the line.
    awaitable<bool> answer_queries() {
        if (queries_.empty()) co_return true;
        auto queries = std::move(queries_);
        queries_.clear();
        for (auto& pending : queries) {
            astm::HeaderRecord header;
            header.sender = {kHostName};
            header.receiver = pending.query.sender;
            header.timestamp = compact_utc(std::chrono::system_clock::now());
            if (pending.refused) {
                sender_.enqueue(astm::query_error_records(header, pending.query.delimiters));
                continue;
            }
            auto orders = co_await orders_for(pending.query);
            sender_.enqueue(astm::answer_records(pending.query, header, orders));
        }
        if (sender_.idle()) co_return co_await to_sender(sender_.start());
        co_return true;
    }

    // The sink's orders, or none ("no information") when it failed or missed the deadline.
    awaitable<std::vector<astm::SpecimenOrder>> orders_for(const astm::HostQuery& query) {
        auto executor = co_await asio::this_coro::executor;
        auto wait = std::make_shared<QueryWait>(executor);
        wait->wake.expires_after(options_.query_deadline);
        asio::co_spawn(executor, look_up_orders(ctx_, OrderQuery{id_, query.specimen_ids}, wait), asio::detached);
        if (!wait->outcome) {
            boost::system::error_code ignored;
            co_await wait->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        std::vector<astm::SpecimenOrder> orders;
        if (!wait->outcome) {
            ctx_.states->count_failure(id_, "astm.query_deadline: the orders were not found within " +
                                                std::to_string(options_.query_deadline.count()) +
                                                " ms; answered no information");
            co_return orders;
        }
        if (auto* failure = std::get_if<CommitFailure>(&*wait->outcome)) {
            ctx_.states->count_failure(id_, failure->code + ": " + failure->reason + "; answered no information");
            co_return orders;
        }
        for (auto& o : std::get<OrdersAnswer>(*wait->outcome).orders)
            orders.push_back(astm::SpecimenOrder{std::move(o.specimen_id), std::move(o.test_codes), "R"});
        co_return orders;
    }

    struct PendingQuery {
        astm::HostQuery query;
        bool refused = false;  // could not be decoded: answered L.3 Q
    };
    enum class TimerOwner { none, receiver, sender };

    const DriverContext& ctx_;
    const AstmOptions& options_;
    const std::string& id_;
    std::shared_ptr<Link> link_;
    astm::Receiver receiver_;
    astm::Sender sender_;
    bool sender_has_line_ = false;  // from our ENQ until our EOT, a busy NAK or a lost contention
    std::optional<Clock::time_point> receiver_due_;
    std::optional<Clock::time_point> sender_due_;
    TimerOwner timer_owner_ = TimerOwner::none;
    std::vector<PendingQuery> queries_;  // committed, answered when the analyzer hands back the line
    std::vector<protocols::Observation> arena_;  // reused by decode_observations, message after message
};

}  // namespace

AstmDriver::AstmDriver(DriverContext ctx, AstmOptions options) : ctx_(std::move(ctx)), options_(std::move(options)) {
    ctx_.states->add(options_.instrument_id, "astm");
}

std::string AstmDriver::start() {
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

void AstmDriver::stop() {
    stop_->stopping = true;
    if (listener_) listener_->stop();
    ctx_.states->set(options_.instrument_id, DeviceState::stopped);
}

std::uint16_t AstmDriver::port() const { return listener_ ? listener_->port() : 0; }

awaitable<void> AstmDriver::session(std::shared_ptr<Link> link) {
    AstmSession session(ctx_, options_, std::move(link));
    co_await session.run();
}

}  // namespace drivers
