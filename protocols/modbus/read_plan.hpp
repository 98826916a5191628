// The fewest Modbus read requests that cover a RegisterMap. The logger driver plans once
// per map and replays the plan on every poll; each request's answer is a RegisterBlock
// for decode_map().
#pragma once

#include "protocols/modbus/register_map.hpp"

#include <cstdint>
#include <vector>

namespace protocols::modbus {

// Modbus Application Protocol v1.1b3: FC03/FC04 read 1 to 125 registers (6.3, 6.4),
// FC01/FC02 1 to 2000 bits (6.1, 6.2).
inline constexpr std::uint16_t kMaxRegistersPerRead = 125;
inline constexpr std::uint16_t kMaxBitsPerRead = 2000;

struct PlanOptions {
    std::uint16_t max_registers = kMaxRegistersPerRead;
    std::uint16_t max_bits = kMaxBitsPerRead;
    // Two ranges merge when at most this many unmapped registers (bits) lie between them:
    // reading a few spare words costs less than another request's round trip (about 8
    // request and 5 response bytes of overhead plus the turnaround, against 2 bytes per
    // register). Set 0 for devices that refuse reads touching unmapped addresses.
    std::uint16_t max_register_gap = 8;
    std::uint16_t max_bit_gap = 128;
};

struct ReadRequest {
    Function function = Function::holding_registers;
    std::uint16_t start = 0;
    std::uint16_t count = 0;

    friend bool operator==(const ReadRequest&, const ReadRequest&) = default;
};

// Requests grouped by table (holding, input, coils, discrete inputs) in address order.
// Points must pass validate(); a point wider than the per-read limit gets its own request.
std::vector<ReadRequest> plan_reads(const RegisterMap& map, const PlanOptions& options = {});

}  // namespace protocols::modbus
