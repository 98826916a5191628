// The sampling use cases against a real SQLite store: plan → task → register → ship →
// receive, with the refusals of each step naming the field and writing nothing.
#include "sampling_fixture.hpp"

#include "lims/store/plan_repository.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/on_receipt.hpp"
#include "lims/workflow/sampling/receipt.hpp"
#include "lims/workflow/sampling/shipments.hpp"

#include <atomic>
#include <thread>

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

class SamplingWorkflowTest : public SamplingTest {
protected:
    // A registered sample shipped to SH-LAB and arrived there.
    domain::Sample arrived_sample(const RegistrationRequest& request) {
        auto sample = must(register_sample(*db, actor.at("sampler.a"), request));
        auto shipment = must(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-LAB").id, "SF Express", std::nullopt}));
        shipment = must(dispatch_shipment(*db, actor.at("sampler.a"), shipment.number, shipment.version, std::nullopt));
        must(arrive_shipment(*db, actor.at("receiver"), shipment.number, shipment.version, std::nullopt));
        return must(get_sample(*db, actor.at("receiver"), sample.number)).sample;
    }
    void TearDown() override {
        clear_sample_accepted_handlers();
        set_cold_chain_assessor({});
        SamplingTest::TearDown();
    }
};

}  // namespace

TEST_F(SamplingWorkflowTest, PlanPublishGeneratesAssignedTasksPerOfficeAndProgressCountsRegistrations) {
    auto task = started_task();
    EXPECT_EQ(task.state, "in_progress");
    EXPECT_EQ(task.office_org_id, org.at("SH-HP").id);

    auto progress = must(plan_progress(*db, actor.at("planner"), "PLAN-2026-01"));
    EXPECT_EQ(progress.plan.state, "published");
    ASSERT_EQ(progress.quotas.size(), 2u);
    EXPECT_EQ(progress.quotas[0].registered, 0);

    must(register_sample(*db, actor.at("sampler.a"), a_registration(task.number)));
    must(register_sample(*db, actor.at("sampler.a"), a_registration(task.number)));
    progress = must(plan_progress(*db, actor.at("planner"), "PLAN-2026-01"));
    EXPECT_EQ(progress.quotas[0].quota.office_org_id, org.at("SH-HP").id);
    EXPECT_EQ(progress.quotas[0].registered, 2);
    EXPECT_EQ(progress.quotas[1].registered, 0);

    // An office sees its own quota line only; another jurisdiction sees nothing.
    auto office_view = must(plan_progress(*db, actor.at("sampler.pd"), "PLAN-2026-01"));
    ASSERT_EQ(office_view.quotas.size(), 1u);
    EXPECT_EQ(office_view.quotas[0].quota.office_org_id, org.at("SH-PD").id);
    EXPECT_EQ(plan_progress(*db, actor.at("js.planner"), "PLAN-2026-01").error().code, kNotFound);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, PlanRefusalsNameTheFieldAndRoles) {
    const int y = current_year();
    PlanRequest p{"P-1", "t", y, std::to_string(y) + "-01-01", std::to_string(y) + "-12-31",
                  {{org.at("JS-NJ").id, "drug", "", 1, std::to_string(y) + "-03-01"}}};
    EXPECT_EQ(field_of(create_plan(*db, actor.at("planner"), p).error()), "quotas[0].office_id");
    // A bureau samples nothing itself (an inspection centre or an enforcement unit may: seed 001).
    p.quotas[0].office_org_id = org.at("SH").id;
    EXPECT_EQ(field_of(create_plan(*db, actor.at("planner"), p).error()), "quotas[0].office_id");
    p.quotas[0].office_org_id = org.at("SH-HP").id;
    p.quotas[0].due_on = std::to_string(y + 1) + "-01-01";
    EXPECT_EQ(field_of(create_plan(*db, actor.at("planner"), p).error()), "quotas[0].due_on");
    p.quotas[0].due_on = std::to_string(y) + "-03-01";
    p.ends_on = std::to_string(y - 1) + "-12-31";
    EXPECT_EQ(field_of(create_plan(*db, actor.at("planner"), p).error()), "ends_on");
    p.ends_on = std::to_string(y) + "-12-31";
    EXPECT_EQ(create_plan(*db, actor.at("sampler.a"), p).error().code, "transition.role_not_allowed");
    EXPECT_EQ(count("sampling_plans"), 0);
    auto plan = must(create_plan(*db, actor.at("planner"), p));
    EXPECT_EQ(field_of(create_plan(*db, actor.at("planner"), p).error()), "code");
    // Publishing with a stale version is refused, and does not generate tasks.
    EXPECT_EQ(publish_plan(*db, actor.at("planner"), plan.code, plan.version + 1).error().code, kStaleVersion);
    EXPECT_EQ(count("tasks"), 0);
}

