#include "lims/workflow/review/result_view.hpp"

#include "lims/workflow/review/visibility.hpp"

#include "lims/domain/judgement/reported_value.hpp"
#include "lims/workflow/review/specification.hpp"

#include <Poco/Data/Session.h>

namespace lims::workflow::review {

namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

std::string sample_number_of(store::Transaction& tx, std::int64_t sample_id) {
    std::vector<std::string> out;
    Poco::Int64 id = sample_id;
    tx.session() << "SELECT number FROM samples WHERE id = $1", bind(id), into(out), now;
    return out.empty() ? std::string() : out.front();
}

void judge_into(store::Transaction& tx, ResultView& v) {
    if (!v.test.spec_line_id) return;
    auto line = load_specification_line(tx, *v.test.spec_line_id, v.test.spec_line_version);
    if (!line) {
        v.judgement_problem = line.error().message;
        return;
    }
    v.item = line->test_name;
    v.line_unit = line->unit;
    v.decimal_places = line->decimal_places;
    v.standard = line->standard_ref;
    auto limit = limit_of(*line);
    if (!limit) {
        v.judgement_problem = limit.error().message;
        return;
    }
    v.requirement = limit->describe();
    if (!v.result) return;
    const std::string text = v.result->value_text ? *v.result->value_text : v.result->qualitative.value_or("");
    auto value = domain::ReportedValue::parse(text);
    if (!value) {
        v.judgement_problem = value.error().message;
        return;
    }
    auto judged = domain::judge(*limit, *value);
    if (!judged) {
        v.judgement_problem = judged.error().message;
        return;
    }
    v.judgement = *judged;
}

}  // namespace

domain::Result<std::vector<ResultView>> view_results(store::Database& db, const Actor& actor,
                                                     const std::vector<std::int64_t>& test_ids) {
    if (test_ids.size() > kMaxResultViews)
        return domain::errors::invalid("test_id", "review.too_many_tests",
                                       "at most " + std::to_string(kMaxResultViews) + " tests, not " +
                                           std::to_string(test_ids.size()));
    return db.read([&](store::Transaction& tx) -> store::StoreResult<std::vector<ResultView>> {
        std::vector<ResultView> out;
        store::TestRepository tests(tx);
        store::ResultRepository results(tx);
        for (const auto id : test_ids) {
            auto test = tests.get(id);
            if (!test) {
                if (store::kind_of(test.error()) == store::StoreErrorKind::not_found) continue;
                return test.error();
            }
            // The test's sample's office and every laboratory a shipment of it went to
            // (visibility.hpp, as the review routes decide who sees a test).
            auto visible = holds_sample(tx, actor, test->sample_id);
            if (!visible) return visible.error();
            if (!*visible) continue;
            ResultView v;
            v.test = *test;
            v.sample_number = sample_number_of(tx, test->sample_id);
            v.result = results.latest_for_test(test->id);
            judge_into(tx, v);
            out.push_back(std::move(v));
        }
        return out;
    });
}

}  // namespace lims::workflow::review
