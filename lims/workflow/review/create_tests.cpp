#include "lims/workflow/review/create_tests.hpp"

#include "lims/domain/state_machine/machines.hpp"
#include "lims/workflow/review/specification.hpp"
#include "lims/workflow/sampling/product_link.hpp"

using namespace Poco::Data::Keywords;

namespace lims::workflow::review {

domain::Result<std::vector<store::TestRecord>> create_tests(store::Transaction& tx, std::int64_t sample_id,
                                                            const Actor& actor, int round) {
    if (round != kFirstExamination && round != kReinspection)
        return domain::errors::conflict("review.round", "round " + std::to_string(round) + " is neither 1 nor 2 (复验)");
    std::vector<Poco::Nullable<Poco::Int64>> product;
    std::vector<std::string> number;
    tx.session() << "SELECT product_id, number FROM samples WHERE id = $1", bind(sample_id), into(product),
        into(number), now;
    if (product.empty())
        return domain::errors::not_found("review.sample_not_found", "sample " + std::to_string(sample_id) + " does not exist");
    if (product.front().isNull())
        return domain::errors::conflict("review.no_product",
                                  "sample " + number.front() +
                                      " names no catalogue product, so no tests can be set up: link the catalogue "
                                      "product with POST " + sampling::product_link_path(number.front()) + " first");
    const std::int64_t product_id = product.front().value();
    const auto lines = specification_lines_of_product(tx, product_id);
    if (lines.empty())
        return domain::errors::conflict("review.no_specification",
                                  "product " + std::to_string(product_id) + " of sample " + number.front() +
                                      " has no specification lines in the catalogue");

    store::TestRepository tests(tx);
    if (!tests.for_sample(sample_id, round).empty())
        return domain::errors::conflict("review.tests_exist", "sample " + number.front() + " already has its round " +
                                                            std::to_string(round) + " tests");
    auto to = domain::apply(domain::machines::test_result(), domain::kNotCreated,
                            {.action = "create", .actor_roles = actor.roles, .supplied = {}, .guard_holds = {}});
    if (!to) return to.error();

    std::vector<store::TestRecord> created;
    for (const auto& line : lines) {
        // A line whose limit cannot be read would only fail later, at judgement: refuse now.
        if (auto limit = limit_of(line); !limit) return limit.error();
        store::NewTest t;
        t.sample_id = sample_id;
        t.spec_line_id = line.id;
        t.spec_line_version = line.version;  // judged against this version, whatever edits follow
        t.test_code = line.test_code;
        t.state = std::string(*to);
        t.round = round;
        auto made = tests.create(t, actor.name);
        if (!made) return made.error();
        created.push_back(*made);
    }
    return created;
}

}  // namespace lims::workflow::review