TEST_F(SamplingWorkflowTest, RegistrationWritesSampleLabelPortionsCustodyAndAudit) {
    auto task = started_task();
    const auto audit_before = count("audit_log");
    auto request = a_registration(task.number);
    auto sample = must(register_sample(*db, actor.at("sampler.a"), request));
    EXPECT_EQ(sample.state, "registered");
    EXPECT_EQ(sample.number.substr(0, 1), "D");
    EXPECT_NE(sample.number.find("-310101-"), std::string::npos);

    auto detail = must(get_sample(*db, actor.at("sampler.b"), sample.number));
    ASSERT_TRUE(detail.label);
    EXPECT_EQ(detail.label->manufacturer_credit_code, request.product.manufacturer_credit_code);
    EXPECT_EQ(detail.task_number, task.number);
    ASSERT_EQ(detail.sample.portions.size(), 2u);
    EXPECT_EQ(detail.sample.portions[1].quantity, "2");
    EXPECT_EQ(detail.sample.seal_numbers.size(), 2u);
    EXPECT_TRUE(detail.sample.entity_id.has_value());
    // The sample, and the entity recorded on first visit: two audit entries.
    EXPECT_EQ(count("audit_log"), audit_before + 2);
    auto custody = must(custody_of(*db, actor.at("sampler.a"), sample.number));
    ASSERT_EQ(custody.events.size(), 1u);
    EXPECT_EQ(custody.events[0].action, "register");
    EXPECT_EQ(custody.events[0].holder_org_code, "SH-HP");
    // The same entity, sampled again, is found by its credit code.
    must(register_sample(*db, actor.at("sampler.a"), a_registration(task.number)));
    EXPECT_EQ(count("regulated_entities"), 1);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, BadRegistrationsNameTheFieldAndWriteNothing) {
    auto task = started_task();
    must(register_sample(*db, actor.at("sampler.a"), a_registration(task.number, "USED-")));
    const auto samples = count("samples"), audit = count("audit_log"), seals = count("sample_seals"),
               counters = count("number_counters");

    struct Case {
        const char* field;
        std::function<void(RegistrationRequest&)> spoil;
    };
    const std::vector<Case> cases{
        {"entity.credit_code", [](auto& r) { r.entity.credit_code[17] = r.entity.credit_code[17] == '0' ? '1' : '0'; }},
        {"product.manufacturer_credit_code", [](auto& r) { r.product.manufacturer_credit_code = "91310101MA1FL0002I"; }},
        {"product.approval_number", [](auto& r) { r.product.approval_number = "国药准字X1"; }},
        {"production_date", [](auto& r) { r.production_date = "2999-01-01"; }},
        {"production_date", [](auto& r) { r.production_date = "2025-02-30"; }},
        {"expiry_date", [](auto& r) { r.expiry_date = "2025-01-15"; }},
        {"sampled_at", [](auto& r) { r.sampled_at = utc_minutes_ago(-60); }},
        {"sampled_at", [](auto& r) { r.sampled_at = "yesterday"; }},
        {"quantity", [](auto& r) { r.quantity = "six"; }},
        {"retained_quantity", [](auto& r) { r.retained_quantity = "3"; }},
        {"test_quantity", [](auto& r) { r.test_quantity = "0"; }},
        {"storage_condition", [](auto& r) { r.storage_condition = "warm"; }},
        {"seal_numbers[1]", [](auto& r) { r.seal_numbers[1] = r.seal_numbers[0]; }},
        {"seal_numbers[0]", [](auto& r) { r.seal_numbers[0] = "USED-1-1"; }},
        {"sampler_user_ids", [](auto& r) { r.sampler_user_ids.pop_back(); }},
        {"sampler_user_ids[1]", [this](auto& r) { r.sampler_user_ids[1] = *actor.at("sampler.pd").user_id; }},
        {"sampler_user_ids[1]", [this](auto& r) { r.sampler_user_ids[1] = *actor.at("planner").user_id; }},
        {"task_number", [](auto& r) { r.task_number = "NO-SUCH-TASK"; }},
        {"entity.kind", [](auto& r) { r.entity.kind = "bank"; }},
        {"product.category", [](auto& r) { r.product.category = "food"; }},
    };
    for (const auto& c : cases) {
        auto r = a_registration(task.number);
        c.spoil(r);
        auto result = register_sample(*db, actor.at("sampler.a"), r);
        ASSERT_FALSE(result) << c.field;
        EXPECT_EQ(field_of(result.error()), c.field) << result.error().message;
    }
    EXPECT_EQ(count("samples"), samples);
    EXPECT_EQ(count("audit_log"), audit);
    EXPECT_EQ(count("sample_seals"), seals);
    EXPECT_EQ(count("regulated_entities"), 1);
    // A refused registration does not even spend a sample number.
    EXPECT_EQ(count("number_counters"), counters);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, AnotherOfficesTaskOrAnUnstartedTaskOrTheWrongRoleIsRefused) {
    auto task = started_task();
    // SH-PD's sampler against SH-HP's task: told there is no such task of their office.
    auto r = a_registration(task.number);
    r.sampler_user_ids = {*actor.at("sampler.pd").user_id, *actor.at("sampler.pd2").user_id};
    EXPECT_EQ(field_of(register_sample(*db, actor.at("sampler.pd"), r).error()), "task_number");
    // SH-PD's own task is assigned, not started: a state conflict.
    auto tasks = must(list_tasks(*db, actor.at("sampler.pd"), 0, 50));
    ASSERT_EQ(tasks.items.size(), 1u);
    r.task_number = tasks.items[0].number;
    EXPECT_EQ(register_sample(*db, actor.at("sampler.pd"), r).error().code, "transition.guard_failed");
    // A bureau viewer may not register at all.
    EXPECT_EQ(register_sample(*db, actor.at("viewer"), a_registration(task.number)).error().code,
              "transition.role_not_allowed");
    // And nobody else starts SH-PD's task.
    EXPECT_EQ(start_task(*db, actor.at("sampler.a"), tasks.items[0].number, tasks.items[0].version).error().code, kNotFound);
    EXPECT_EQ(count("samples"), 0);
}

