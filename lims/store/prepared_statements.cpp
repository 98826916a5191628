// Database::run_prepared: sql() on PostgreSQL. Poco::Data prepares, runs and deallocates
// every statement anew (three round trips and a plan per statement: issue 17 measured a
// token look-up 13 times slower than on SQLite). Here each statement text is prepared once
// per connection and run with PQexecPrepared on the session's own libpq connection, inside
// the transaction the session has open. Parameters go as Poco sends them (texts and
// integers as text, blobs as binary, types inferred by the server), so statements behave
// as they did through Poco; results come back as text and are typed by their column.
#include "lims/store/prepared_statements.hpp"

#ifdef LIMS_WITH_POSTGRESQL

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <vector>

namespace lims::store {

namespace {

// The column types read as integers and as bytes (pg_type.h's OIDs, stable since 7.x).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701;

PGconn* libpq_connection(Poco::Data::Session& session) {
    auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session.impl());
    if (!impl) throw Poco::IllegalStateException("run_prepared needs a PostgreSQL session");
    return impl->handle();
}

// Frees the result on every way out.
struct Result {
    PGresult* res = nullptr;
    ~Result() {
        if (res) PQclear(res);
    }
};

// Throws as Poco::Data would for a failed statement; a connection that is gone as a
// ConnectionException (the store answers it "unavailable", retryable). A statement
// missing on the server (the connection was reset) drops the connection's names, so the
// next transaction prepares again.
template <class Prepared>  // Database::PreparedStatements (private to Database)
[[noreturn]] void fail(PGconn* connection, const PGresult* res, std::string_view statement, Prepared& prepared) {
    std::string message = res ? PQresultErrorMessage(res) : "";
    if (message.empty()) message = PQerrorMessage(connection);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (state && std::string_view(state) == "26000") prepared.forget(connection);
    // The SQLSTATE, whatever the server's message language: the store retries a whole
    // transaction on 40001/40P01 by it (retry_cause in database.cpp).
    if (state && *state) message += " (SQLSTATE " + std::string(state) + ")";
    message += " [in: " + std::string(statement.substr(0, 400)) + "]";
    if (PQstatus(connection) == CONNECTION_BAD) {
        prepared.forget(connection);
        throw Poco::Data::PostgreSQL::ConnectionException(message);
    }
    throw Poco::Data::PostgreSQL::StatementException(message);
}

}  // namespace

SqlResult Database::run_prepared(Poco::Data::Session& session, std::string_view statement,
                                 std::span<const SqlParam> params) {
    PGconn* connection = libpq_connection(session);
    auto& mine = prepared_->of(connection);

    // Text format needs NUL-terminated values: integers are written into their own
    // buffers, texts copied (the caller's views need not end in NUL); blobs go binary.
    const int n = static_cast<int>(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    std::vector<std::array<char, 24>> numbers(params.size());
    std::vector<std::string> texts(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const SqlParam& p = params[i];
        if (p.is_null()) continue;
        if (p.type() == SqlParam::Type::integer) {
            auto [end, ec] = std::to_chars(numbers[i].data(), numbers[i].data() + numbers[i].size() - 1, p.integer());
            *end = '\0';
            values[i] = numbers[i].data();
        } else if (p.type() == SqlParam::Type::blob) {
            values[i] = p.text().data();
            lengths[i] = static_cast<int>(p.text().size());
            formats[i] = 1;
        } else {
            texts[i] = std::string(p.text());
            values[i] = texts[i].c_str();
        }
    }

    Result result;
    auto found = mine.names.find(statement);
    if (found == mine.names.end() && mine.names.size() < kMaxPreparedPerConnection) {
        std::string name = "lims_" + std::to_string(++mine.next);
        const std::string text(statement);
        Result prepared{PQprepare(connection, name.c_str(), text.c_str(), 0, nullptr)};
        if (!prepared.res || PQresultStatus(prepared.res) != PGRES_COMMAND_OK)
            fail(connection, prepared.res, statement, *prepared_);
        found = mine.names.emplace(text, std::move(name)).first;
    }
    if (found != mine.names.end()) {
        result.res = PQexecPrepared(connection, found->second.c_str(), n, values.data(), lengths.data(),
                                    formats.data(), 0);
    } else {
        const std::string text(statement);
        result.res = PQexecParams(connection, text.c_str(), n, nullptr, values.data(), lengths.data(),
                                  formats.data(), 0);
    }
    const ExecStatusType status = result.res ? PQresultStatus(result.res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(connection, result.res, statement, *prepared_);

    SqlResult out;
    if (status == PGRES_COMMAND_OK) {
        const char* tuples = PQcmdTuples(result.res);
        out.changed = (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : 0;
        return out;
    }
    const int rows = PQntuples(result.res);
    const int columns = PQnfields(result.res);
    std::vector<Oid> types(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) types[static_cast<std::size_t>(c)] = PQftype(result.res, c);
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        SqlRow row;
        auto& values_out = row.values();
        values_out.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(result.res, r, c)) {
                values_out.emplace_back(std::monostate{});
                continue;
            }
            const char* v = PQgetvalue(result.res, r, c);
            const int length = PQgetlength(result.res, r, c);
            switch (types[static_cast<std::size_t>(c)]) {
                case kInt8:
                case kInt4:
                case kInt2:
                case kOid: values_out.emplace_back(static_cast<std::int64_t>(std::strtoll(v, nullptr, 10))); break;
                case kBool: values_out.emplace_back(static_cast<std::int64_t>(v[0] == 't' ? 1 : 0)); break;
                case kFloat4:
                case kFloat8: values_out.emplace_back(std::strtod(v, nullptr)); break;
                case kBytea: {
                    std::size_t size = 0;
                    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &size);
                    if (!bytes) throw Poco::Data::PostgreSQL::StatementException("cannot read a bytea column");
                    values_out.emplace_back(std::string(reinterpret_cast<const char*>(bytes), size));
                    PQfreemem(bytes);
                    break;
                }
                default: values_out.emplace_back(std::string(v, static_cast<std::size_t>(length)));
            }
        }
        out.rows.push_back(std::move(row));
    }
    out.changed = rows;
    return out;
}

void Database::forget_prepared(Poco::Data::Session& session) {
    if (prepared_) prepared_->forget(libpq_connection(session));
}

}  // namespace lims::store

#else

namespace lims::store {
SqlResult Database::run_prepared(Poco::Data::Session&, std::string_view, std::span<const SqlParam>) {
    throw Poco::NotImplementedException("this build has no PostgreSQL backend");
}
void Database::forget_prepared(Poco::Data::Session&) {}
}  // namespace lims::store

#endif
