// Values a registration needs in the e2e tests: a valid unified social credit code (its
// check character computed) and a UTC time some minutes ago in the API's form.
#pragma once

#include "lims/domain/identifiers/credit_code.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace lims::test {

inline std::string credit_code(const std::string& stem9) {
    const std::string first17 = "91310101" + stem9;
    return first17 + *domain::CreditCode::check_character_for(first17);
}

// "YYYY-MM-DDTHH:MM:SSZ" (whole seconds, as a sampler's device sends it).
inline std::string utc_minutes_ago(int minutes) {
    using namespace std::chrono;
    const auto t = floor<seconds>(system_clock::now()) - std::chrono::minutes(minutes);
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return out;
}

}  // namespace lims::test
