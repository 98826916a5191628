// A laboratory's analyzers and samples as the process tests need them: instruments with
// the glucose mapping (GLU -> glucose, mmol/L) and samples with a pending glucose test each,
// written straight through the repositories (the tests are about what comes after).
// Used by the gateway process tests and the fault-injection suite.
#pragma once

#include "lims/store/database.hpp"

#include <string>
#include <vector>

namespace lims::test {

struct GlucoseInstrument {
    std::string code;
    std::string family;   // "hl7", "astm"
    std::string address;  // "127.0.0.1:0"
    std::string options_json = "{}";
};

// Registers the instruments and `samples` samples (batch numbers `batch_prefix`0, 1, ...)
// at the organisation `lab_code`; returns the samples' numbers. Throws on a store error.
std::vector<std::string> seed_glucose_lab(store::Database& db, const std::string& lab_code,
                                          const std::vector<GlucoseInstrument>& instruments, int samples,
                                          const std::string& batch_prefix);

}  // namespace lims::test