TEST_F(SamplingWorkflowTest, ShipArriveAcceptMovesTheSampleToTheLaboratoryWithCustodyAndHook) {
    auto task = started_task();
    int hook_calls = 0;
    add_sample_accepted_handler([&](const AcceptedSample& a) -> domain::Result<void> {
        ++hook_calls;
        EXPECT_EQ(a.sample.state, "received");
        // The hook writes in the receipt's own transaction.
        a.tx.record({a.receiver.name, "test.create", "sample", a.sample.number, "", "{}", "from hook"});
        return {};
    });
    auto sample = arrived_sample(a_registration(task.number));
    EXPECT_EQ(sample.state, "shipped");
    auto done = must(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept_all()));
    EXPECT_EQ(done.sample.state, "received");
    EXPECT_EQ(hook_calls, 1);

    auto custody = must(custody_of(*db, actor.at("receiver"), sample.number));
    ASSERT_EQ(custody.events.size(), 4u);
    EXPECT_EQ(custody.events[0].action, "register");
    EXPECT_EQ(custody.events[1].action, "ship");
    EXPECT_EQ(custody.events[1].place, "in transit with SF Express");
    EXPECT_FALSE(custody.events[1].shipment_number.empty());
    EXPECT_EQ(custody.events[2].action, "arrive");
    EXPECT_EQ(custody.events[2].holder_org_code, "SH-LAB");
    EXPECT_EQ(custody.events[3].action, "receive");
    EXPECT_EQ(custody.events[3].actor, "receiver");

    // Every item decided: the shipment is complete.
    auto shipment = must(get_shipment(*db, actor.at("receiver"), custody.events[1].shipment_number));
    EXPECT_EQ(shipment.state, "received");
    // The laboratory lists what was shipped to it; the other jurisdiction sees nothing.
    auto lab_list = must(list_samples(*db, actor.at("receiver"), {}));
    ASSERT_EQ(lab_list.items.size(), 1u);
    EXPECT_EQ(get_sample(*db, actor.at("js.receiver"), sample.number).error().code, kNotFound);
    EXPECT_EQ(custody_of(*db, actor.at("js.receiver"), sample.number).error().code, kNotFound);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, RejectionNeedsAReasonAndIsSentBackToTheOffice) {
    auto task = started_task();
    auto sample = arrived_sample(a_registration(task.number));
    ReceiptRequest reject;
    reject.checklist = {false, true, true, true, "damaged", std::nullopt};
    reject.decision = "reject";
    EXPECT_EQ(field_of(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, reject).error()), "reason");
    // A broken seal cannot be accepted: the field says which check failed.
    auto accept = accept_all();
    accept.checklist.seals_intact = false;
    EXPECT_EQ(field_of(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept).error()),
              "checklist.seals_intact");
    EXPECT_EQ(count("sample_receipts"), 0);

    reject.reason = "seal broken, box crushed";
    auto done = must(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, reject));
    EXPECT_EQ(done.sample.state, "rejected");
    auto notes = must(list_notifications(*db, actor.at("sampler.b"), 0, 10));
    ASSERT_EQ(notes.items.size(), 1u);
    EXPECT_EQ(notes.items[0].sample_number, sample.number);
    EXPECT_NE(notes.items[0].message.find("seal broken"), std::string::npos);
    EXPECT_TRUE(must(list_notifications(*db, actor.at("receiver"), 0, 10)).items.empty());
    // Rejected samples do not count towards the quota.
    auto progress = must(plan_progress(*db, actor.at("planner"), "PLAN-2026-01"));
    EXPECT_EQ(progress.quotas[0].registered, 0);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, TwoReceiversAtOnceOneWinsTheOtherGetsAStaleVersion) {
    auto task = started_task();
    auto sample = arrived_sample(a_registration(task.number));
    std::atomic<int> go{0};
    domain::Result<ReceiptOutcome> first = domain::Error{"unset", ""}, second = domain::Error{"unset", ""};
    std::thread a([&] { ++go; while (go < 2) {} first = receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept_all()); });
    std::thread b([&] { ++go; while (go < 2) {} second = receive_sample(*db, actor.at("receiver2"), sample.number, sample.version, accept_all()); });
    a.join();
    b.join();
    ASSERT_NE(first.ok(), second.ok()) << (first ? "" : first.error().code) << " / " << (second ? "" : second.error().code);
    const auto& loser = first ? second : first;
    // The loser read the sample after the winner committed (stale version) or before (the
    // state moved on): either way it is a 409 and nothing of it was written.
    EXPECT_TRUE(loser.error().code == kStaleVersion || loser.error().code == "transition.not_allowed") << loser.error().code;
    EXPECT_EQ(count("sample_receipts"), 1);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, StaleVersionOnReceiptIsRefused) {
    auto task = started_task();
    auto sample = arrived_sample(a_registration(task.number));
    EXPECT_EQ(receive_sample(*db, actor.at("receiver"), sample.number, sample.version - 1, accept_all()).error().code,
              kStaleVersion);
    EXPECT_EQ(count("sample_receipts"), 0);
}

