// Small read helper for the documents and figures areas: runs one SELECT with positional
// parameters ($1, $2, ...) in a store transaction and returns its rows as text (NULL as
// nullopt), so the readers stay the same on SQLite and PostgreSQL.
#pragma once

#include "lims/store/transaction.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <optional>
#include <string>
#include <vector>

namespace lims::workflow::documents {

using SqlRow = std::vector<std::optional<std::string>>;

template <typename... Args>
std::vector<SqlRow> select_rows(store::Transaction& tx, const std::string& sql, const Args&... args) {
    using Poco::Data::Keywords::bind;
    Poco::Data::Statement st(tx.session());
    st << sql;
    if constexpr (sizeof...(Args) > 0) (st, ..., bind(args));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<SqlRow> rows;
    const std::size_t columns = rs.columnCount();
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        SqlRow row;
        row.reserve(columns);
        for (std::size_t c = 0; c < columns; ++c) {
            const auto& v = rs.value(c);
            row.push_back(v.isEmpty() ? std::nullopt : std::optional<std::string>(v.convert<std::string>()));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

inline std::string text_or_empty(const std::optional<std::string>& v) { return v ? *v : std::string(); }

}  // namespace lims::workflow::documents

namespace lims::workflow::documents {

// The same with a run-time list of text parameters (filters that may or may not apply).
inline std::vector<SqlRow> select_rows_with(store::Transaction& tx, const std::string& sql,
                                            const std::vector<std::string>& params) {
    using Poco::Data::Keywords::bind;
    Poco::Data::Statement st(tx.session());
    st << sql;
    for (const auto& p : params) st, bind(p);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<SqlRow> rows;
    const std::size_t columns = rs.columnCount();
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        SqlRow row;
        for (std::size_t c = 0; c < columns; ++c) {
            const auto& v = rs.value(c);
            row.push_back(v.isEmpty() ? std::nullopt : std::optional<std::string>(v.convert<std::string>()));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace lims::workflow::documents
