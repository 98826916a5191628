// HL7 ORU messages committed per second through the in-process sink on SQLite: parse the
// MLLP payload, decode ORU^R01 to observations, one transaction per message (raw bytes,
// matching, result on a pending test, observation rows, audit) - what a driver waits for
// before it sends AA. Run by hand on a Release build:
//   ./tests/bench/ingest_bench --benchmark_min_time=5
#include "../unit/workflow/ingest_fixture.hpp"

#include "fixtures/simulators/specimens.hpp"
#include "lims/app/ingest_sink_adapter.hpp"

#include <protocols/hl7/message.hpp>
#include <protocols/hl7/oru.hpp>

#include <benchmark/benchmark.h>

namespace {

void BM_Hl7OruCommittedInProcess(benchmark::State& state) {
    lims::ingest_testing::IngestWorld world;
    lims::app::InProcessIngestSink sink(world.db);
    std::uint64_t n = 0;
    for (auto _ : state) {
        // A fresh sample each time so every GLU result lands on a pending test.
        state.PauseTiming();
        const std::string number = world.register_sample();
        const std::string oru = simulators::hl7_oru("AU-CHEM", simulators::chemistry_panel(number, static_cast<unsigned>(n)),
                                                    "B" + std::to_string(n));
        ++n;
        state.ResumeTiming();
        auto parsed = protocols::hl7::parse(oru);
        auto* message = std::get_if<protocols::hl7::Message>(&parsed);
        if (!message) {
            state.SkipWithError("the ORU did not parse");
            break;
        }
        auto observations = protocols::hl7::observations_from_oru(*message);
        drivers::InstrumentMessage m{"AU-CHEM", "hl7", oru, std::chrono::system_clock::now(),
                                     std::get<std::vector<protocols::Observation>>(observations)};
        auto outcome = sink.commit_message(m);
        if (!std::holds_alternative<drivers::CommitReceipt>(outcome)) {
            state.SkipWithError("commit failed");
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Hl7OruCommittedInProcess)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