TEST_F(SamplingWorkflowTest, ColdChainSamplesNeedATemperatureRecordAndTheAssessorCanForbidAcceptance) {
    auto task = started_task();
    auto r = a_registration(task.number);
    r.storage_condition = "refrigerated";
    auto sample = arrived_sample(r);
    EXPECT_EQ(field_of(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept_all()).error()),
              "checklist.temperature_record_ok");
    set_cold_chain_assessor([](const ColdChainQuestion& q) {
        EXPECT_TRUE(q.shipment.has_value());
        return ColdChainVerdict{kVerdictExcursion, "9.4 °C for 47 min"};
    });
    auto accept = accept_all();
    accept.checklist.temperature_record_ok = true;
    auto refused = receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept);
    EXPECT_EQ(field_of(refused.error()), "checklist.temperature_record_ok");
    EXPECT_NE(refused.error().message.find("9.4"), std::string::npos);
    set_cold_chain_assessor([](const ColdChainQuestion&) { return ColdChainVerdict{"held", ""}; });
    auto done = must(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept));
    EXPECT_EQ(done.receipt.cold_chain_verdict.value_or(""), "held");
}

TEST_F(SamplingWorkflowTest, AFailingAcceptanceHookRollsTheReceiptBack) {
    auto task = started_task();
    auto sample = arrived_sample(a_registration(task.number));
    add_sample_accepted_handler([](const AcceptedSample&) -> domain::Result<void> {
        return domain::Error{"review.no_specification", "no specification lines for this product"};
    });
    const auto audit = count("audit_log");
    EXPECT_EQ(receive_sample(*db, actor.at("receiver"), sample.number, sample.version, accept_all()).error().code,
              "review.no_specification");
    EXPECT_EQ(count("sample_receipts"), 0);
    EXPECT_EQ(count("audit_log"), audit);
    EXPECT_EQ(must(get_sample(*db, actor.at("receiver"), sample.number)).sample.state, "shipped");
}

