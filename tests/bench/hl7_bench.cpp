// HL7 decode throughput: MLLP framing + parsing + ORU^R01 to observations on realistic
// result messages (20 OBX each, with NTE), read in 4 KiB chunks as from a socket.
#include "protocols/hl7/mllp.hpp"
#include "protocols/hl7/oru.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

std::string oru_message(int n) {
    std::string m = "MSH|^~\\&|AU-Chem^SN41235|LAB01|LIS|HOSP|20240611093015+0800||ORU^R01^ORU_R01|MSG" +
                    std::to_string(n) + "|P|2.5.1||||||UNICODE UTF-8\r";
    m += "PID|1||PID778812^^^HOSP^MR||WANG^LI||19800214|F\r";
    m += "OBR|1|ORD-9981|S240611-" + std::to_string(1000 + n) +
         "|CHEM20^Chemistry panel^L|||20240611081000|||||||||||||||20240611093001|||F\r";
    for (int i = 1; i <= 20; ++i) {
        const std::string id = std::to_string(i);
        if (i % 5 == 0) {
            m += "OBX|" + id + "|SN|1742-" + id + "^ALT " + id + "^LN||>^500|U/L^^UCUM|0-40|>|||F|||20240611081000||OPR01||SN41235^AU-Chem|20240611093001\r";
            m += "NTE|1|L|Result above linearity; dilute and rerun\r";
        } else {
            m += "OBX|" + id + "|NM|14749-" + id + "^Glucose " + id + "^LN||7." + id +
                 "|mmol/L^^UCUM|3.9-6.1|H~A|||F|||20240611081000||OPR01||SN41235^AU-Chem|20240611092944\r";
        }
    }
    return m;
}

std::string framed_stream(int messages) {
    std::string s;
    for (int n = 0; n < messages; ++n) s += std::get<std::string>(protocols::hl7::mllp_encode(oru_message(n)));
    return s;
}

// Bytes to observations per connection; `arena`: the observations go into one reused
// vector (observations_from_oru with an out vector, issue 18), else a new vector each.
template <bool arena>
void mllp_parse_oru(benchmark::State& state) {
    constexpr int kMessages = 100;
    constexpr std::size_t kReadSize = 4096;
    const std::string stream = framed_stream(kMessages);
    std::size_t observations = 0;
    std::vector<protocols::Observation> reused;
    for (auto _ : state) {
        protocols::hl7::MllpDecoder decoder;
        std::vector<protocols::hl7::MllpEvent> events;
        for (std::size_t at = 0; at < stream.size(); at += kReadSize) {
            decoder.feed(std::string_view(stream).substr(at, kReadSize), events);
            for (auto& e : events) {
                auto* frame = std::get_if<protocols::hl7::MllpFrame>(&e);
                if (!frame) continue;
                auto message = protocols::hl7::parse(std::move(frame->payload));
                const auto& m = std::get<protocols::hl7::Message>(message);
                if constexpr (arena) {
                    if (!protocols::hl7::observations_from_oru(m, reused)) observations += reused.size();
                } else {
                    auto obs = protocols::hl7::observations_from_oru(m);
                    observations += std::get<std::vector<protocols::Observation>>(obs).size();
                }
            }
            events.clear();
        }
    }
    if (observations != static_cast<std::size_t>(state.iterations()) * kMessages * 20)
        state.SkipWithError("decoded the wrong number of results");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(stream.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kMessages);
    state.counters["bytes_per_message"] = static_cast<double>(stream.size()) / kMessages;
}

void BM_Hl7MllpParseOru(benchmark::State& state) { mllp_parse_oru<true>(state); }
BENCHMARK(BM_Hl7MllpParseOru);

// The path of the benchmark before issue 18 (a new vector of observations per message), kept to compare.
void BM_Hl7MllpParseOruNewVector(benchmark::State& state) { mllp_parse_oru<false>(state); }
BENCHMARK(BM_Hl7MllpParseOruNewVector);

void BM_Hl7ParseOnly(benchmark::State& state) {
    const std::string message = oru_message(1);
    for (auto _ : state) {
        auto parsed = protocols::hl7::parse(message);
        benchmark::DoNotOptimize(parsed);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(message.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Hl7ParseOnly);

}  // namespace

BENCHMARK_MAIN();
