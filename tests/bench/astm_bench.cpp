// ASTM decode throughput (issue 4 target: >= 100 MB/s per core): E1381 framing, E1394
// records and observations, over a realistic session (H, P, O, 20 R, L). Run by hand:
//   /work/build-astm-rel/tests/astm_bench
#include <benchmark/benchmark.h>

#include <string>
#include <variant>
#include <vector>

#include "protocols/astm/framing.hpp"
#include "protocols/astm/observations.hpp"
#include "protocols/astm/receiver.hpp"
#include "protocols/astm/records.hpp"

using namespace protocols::astm;

namespace {

constexpr int kResultsPerMessage = 20;

std::string message_records(int n) {
    std::string r = "H|\\^&|||AU-Chem^2.1.0^SN41235|||||LIS||P|LIS2-A2|20240611093015\r"
                    "P|1||PID778812||WANG^LI||19800214|F\r"
                    "O|1|S240611-" + std::to_string(1000 + n) +
                    "||^^^GLU\\^^^K\\^^^ALT|R|20240611081000|20240611081500||||N||||SERUM||||||||||F\r";
    for (int i = 1; i <= kResultsPerMessage; ++i)
        r += "R|" + std::to_string(i) + "|^^^T" + std::to_string(i) + "^Test " + std::to_string(i) + "|" +
             std::to_string(i) + ".25|mmol/L|3.9 to 6.1|N||F||OPR01|20240611091210|20240611092944|AU-Chem^SN41235\r";
    r += "L|1|N\r";
    return r;
}

std::string session(int n) {
    std::string s(1, kEnq);
    for (const auto& f : encode_frames(message_records(n))) s += f;
    s += kEot;
    return s;
}

// Many sessions back to back, as one instrument connection carries them.
std::string stream(int sessions) {
    std::string s;
    for (int i = 0; i < sessions; ++i) s += session(i);
    return s;
}

ReceiverConfig immediate() {
    ReceiverConfig c;
    c.ack_mode = AckMode::immediate;
    return c;
}

void BM_AstmReceiverFraming(benchmark::State& state) {
    const std::string bytes = stream(100);
    const auto chunk = static_cast<std::size_t>(state.range(0));
    std::size_t messages = 0;
    std::vector<ReceiverEvent> events;
    for (auto _ : state) {
        Receiver r(immediate());
        for (std::size_t i = 0; i < bytes.size(); i += chunk) {
            events.clear();
            r.feed(std::string_view(bytes).substr(i, chunk), events);
            for (const auto& e : events) messages += std::holds_alternative<MessageReceived>(e) ? 1 : 0;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
    state.counters["messages/s"] = benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AstmReceiverFraming)->Arg(1 << 20)->Arg(1460)->Arg(64);

void BM_AstmRecordsToObservations(benchmark::State& state) {
    const std::string text = message_records(1);
    std::size_t observations = 0;
    for (auto _ : state) {
        auto parsed = parse_message(text);
        auto obs = to_observations(std::get<Message>(parsed));
        observations += obs.size();
        benchmark::DoNotOptimize(obs);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["messages/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["results/s"] = benchmark::Counter(static_cast<double>(observations), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AstmRecordsToObservations);

// The same from the records' text, without Records: decode_observations into a reused arena.
void BM_AstmRecordsDecodeObservations(benchmark::State& state) {
    const std::string text = message_records(1);
    std::vector<protocols::Observation> arena;
    std::size_t observations = 0;
    for (auto _ : state) {
        if (decode_observations(text, arena)) state.SkipWithError("decode failed");
        observations += arena.size();
        benchmark::DoNotOptimize(arena.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["messages/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["results/s"] = benchmark::Counter(static_cast<double>(observations), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AstmRecordsDecodeObservations);

// Bytes off the wire to observations, per connection: receiver, then the message's text
// to observations in the connection's reused arena (decode_observations), as issue 18's
// row "ASTM session decode" measures it.
void BM_AstmSessionDecode(benchmark::State& state) {
    const std::string bytes = stream(100);
    std::size_t messages = 0;
    std::size_t observations = 0;
    std::vector<ReceiverEvent> events;
    std::vector<protocols::Observation> arena;
    for (auto _ : state) {
        Receiver r(immediate());
        for (std::size_t i = 0; i < bytes.size(); i += 1460) {  // one TCP segment at a time
            events.clear();
            r.feed(std::string_view(bytes).substr(i, 1460), events);
            for (const auto& e : events) {
                const auto* m = std::get_if<MessageReceived>(&e);
                if (!m) continue;
                ++messages;
                if (!decode_observations(m->records, arena)) observations += arena.size();
            }
        }
    }
    if (observations != messages * kResultsPerMessage) state.SkipWithError("decoded the wrong number of results");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
    state.counters["messages/s"] = benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
    state.counters["bytes/message"] = static_cast<double>(bytes.size()) / 100.0;
}
BENCHMARK(BM_AstmSessionDecode);

// The same through parse_message and to_observations (a Message of Records, a new vector
// per message): the path of the benchmark before issue 18, kept to compare.
void BM_AstmSessionDecodeViaMessage(benchmark::State& state) {
    const std::string bytes = stream(100);
    std::size_t messages = 0;
    std::size_t observations = 0;
    std::vector<ReceiverEvent> events;
    for (auto _ : state) {
        Receiver r(immediate());
        for (std::size_t i = 0; i < bytes.size(); i += 1460) {  // one TCP segment at a time
            events.clear();
            r.feed(std::string_view(bytes).substr(i, 1460), events);
            for (const auto& e : events) {
                const auto* m = std::get_if<MessageReceived>(&e);
                if (!m) continue;
                ++messages;
                auto parsed = parse_message(m->records);
                if (const auto* message = std::get_if<Message>(&parsed)) observations += to_observations(*message).size();
            }
        }
    }
    if (observations != messages * kResultsPerMessage) state.SkipWithError("decoded the wrong number of results");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
    state.counters["messages/s"] = benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
    state.counters["bytes/message"] = static_cast<double>(bytes.size()) / 100.0;
}
BENCHMARK(BM_AstmSessionDecodeViaMessage);

}  // namespace

BENCHMARK_MAIN();
