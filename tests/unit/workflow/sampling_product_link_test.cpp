// Issue 16, item 2: a sample registered from its label alone (no catalogue product) is
// linked to its catalogue product by the laboratory, audited as a new version, and then
// received with its tests set up from the product's lines; until then the receipt says
// what to do and writes nothing. With the review chain's receipt hook, on SQLite.
#include "sampling_fixture.hpp"

#include "lims/store/revisions.hpp"
#include "lims/workflow/review/receipt_hook.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"
#include "lims/workflow/sampling/product_link.hpp"
#include "lims/workflow/sampling/receipt.hpp"
#include "lims/workflow/sampling/shipments.hpp"

using namespace lims;
using namespace lims::workflow::sampling;
using namespace lims::workflow::sampling::testing;

namespace {

std::string field_of(const domain::Error& e) { return invalid_field_of(e).value_or("(not a field error: " + e.code + ")"); }

ReceiptRequest accept_all() {
    ReceiptRequest r;
    r.checklist = {true, true, true, true, "good", std::nullopt};
    r.decision = "accept";
    return r;
}

class ProductLinkTest : public SamplingTest {
protected:
    void SetUp() override {
        SamplingTest::SetUp();
        if (HasFatalFailure()) return;
        add_user("analyst", "SH-LAB", {"analyst"});
        add_user("js.analyst", "JS-LAB", {"analyst"});
        workflow::review::install_receipt_hook();
    }
    void TearDown() override {
        clear_sample_accepted_handlers();
        SamplingTest::TearDown();
    }

    domain::Sample arrived_sample(const RegistrationRequest& request) {
        auto sample = must(register_sample(*db, actor.at("sampler.a"), request));
        auto shipment = must(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-LAB").id, "SF Express", std::nullopt}));
        shipment = must(dispatch_shipment(*db, actor.at("sampler.a"), shipment.number, shipment.version, std::nullopt));
        must(arrive_shipment(*db, actor.at("receiver"), shipment.number, shipment.version, std::nullopt));
        return must(get_sample(*db, actor.at("receiver"), sample.number)).sample;
    }

    std::int64_t product(const std::string& name, const std::string& category, int lines) {
        return must(db->write([&](store::Transaction& tx) -> domain::Result<std::int64_t> {
            using namespace Poco::Data::Keywords;
            tx.session() << "INSERT INTO products (name, category, storage_class, created_at, updated_at) VALUES ($1, $2, "
                            "'ambient', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
                bind(name), bind(category), now;
            Poco::Int64 id = 0;
            tx.session() << "SELECT max(id) FROM products", into(id), now;
            for (int i = 0; i < lines; ++i)
                tx.session() << "INSERT INTO specification_lines (product_id, standard_ref, test_code, test_name, "
                                "limit_kind, expected_text, unit, decimal_places, created_at, updated_at) VALUES ($1, "
                                "'ChP 2025', $2, 'Appearance', 'qualitative', 'conforms', '', 0, "
                                "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
                    bind(id), bind("LOOK" + std::to_string(i)), now;
            return static_cast<std::int64_t>(id);
        }));
    }
};

}  // namespace

TEST_F(ProductLinkTest, ReceiptOfALabelOnlySampleSaysToLinkTheProductAndWritesNothing) {
    auto sample = arrived_sample(a_registration(started_task().number));
    ASSERT_FALSE(sample.product_id);
    const auto audit = count("audit_log");
    auto refused = receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept_all());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "review.no_product");
    EXPECT_NE(refused.error().message.find("link the catalogue product with POST /api/v1/samples/" + sample.number +
                                           "/product first"),
              std::string::npos)
        << refused.error().message;
    EXPECT_EQ(count("sample_receipts"), 0);
    EXPECT_EQ(count("tests"), 0);
    EXPECT_EQ(count("audit_log"), audit);
    EXPECT_EQ(must(get_sample(*db, actor.at("receiver"), sample.number)).sample.version, sample.version);
}

