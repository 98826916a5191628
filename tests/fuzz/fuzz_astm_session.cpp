// libFuzzer target: arbitrary bytes through the ASTM E1381 receiver (both framings, both
// ACK modes, commits that succeed or fail, timeouts), every message through the E1394
// parser and observation decoder, and the sender fed the same bytes as replies.
// Properties checked beyond "no crash": feeding in one piece and one byte at a time
// gives the same events, and memory stays within the configured bound.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/astm/encode.hpp"
#include "protocols/astm/host_query.hpp"
#include "protocols/astm/observations.hpp"
#include "protocols/astm/receiver.hpp"
#include "protocols/astm/records.hpp"
#include "protocols/astm/sender.hpp"

using namespace protocols::astm;

namespace {

// parse_message + to_observations and decode_observations into an arena reused across
// inputs give the same observations or the same error.
void same_observations(std::string_view records) {
    static std::vector<protocols::Observation> arena;
    auto parsed = parse_message(records);
    const auto error = decode_observations(records, arena);
    if (const auto* message = std::get_if<Message>(&parsed)) {
        if (error || arena != to_observations(*message)) std::abort();
    } else if (error != std::get<protocols::DecodeError>(parsed) || !arena.empty()) {
        std::abort();
    }
}

void decode_messages(const std::vector<ReceiverEvent>& events, std::size_t bound) {
    for (const auto& e : events) {
        const auto* m = std::get_if<MessageReceived>(&e);
        if (!m) continue;
        if (m->raw.size() > bound || m->records.size() > bound) std::abort();
        same_observations(m->records);
    }
}

std::vector<ReceiverEvent> run(std::string_view data, ReceiverConfig config, std::size_t chunk) {
    Receiver r(config);
    std::vector<ReceiverEvent> events;
    for (std::size_t i = 0; i < data.size(); i += chunk) {
        r.feed(data.substr(i, chunk), events);
        while (r.awaiting_commit()) {
            auto more = r.commit_succeeded();
            events.insert(events.end(), more.begin(), more.end());
        }
    }
    return events;
}

void exercise_receiver(std::string_view data, ReceiverConfig config) {
    // 1. Split independence: whole versus one byte at a time.
    auto whole = run(data, config, data.size() ? data.size() : 1);
    if (data.size() <= 4096) {
        // Fed whole, bytes that arrive while a commit is awaited queue up to the message
        // bound and the rest is dropped (a sender must wait for our ACK); fed one byte at a
        // time the harness commits between bytes, so nothing queues. The two agree only
        // when the whole feed never overflowed the queue.
        const bool overflowed = std::any_of(whole.begin(), whole.end(), [](const ReceiverEvent& e) {
            const auto* err = std::get_if<protocols::DecodeError>(&e);
            return err && err->code == "astm.input_overflow";
        });
        auto single = run(data, config, 1);
        if (!overflowed && single != whole) std::abort();
    }
    decode_messages(whole, config.max_message_bytes);

    // 2. Driver behaviour driven by the input: failed commits, timeouts, busy.
    Receiver r(config);
    std::size_t i = 0;
    while (i < data.size()) {
        const std::size_t chunk = 1 + static_cast<std::uint8_t>(data[i]) % 61;
        auto events = r.feed(data.substr(i, chunk));
        decode_messages(events, config.max_message_bytes);
        const auto control = static_cast<std::uint8_t>(data[i]);
        if (r.awaiting_commit()) {
            auto more = (control & 1) ? r.commit_failed() : r.commit_succeeded();
            decode_messages(more, config.max_message_bytes);
        }
        if ((control & 0x30) == 0x30) (void)r.on_timeout();
        r.set_busy((control & 0xC0) == 0xC0);
        i += chunk;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    std::string_view data(reinterpret_cast<const char*>(bytes), size);
    // Every input runs through both framings; the ACK mode and the size bound vary with
    // the length so the seed sessions (which start with ENQ) exercise all of them.
    for (Framing framing : {Framing::e1381, Framing::bare_records}) {
        ReceiverConfig config;
        config.framing = framing;
        config.ack_mode = (size & 1) ? AckMode::immediate : AckMode::after_commit;
        config.max_message_bytes = (size & 2) ? 256 : 64 * 1024;
        exercise_receiver(data, config);
    }
    // 3. The records parser on the raw input, and the sender fed it as replies.
    same_observations(data);
    auto parsed = parse_message(data);
    if (const auto* message = std::get_if<Message>(&parsed)) {
        for (const auto& record : message->records) {
            if (record.type() == 'O') (void)encode(decode_order(record), message->delimiters);
            if (record.type() == 'Q') (void)encode(decode_query(record), message->delimiters);
        }
        // 4. A host query: the answer in the analyzer's delimiters must parse and give back
        // the specimen and test codes it was built from, whatever bytes they hold.
        auto query = decode_host_query(*message);
        if (const auto* q = std::get_if<HostQuery>(&query); q && !q->cancel && !q->specimen_ids.empty()) {
            std::vector<std::string> codes = q->test_codes.empty() ? std::vector<std::string>{"ALL-TESTS"} : q->test_codes;
            SpecimenOrder order{q->specimen_ids.front(), codes, "R"};
            HeaderRecord header;
            header.receiver = q->sender;
            auto answer = parse_message(answer_records(*q, header, {order}));
            const auto* a = std::get_if<Message>(&answer);
            if (!a) std::abort();
            const HostAnswer decoded = decode_answer(*a);
            if (decoded.orders.size() != 1 || decoded.orders[0] != order || decoded.termination != "N") std::abort();
        }
    }
    Sender s;
    s.enqueue(std::string(data.substr(0, 600)));
    (void)s.start();
    for (std::size_t j = 0; j < data.size(); j += 7) {
        (void)s.feed(data.substr(j, 7));
        if ((static_cast<std::uint8_t>(data[j]) & 0x0F) == 0x0F) (void)s.on_timeout();
        if (s.idle() && s.queued() == 0) s.enqueue("H|\\^&\rL|1|N\r");
        if (s.idle()) (void)s.start();
    }
    return 0;
}
