#include "lims/store/schema_parts.hpp"

namespace lims::store {

void add_sampling_tables(Migration& m) {
    (void)m;  // no tables of this area's own yet
}

}  // namespace lims::store
