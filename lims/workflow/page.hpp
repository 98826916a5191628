// A page of an id-keyed listing as a use case answers it: the rows, and the id the next
// page starts after (none: this was the last page). The use case fetches limit + 1 rows
// and gives them to id_page, which keeps `limit` and names the last kept row's id when
// there was one more; the API turns next_after_id into its opaque cursor
// (api::idPageJson).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace lims::workflow {

template <typename T>
struct IdPage {
    std::vector<T> items;
    std::optional<std::int64_t> next_after_id;
};

// `rows` were fetched with limit + 1; `id_of(row)` is the key the listing is sorted by.
template <typename T, typename IdOf>
IdPage<T> id_page(std::vector<T> rows, std::size_t limit, IdOf id_of) {
    IdPage<T> page;
    if (rows.size() > limit) {
        rows.resize(limit);
        if (!rows.empty()) page.next_after_id = id_of(rows.back());
    }
    page.items = std::move(rows);
    return page;
}

}  // namespace lims::workflow