TEST_F(ProductLinkTest, LinkedThenReceivedWithTestsFromTheProductAndAudited) {
    auto sample = arrived_sample(a_registration(started_task().number));
    const auto amoxicillin = product("Amoxicillin capsules", "drug", 2);
    auto linked = must(link_product(*db, actor.at("receiver"), sample.number, sample.version,
                                    {amoxicillin, "label checked at receipt"}));
    EXPECT_EQ(linked.product_id, amoxicillin);
    EXPECT_EQ(linked.version, sample.version + 1);
    EXPECT_EQ(linked.state, "shipped");

    auto done = must(receive_sample(*db, actor.at("receiver"), sample.number, linked.version, accept_all()));
    EXPECT_EQ(done.sample.state, "received");
    EXPECT_EQ(count("tests"), 2);

    // A revision with the reason, and the audit entry with before and after.
    auto revisions = must(db->read([&](store::Transaction& tx) -> domain::Result<std::vector<store::Revision>> {
        return store::revisions_of(tx, "sample", sample.id);
    }));
    ASSERT_GE(revisions.size(), 2u);
    bool found = false;
    for (const auto& r : revisions)
        if (r.version == linked.version) {
            found = true;
            EXPECT_EQ(r.reason, "label checked at receipt");
            EXPECT_EQ(r.actor, "receiver");
            EXPECT_NE(r.data_json.find("\"product_id\":" + std::to_string(amoxicillin)), std::string::npos) << r.data_json;
        }
    EXPECT_TRUE(found);
    auto entries = must(store::read_audit_entries(*db, 1, 100000));
    int links = 0;
    for (const auto& e : entries)
        if (e.record.action == "sample.link_product" && e.record.entity_id == sample.number) {
            ++links;
            EXPECT_EQ(e.record.before_json.find("product_id"), std::string::npos) << e.record.before_json;
            EXPECT_NE(e.record.after_json.find("\"product_id\":" + std::to_string(amoxicillin)), std::string::npos);
        }
    EXPECT_EQ(links, 1);

    // Past receipt the product stays as the tests were set up.
    auto late = link_product(*db, actor.at("analyst"), sample.number, done.sample.version, {product("Other", "drug", 1), ""});
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, kConflict);
    expect_chain_intact();
}

TEST_F(ProductLinkTest, AnAnalystMayLinkWithADefaultReason) {
    auto sample = arrived_sample(a_registration(started_task().number));
    auto linked = must(link_product(*db, actor.at("analyst"), sample.number, sample.version, {product("A", "drug", 1), ""}));
    auto revisions = must(db->read([&](store::Transaction& tx) -> domain::Result<std::vector<store::Revision>> {
        return store::revisions_of(tx, "sample", sample.id);
    }));
    EXPECT_FALSE(revisions.back().reason.empty());
    EXPECT_EQ(revisions.back().version, linked.version);
}

TEST_F(ProductLinkTest, RefusalsNameTheProblemAndWriteNothing) {
    auto sample = arrived_sample(a_registration(started_task().number));
    const auto good = product("Amoxicillin capsules", "drug", 1);
    const auto audit = count("audit_log");
    const auto revisions = count("revisions");
    auto code = [&](const workflow::Actor& a, std::int64_t version, std::int64_t product_id) {
        auto r = link_product(*db, a, sample.number, version, {product_id, ""});
        return r.ok() ? std::string("ok") : r.error().code;
    };
    EXPECT_EQ(code(actor.at("sampler.a"), sample.version, good), kForbidden);
    EXPECT_EQ(code(actor.at("viewer"), sample.version, good), kForbidden);
    EXPECT_EQ(code(actor.at("js.receiver"), sample.version, good), kNotFound);  // another jurisdiction
    EXPECT_EQ(code(actor.at("js.analyst"), sample.version, good), kNotFound);
    EXPECT_EQ(code(actor.at("receiver"), sample.version - 1, good), kStaleVersion);
    EXPECT_EQ(link_product(*db, actor.at("receiver"), "D2026-310101-999999-X", 1, {good, ""}).error().code, kNotFound);
    EXPECT_EQ(field_of(link_product(*db, actor.at("receiver"), sample.number, sample.version, {999999, ""}).error()),
              "product_id");
    EXPECT_EQ(field_of(link_product(*db, actor.at("receiver"), sample.number, sample.version, {0, ""}).error()),
              "product_id");
    auto cosmetic = link_product(*db, actor.at("receiver"), sample.number, sample.version, {product("Cream", "cosmetic", 1), ""});
    EXPECT_EQ(field_of(cosmetic.error()), "product_id");
    EXPECT_NE(cosmetic.error().message.find("label"), std::string::npos) << cosmetic.error().message;
    auto bare = link_product(*db, actor.at("receiver"), sample.number, sample.version, {product("Bare", "drug", 0), ""});
    EXPECT_EQ(field_of(bare.error()), "product_id");
    EXPECT_NE(bare.error().message.find("specification lines"), std::string::npos) << bare.error().message;
    EXPECT_EQ(count("audit_log"), audit);
    EXPECT_EQ(count("revisions"), revisions);
    EXPECT_FALSE(must(get_sample(*db, actor.at("receiver"), sample.number)).sample.product_id);

    // Linked once; the same product again is a conflict, another one (before receipt) a new version.
    auto linked = must(link_product(*db, actor.at("receiver"), sample.number, sample.version, {good, ""}));
    EXPECT_EQ(code(actor.at("receiver"), linked.version, good), kConflict);
    auto relinked = must(link_product(*db, actor.at("receiver"), sample.number, linked.version,
                                      {product("Amoxicillin 0.5 g", "drug", 1), "the label says 0.5 g"}));
    EXPECT_EQ(relinked.version, linked.version + 1);
}
