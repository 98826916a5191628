// Conventions every resource route follows, as small reusable pieces:
//  - optimistic versions: GET answers carry ETag "<version>"; transitions need If-Match
//    with that version; a stale one is 409 (stale-version problem), a missing one 428.
//    409 rather than 412 because the client's remedy is the domain's (re-read, decide
//    again), and the issue asks for "two receivers at once: one wins" to be a 409.
//  - keyset pagination with an opaque cursor (?limit=&cursor=), never OFFSET.
//  - jurisdiction: a user sees records of their organisation's subtree only, and a
//    record outside it is answered exactly like one that does not exist (404).
#pragma once

#include "lims/api/outcome.hpp"
#include "lims/api/router.hpp"
#include "lims/workflow/actor.hpp"

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lims::api {

// ---- versions -------------------------------------------------------------------------
std::string etagFor(std::int64_t version);  // "\"7\""
// The version in If-Match ("7", "\"7\"" or W/"7"); 428 when absent, 400 when unreadable.
Outcome<std::int64_t> requireIfMatch(const Request& request);
// nullopt when `given` is current; otherwise the 409 stale-version problem.
std::optional<Problem> checkVersion(std::int64_t current, std::int64_t given);

// ---- keyset pagination ----------------------------------------------------------------
struct PageRequest {
    std::size_t limit = 50;
    std::optional<std::vector<std::string>> after;  // sort key of the last row already seen
};
inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 500;

// Cursors are base64url JSON arrays of the sort key's values, opaque to clients.
std::string encodeCursor(const std::vector<std::string>& sortKey);
Outcome<std::vector<std::string>> decodeCursor(const std::string& cursor);
// Reads ?limit= and ?cursor=; a bad value is a 422 naming the parameter.
Outcome<PageRequest> readPage(const Request& request, std::size_t defaultLimit = kDefaultPageSize,
                              std::size_t maxLimit = kMaxPageSize);
// The id an id-keyed listing's cursor carries (the page starts after it; 0 without a
// cursor), or the 422 naming "cursor" when it holds anything but one id >= 0: a crafted
// cursor is the request's fault, never a 500.
Outcome<std::int64_t> cursorAfterId(const PageRequest& page);
// {"items": [...], "next_cursor": "..." | null}. Fetch limit + 1 rows; when there is an
// extra one, pass the sort key of the last returned row as `nextSortKey`.
Poco::JSON::Object::Ptr pageJson(const Poco::JSON::Array::Ptr& items,
                                 const std::optional<std::vector<std::string>>& nextSortKey);

// An id-keyed listing's page asked for (?limit=&cursor=, the cursor holding the last id
// seen): the one reading of it every such listing uses. The use case fetches limit + 1
// rows and answers workflow::IdPage (lims/workflow/page.hpp: id_page keeps `limit` and
// names the last kept id, after which the next page starts); idPageJson turns that id into
// the next cursor.
struct IdPageRequest {
    std::int64_t after_id = 0;  // 0: the first page
    std::size_t limit = kDefaultPageSize;
};
// readPage and cursorAfterId: a bad limit or a cursor that holds anything but one id is a
// 422 naming the parameter.
Outcome<IdPageRequest> readIdPage(const Request& request, std::size_t defaultLimit = kDefaultPageSize,
                                  std::size_t maxLimit = kMaxPageSize);
// pageJson with the cursor of the id the next page starts after (null: the last page).
Poco::JSON::Object::Ptr idPageJson(const Poco::JSON::Array::Ptr& items, const std::optional<std::int64_t>& nextAfterId);

// ---- jurisdiction ---------------------------------------------------------------------
// Organisations carry a materialised path of ids from the root ("/1/4/9/"); a record
// belongs to the organisation whose path it carries.
bool withinJurisdiction(const std::string& userOrganisationPath, const std::string& recordOrganisationPath);
// The 404 for a record the caller may not see, identical to a missing record's.
Problem notVisible(const std::string& what, const std::string& id);

// The use cases' caller: the authenticated principal (a person or an ingest token) with its
// roles and its organisation's subtree. Needs an authenticated request.
workflow::Actor actor_of(const Request& request);

}  // namespace lims::api
