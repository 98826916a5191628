#include "lims/store/sql.hpp"

#include "lims/store/transaction.hpp"

#include <Poco/Data/DataException.h>

#include <stdexcept>

namespace lims::store {

namespace {

[[noreturn]] void null_column(std::size_t column) {
    throw Poco::Data::DataException("column " + std::to_string(column) + " is NULL where a value was expected");
}

}  // namespace

std::int64_t SqlRow::integer(std::size_t column) const {
    const auto& v = values_.at(column);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* t = std::get_if<std::string>(&v)) return std::stoll(*t);
    if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
    null_column(column);
}

std::string SqlRow::text(std::size_t column) const {
    const auto& v = values_.at(column);
    if (const auto* t = std::get_if<std::string>(&v)) return *t;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    null_column(column);
}

std::optional<std::int64_t> SqlRow::optional_integer(std::size_t column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

std::optional<std::string> SqlRow::optional_text(std::size_t column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::string SqlRow::take_text(std::size_t column) {
    if (auto* t = std::get_if<std::string>(&values_.at(column))) return std::move(*t);
    return text(column);
}

SqlResult sql(Transaction& tx, std::string_view statement, std::span<const SqlParam> params) {
    if (tx.dialect() == Dialect::sqlite) return tx.database().run_cached(tx.session(), statement, params);
    return tx.database().run_prepared(tx.session(), statement, params);
}

std::string sql_value_rows(std::size_t rows, std::size_t columns, std::size_t first) {
    std::string out;
    std::size_t n = first;
    for (std::size_t r = 0; r < rows; ++r) {
        out += r ? ", (" : "(";
        for (std::size_t c = 0; c < columns; ++c) {
            if (c) out += ", ";
            out += "$" + std::to_string(n++);
        }
        out += ")";
    }
    return out;
}

std::string sql_param_list(std::size_t count, std::size_t first) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        if (i) out += ", ";
        out += "$" + std::to_string(first + i);
    }
    return out;
}

}  // namespace lims::store