TEST_F(SamplingWorkflowTest, ShipmentRefusals) {
    auto task = started_task();
    auto sample = must(register_sample(*db, actor.at("sampler.a"), a_registration(task.number)));
    EXPECT_EQ(field_of(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-PD").id, "x", std::nullopt}).error()),
              "laboratory_id");
    EXPECT_EQ(field_of(create_shipment(*db, actor.at("sampler.pd"), {{sample.number}, org.at("SH-LAB").id, "x", std::nullopt}).error()),
              "samples[0]");
    EXPECT_EQ(field_of(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-LAB").id, "x", std::string("NOPE")}).error()),
              "logger_serial");
    EXPECT_EQ(create_shipment(*db, actor.at("receiver"), {{sample.number}, org.at("SH-LAB").id, "x", std::nullopt}).error().code,
              "transition.role_not_allowed");
    auto shipment = must(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-LAB").id, "x", std::nullopt}));
    EXPECT_EQ(field_of(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-LAB").id, "x", std::nullopt}).error()),
              "samples[0]");
    // Arrival before dispatch, receipt before arrival, and a future departure are refused.
    EXPECT_EQ(arrive_shipment(*db, actor.at("receiver"), shipment.number, shipment.version, std::nullopt).error().code,
              "transition.not_allowed");
    EXPECT_EQ(field_of(dispatch_shipment(*db, actor.at("sampler.a"), shipment.number, shipment.version, utc_minutes_ago(-120)).error()),
              "departed_at");
    shipment = must(dispatch_shipment(*db, actor.at("sampler.a"), shipment.number, shipment.version, std::nullopt));
    auto shipped = must(get_sample(*db, actor.at("sampler.a"), sample.number)).sample;
    auto receipt = receive_sample(*db, actor.at("receiver"), sample.number, shipped.version, accept_all());
    EXPECT_EQ(receipt.error().code, kConflict);
    // The other jurisdiction's laboratory cannot record the arrival.
    EXPECT_EQ(arrive_shipment(*db, actor.at("js.receiver"), shipment.number, shipment.version, std::nullopt).error().code, kNotFound);
    expect_chain_intact();
}

TEST_F(SamplingWorkflowTest, TripLoggerIsPlacedOnDispatchAndReleasedOnArrival) {
    must(db->write([&](store::Transaction& tx) -> domain::Result<int> {
        tx.session() << "INSERT INTO loggers (serial, org_id, created_at, updated_at) VALUES ('LOG-7', "
                            + std::to_string(org.at("SH-HP").id) + ", 'x', 'x')", Poco::Data::Keywords::now;
        return 0;
    }));
    auto task = started_task();
    auto sample = must(register_sample(*db, actor.at("sampler.a"), a_registration(task.number)));
    auto shipment = must(create_shipment(*db, actor.at("sampler.a"), {{sample.number}, org.at("SH-LAB").id, "x", std::string("LOG-7")}));
    EXPECT_EQ(shipment.logger_serial, "LOG-7");
    shipment = must(dispatch_shipment(*db, actor.at("sampler.a"), shipment.number, shipment.version, utc_minutes_ago(20)));
    EXPECT_EQ(count("logger_placements"), 1);
    must(arrive_shipment(*db, actor.at("receiver"), shipment.number, shipment.version, std::nullopt));
    auto open = must(db->read([](store::Transaction& tx) -> domain::Result<std::int64_t> {
        Poco::Int64 n = 0;
        tx.session() << "SELECT count(*) FROM logger_placements WHERE to_utc IS NULL", Poco::Data::Keywords::into(n),
            Poco::Data::Keywords::now;
        return static_cast<std::int64_t>(n);
    }));
    EXPECT_EQ(open, 0);
}
