// Parameterised SQL for the hot paths (registration, audit, authentication, sample reads):
// on SQLite each distinct statement text is compiled once per pooled connection and reused
// from then on (Poco::Data compiles every statement anew, which was most of a
// registration's CPU); on PostgreSQL each is prepared once per connection and run with
// libpq's PQexecPrepared (Database::run_prepared, prepared_statements.cpp).
// Repositories call sql(tx, "... $1 ... $2", {a, b}) with PostgreSQL-style $n parameters.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lims::store {

class Transaction;

// One bound parameter: an integer, a text, a blob, or a NULL of either type (PostgreSQL
// needs to know which). Texts are viewed, not copied: the caller's string outlives the call.
class SqlParam {
public:
    enum class Type { integer, text, blob };
    SqlParam(std::int64_t v) : type_(Type::integer), value_(v) {}
    SqlParam(int v) : type_(Type::integer), value_(static_cast<std::int64_t>(v)) {}
    SqlParam(bool v) : type_(Type::integer), value_(static_cast<std::int64_t>(v ? 1 : 0)) {}
    SqlParam(std::string_view v) : type_(Type::text), value_(v) {}
    SqlParam(const std::string& v) : type_(Type::text), value_(std::string_view(v)) {}
    SqlParam(const char* v) : type_(Type::text), value_(std::string_view(v)) {}
    SqlParam(const std::optional<std::int64_t>& v) : type_(Type::integer) {
        if (v) value_ = *v;
    }
    SqlParam(const std::optional<std::string>& v) : type_(Type::text) {
        if (v) value_ = std::string_view(*v);
    }

    // Bytes that may hold any value (NUL included), bound as a BLOB (PostgreSQL: bytea).
    static SqlParam blob(std::string_view bytes) {
        SqlParam p(bytes);
        p.type_ = Type::blob;
        return p;
    }

    Type type() const { return type_; }
    bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
    std::int64_t integer() const { return std::get<std::int64_t>(value_); }
    std::string_view text() const { return std::get<std::string_view>(value_); }

private:
    Type type_;
    std::variant<std::monostate, std::int64_t, std::string_view> value_;
};

// One result row. Accessors convert between integer and text as SQLite does; reading a
// NULL with integer()/text() is a broken invariant of the query (throws).
class SqlRow {
public:
    using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

    std::size_t size() const { return values_.size(); }
    bool is_null(std::size_t column) const { return std::holds_alternative<std::monostate>(values_.at(column)); }
    std::int64_t integer(std::size_t column) const;
    std::string text(std::size_t column) const;
    std::optional<std::int64_t> optional_integer(std::size_t column) const;
    std::optional<std::string> optional_text(std::size_t column) const;
    // Moves a text column out (for building records without copies).
    std::string take_text(std::size_t column);

    std::vector<Value>& values() { return values_; }

private:
    std::vector<Value> values_;
};

struct SqlResult {
    std::vector<SqlRow> rows;
    std::int64_t changed = 0;  // rows inserted, updated or deleted
};

// Runs one statement in `tx` and returns its rows. Throws the database's exception on
// failure (Database::write/read turn it into a StoreError), like Poco::Data does.
SqlResult sql(Transaction& tx, std::string_view statement, std::span<const SqlParam> params);
inline SqlResult sql(Transaction& tx, std::string_view statement, std::initializer_list<SqlParam> params = {}) {
    return sql(tx, statement, std::span<const SqlParam>(params.begin(), params.size()));
}

// "($1, $2, $3), ($4, $5, $6), ..." for a multi-row INSERT of `rows` rows of `columns`
// values, numbering from $first.
std::string sql_value_rows(std::size_t rows, std::size_t columns, std::size_t first = 1);
// "$1, $2, ..., $n" numbering from $first, for IN lists.
std::string sql_param_list(std::size_t count, std::size_t first = 1);

}  // namespace lims::store
