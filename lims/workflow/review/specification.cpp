#include "lims/workflow/review/specification.hpp"

#include "lims/store/sql.hpp"

namespace lims::workflow::review {

namespace {

constexpr const char* line_select =
    "SELECT id, product_id, standard_ref, test_code, test_name, limit_kind, lower_limit, upper_limit, "
    "lower_inclusive, upper_inclusive, expected_text, unit, decimal_places, warning_lower, warning_upper, version "
    "FROM specification_lines ";

domain::SpecificationLine line_from(store::SqlRow& r) {
    domain::SpecificationLine l;
    l.id = r.integer(0);
    l.product_id = r.optional_integer(1);
    l.standard_ref = r.take_text(2);
    l.test_code = r.take_text(3);
    l.test_name = r.take_text(4);
    l.limit_kind = r.take_text(5);
    l.lower_limit = r.optional_text(6);
    l.upper_limit = r.optional_text(7);
    l.lower_inclusive = r.integer(8) != 0;
    l.upper_inclusive = r.integer(9) != 0;
    l.expected_text = r.optional_text(10);
    l.unit = r.take_text(11);
    l.decimal_places = static_cast<int>(r.integer(12));
    l.warning_lower = r.optional_text(13);
    l.warning_upper = r.optional_text(14);
    l.version = r.integer(15);
    return l;
}

domain::Error line_error(const domain::SpecificationLine& line, const std::string& what) {
    return domain::errors::conflict("review.specification", "specification line " + std::to_string(line.id) + " (" +
                                                          line.test_code + "): " + what);
}

domain::Result<domain::Decimal> number(const domain::SpecificationLine& line, const std::optional<std::string>& text,
                                       const char* column) {
    if (!text) return line_error(line, std::string(column) + " is missing");
    auto d = domain::Decimal::parse(*text);
    if (!d) return line_error(line, std::string(column) + " \"" + *text + "\": " + d.error().message);
    return *d;
}

}  // namespace

domain::Result<domain::SpecificationLine> load_specification_line(store::Transaction& tx, std::int64_t id,
                                                                  std::optional<std::int64_t> version) {
    // Every result entered (instrument results included) judges against its line: cached statements.
    static const std::string current = std::string(line_select) + "WHERE id = $1";
    static const std::string kept =
        "SELECT line_id, product_id, standard_ref, test_code, test_name, limit_kind, lower_limit, upper_limit, "
        "lower_inclusive, upper_inclusive, expected_text, unit, decimal_places, warning_lower, warning_upper, version "
        "FROM specification_line_versions WHERE line_id = $1 AND version = $2";
    auto rows = version ? store::sql(tx, kept, {id, *version}) : store::sql(tx, current, {id});
    if (rows.rows.empty())
        return domain::errors::not_found("review.specification_not_found",
                                         "specification line " + std::to_string(id) +
                                             (version ? " version " + std::to_string(*version) : std::string()) +
                                             " does not exist");
    return line_from(rows.rows.front());
}

std::vector<domain::SpecificationLine> specification_lines_of_product(store::Transaction& tx, std::int64_t product_id) {
    static const std::string statement = std::string(line_select) + "WHERE product_id = $1 ORDER BY id";
    auto rows = store::sql(tx, statement, {product_id});
    std::vector<domain::SpecificationLine> out;
    out.reserve(rows.rows.size());
    for (auto& r : rows.rows) out.push_back(line_from(r));
    return out;
}

domain::Result<domain::Limit> limit_of(const domain::SpecificationLine& line) {
    const std::optional<int> places = line.decimal_places;
    domain::Result<domain::Limit> limit = line_error(line, "limit_kind \"" + line.limit_kind + "\" is unknown");
    if (line.limit_kind == "range") {
        auto lo = number(line, line.lower_limit, "lower_limit");
        if (!lo) return lo.error();
        auto hi = number(line, line.upper_limit, "upper_limit");
        if (!hi) return hi.error();
        limit = domain::Limit::range(*lo, *hi, places);
    } else if (line.limit_kind == "upper") {
        auto hi = number(line, line.upper_limit, "upper_limit");
        if (!hi) return hi.error();
        limit = domain::Limit::upper(*hi, line.upper_inclusive ? domain::Bound::inclusive : domain::Bound::exclusive,
                                     places);
    } else if (line.limit_kind == "lower") {
        auto lo = number(line, line.lower_limit, "lower_limit");
        if (!lo) return lo.error();
        limit = domain::Limit::lower(*lo, line.lower_inclusive ? domain::Bound::inclusive : domain::Bound::exclusive,
                                     places);
    } else if (line.limit_kind == "qualitative") {
        std::vector<std::string> accepted;
        const std::string text = line.expected_text.value_or("");
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto bar = text.find('|', start);
            const auto part = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
            if (!part.empty()) accepted.push_back(part);
            if (bar == std::string::npos) break;
            start = bar + 1;
        }
        limit = domain::Limit::qualitative(accepted);
    }
    if (!limit) return line_error(line, limit.error().message);
    if (line.limit_kind != "qualitative" && (line.warning_lower || line.warning_upper)) {
        domain::WarningBand band;
        if (line.warning_lower) {
            auto w = number(line, line.warning_lower, "warning_lower");
            if (!w) return w.error();
            band.below = *w;
        }
        if (line.warning_upper) {
            auto w = number(line, line.warning_upper, "warning_upper");
            if (!w) return w.error();
            band.above = *w;
        }
        auto banded = limit->with_warning(band);
        if (!banded) return line_error(line, banded.error().message);
        return *banded;
    }
    return limit;
}

}  // namespace lims::workflow::review
