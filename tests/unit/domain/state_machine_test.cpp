#include "lims/domain/state_machine/machines.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace lims::domain;

namespace {

RecordSet everything() {
    RecordSet all;
    for (Recorded r : kAllRecorded) all.add(r);
    return all;
}

TransitionRequest request(std::string_view action, Role role, RecordSet supplied = everything()) {
    return TransitionRequest{action, RoleSet{role}, supplied, [](std::string_view) { return true; }};
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(StateMachines, TablesAreWellFormed) {
    for (const StateMachine* m : machines::all()) {
        SCOPED_TRACE(std::string(m->entity));
        ASSERT_FALSE(m->states.empty());
        EXPECT_EQ(m->states.front(), kNotCreated);
        std::set<std::string_view> states(m->states.begin(), m->states.end());
        EXPECT_EQ(states.size(), m->states.size()) << "a state is listed twice";
        std::set<std::pair<std::string_view, std::string_view>> rows;
        for (const auto& t : m->transitions) {
            EXPECT_TRUE(states.contains(t.from)) << t.from;
            EXPECT_TRUE(states.contains(t.to)) << t.to;
            EXPECT_NE(t.to, kNotCreated);
            EXPECT_FALSE(t.roles.empty()) << t.action;
            EXPECT_FALSE(t.roles.contains(Role::administrator) && t.action != "record_external_acknowledgement")
                << "administrators manage the system, they do not work samples: " << t.action;
            EXPECT_TRUE(rows.emplace(t.from, t.action).second) << "two rows for " << t.from << " / " << t.action;
        }
        // Every state is reachable from creation.
        std::set<std::string_view> reached{kNotCreated};
        for (bool grew = true; grew;) {
            grew = false;
            for (const auto& t : m->transitions) {
                if (reached.contains(t.from) && reached.insert(t.to).second) grew = true;
            }
        }
        EXPECT_EQ(reached, states);
    }
}

// Every (state, action) pair of every table, generated: a legal one works for its roles
// and only for them, names each missing record and each failing guard; an illegal one is
// refused for every role with a reason naming entity, state and action.
TEST(StateMachines, EveryPairIsDecidedAndEveryRefusalNamed) {
    std::size_t legal = 0;
    std::size_t illegal = 0;
    for (const StateMachine* m : machines::all()) {
        for (std::string_view state : m->states) {
            for (std::string_view action : m->actions()) {
                SCOPED_TRACE(std::string(m->entity) + " " + std::string(state) + " / " + std::string(action));
                const Transition* row = m->find(state, action);
                if (row == nullptr) {
                    ++illegal;
                    for (Role role : kAllRoles) {
                        auto r = apply(*m, state, request(action, role));
                        ASSERT_FALSE(r.ok()) << to_string(role);
                        EXPECT_EQ(r.error().code, "transition.not_allowed");
                        EXPECT_TRUE(contains(r.error().message, m->entity)) << r.error().message;
                        EXPECT_TRUE(contains(r.error().message, "'" + std::string(state) + "'")) << r.error().message;
                        EXPECT_TRUE(contains(r.error().message, "'" + std::string(action) + "'")) << r.error().message;
                    }
                    continue;
                }
                ++legal;
                for (Role role : kAllRoles) {
                    auto r = apply(*m, state, request(action, role));
                    if (row->roles.contains(role)) {
                        ASSERT_TRUE(r.ok()) << to_string(role) << ": " << r.error().message;
                        EXPECT_EQ(r.value(), row->to);
                    } else {
                        ASSERT_FALSE(r.ok()) << to_string(role) << " may not " << action;
                        EXPECT_EQ(r.error().code, "transition.role_not_allowed");
                        EXPECT_TRUE(contains(r.error().message, to_string(role))) << r.error().message;
                        EXPECT_TRUE(contains(r.error().message, "'" + std::string(action) + "'"));
                        EXPECT_TRUE(contains(r.error().message, "'" + std::string(state) + "'"));
                    }
                }
                const Role allowed = row->roles.roles().front();
                // A request holding several roles passes if one of them is allowed.
                TransitionRequest many = request(action, allowed);
                many.actor_roles.add(Role::bureau_viewer).add(Role::ingest_service);
                EXPECT_TRUE(apply(*m, state, many).ok());
                for (Recorded item : kAllRecorded) {
                    if (!row->records.contains(item)) continue;
                    auto r = apply(*m, state, request(action, allowed, everything().without(item)));
                    ASSERT_FALSE(r.ok()) << "missing " << to_string(item);
                    EXPECT_EQ(r.error().code, "transition.missing_record");
                    EXPECT_TRUE(contains(r.error().message, to_string(item))) << r.error().message;
                }
                for (std::string_view guard : row->guards) {
                    if (guard.empty()) continue;
                    TransitionRequest req = request(action, allowed);
                    req.guard_holds = [guard](std::string_view g) { return g != guard; };
                    auto r = apply(*m, state, req);
                    ASSERT_FALSE(r.ok()) << "guard " << guard;
                    EXPECT_EQ(r.error().code, "transition.guard_failed");
                    EXPECT_TRUE(contains(r.error().message, guard)) << r.error().message;
                    req.guard_holds = nullptr;  // nobody evaluated the guard: it does not hold
                    EXPECT_EQ(apply(*m, state, req).error().code, "transition.guard_failed");
                }
                if (row->guards[0].empty() && row->guards[1].empty()) {
                    TransitionRequest req = request(action, allowed);
                    req.guard_holds = nullptr;  // no guard asked, none needs evaluating
                    EXPECT_TRUE(apply(*m, state, req).ok());
                }
            }
        }
    }
    // Every row was reached as a legal pair, and the rest of the grid was refused.
    std::size_t rows = 0;
    std::size_t grid = 0;
    for (const StateMachine* m : machines::all()) {
        rows += m->transitions.size();
        grid += m->states.size() * m->actions().size();
    }
    EXPECT_EQ(legal, rows);
    EXPECT_EQ(illegal, grid - rows);
    EXPECT_EQ(rows, 66u);  // changes when a table changes: update deliberately
    EXPECT_EQ(illegal, 357u);
}

TEST(StateMachines, UnknownStateAndActionAreNamed) {
    auto r = apply(machines::sample(), "lost", {"receive", {Role::receiver}, {}, {}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "transition.unknown_state");
    EXPECT_EQ(r.error().message, "sample: 'lost' is not a state of a sample");
    auto a = apply(machines::sample(), "registered", {"teleport", {Role::receiver}, {}, {}});
    EXPECT_EQ(a.error().code, "transition.unknown_action");
    EXPECT_EQ(a.error().message, "sample in state 'registered': 'teleport' is not an action on a sample");
}

TEST(StateMachines, MessagesReadWell) {
    auto not_allowed = apply(machines::sample(), "registered", {"issue_report", {Role::signatory}, {}, {}});
    EXPECT_EQ(not_allowed.error().message,
              "sample in state 'registered': action 'issue_report' is not allowed from this state "
              "(allowed: void, ship, receive, reject)");
    auto final_state = apply(machines::case_lead(), "closed", {"close", {Role::enforcement_officer}, {}, {}});
    EXPECT_EQ(final_state.error().message,
              "case_lead in state 'closed': action 'close' is not allowed from this state (it is final)");
    auto role = apply(machines::report(), "draft", {"approve", {Role::analyst}, {}, {}});
    EXPECT_EQ(role.error().message,
              "report in state 'draft': action 'approve' needs the role signatory; the actor has analyst");
    auto reason = apply(machines::case_lead(), "investigating",
                        {"decline", {Role::enforcement_officer}, RecordSet{Recorded::approval}, {}});
    EXPECT_EQ(reason.error().message, "case_lead in state 'investigating': action 'decline' requires a reason");
    auto guard = apply(machines::sample(), kNotCreated,
                       {"register", {Role::sampler}, {}, [](std::string_view g) { return g != "two_samplers"; }});
    EXPECT_EQ(guard.error().message,
              "sample in state 'new': action 'register' requires two_samplers, which does not hold");
}

// The paths the issues walk, end to end through the tables.
TEST(StateMachines, WalkTheMainPaths) {
    auto walk = [](const StateMachine& m, std::vector<std::pair<std::string_view, Role>> steps) {
        std::string_view state = kNotCreated;
        for (auto [action, role] : steps) {
            auto r = apply(m, state, request(action, role));
            EXPECT_TRUE(r.ok()) << m.entity << " " << state << " / " << action << ": " << r.error().message;
            if (!r) return std::string("failed");
            state = r.value();
        }
        return std::string(state);
    };
    using enum Role;
    EXPECT_EQ(walk(machines::sample(), {{"register", sampler}, {"ship", sampler}, {"receive", receiver},
                                        {"start_testing", analyst}, {"complete_testing", analyst},
                                        {"issue_report", signatory}, {"apply_reinspection", receiver},
                                        {"start_reinspection", analyst}, {"complete_reinspection", analyst},
                                        {"issue_report", signatory}}),
              "reported");
    EXPECT_EQ(walk(machines::sample(), {{"register", sampler}, {"ship", sampler}, {"reject", receiver}}), "rejected");
    EXPECT_EQ(walk(machines::test_result(), {{"create", receiver}, {"enter_result", ingest_service}, {"accept", analyst},
                                             {"verify", reviewer}, {"verify", reviewer}, {"release", reviewer}}),
              "final");
    EXPECT_EQ(walk(machines::report(), {{"draft", analyst}, {"approve", signatory}, {"issue", signatory},
                                        {"supersede", signatory}}),
              "superseded");
    EXPECT_EQ(walk(machines::notice(), {{"send", signatory}, {"acknowledge", bureau_viewer}}), "acknowledged");
    EXPECT_EQ(walk(machines::case_lead(), {{"open", signatory}, {"accept", enforcement_officer},
                                           {"investigate", enforcement_officer}, {"transfer", enforcement_officer},
                                           {"close", enforcement_officer}}),
              "closed");
    EXPECT_EQ(walk(machines::case_lead(), {{"open", signatory}, {"accept", enforcement_officer},
                                           {"withdraw", signatory}}),
              "withdrawn");
    EXPECT_EQ(walk(machines::task(), {{"plan", planner}, {"assign", planner}, {"start", sampler},
                                      {"complete", sampler}}),
              "completed");
}

// 不予受理: the receiver refuses a recorded re-inspection application, with its reason, while
// the retained portion is still held and round 2 has no result; the sample is reported again.
TEST(StateMachines, AReinspectionApplicationIsRefusedByTheReceiverWithAReasonBeforeTheHandOver) {
    using enum Role;
    const auto& m = machines::sample();
    auto refused = apply(m, "in_reinspection", request("refuse_reinspection", receiver));
    ASSERT_TRUE(refused.ok()) << refused.error().message;
    EXPECT_EQ(refused.value(), "reported");
    for (Role other : {analyst, planner, signatory, reviewer, administrator}) {
        auto r = apply(m, "in_reinspection", request("refuse_reinspection", other));
        ASSERT_FALSE(r.ok()) << to_string(other);
        EXPECT_EQ(r.error().code, "transition.role_not_allowed");
    }
    auto unreasoned = apply(m, "in_reinspection", request("refuse_reinspection", receiver, everything().without(Recorded::reason)));
    ASSERT_FALSE(unreasoned.ok());
    EXPECT_EQ(unreasoned.error().code, "transition.missing_record");
    for (std::string_view guard : {"retained_portion_not_handed_over", "no_reinspection_result"}) {
        auto req = request("refuse_reinspection", receiver);
        req.guard_holds = [guard](std::string_view g) { return g != guard; };
        auto r = apply(m, "in_reinspection", req);
        ASSERT_FALSE(r.ok()) << guard;
        EXPECT_TRUE(contains(r.error().message, guard)) << r.error().message;
    }
    // Refused once: a reported sample has no application to refuse.
    EXPECT_FALSE(apply(m, "reported", request("refuse_reinspection", receiver)).ok());
    EXPECT_FALSE(apply(m, "reinspected", request("refuse_reinspection", receiver)).ok());
}

TEST(Roles, NamesRoundTrip) {
    for (Role r : kAllRoles) EXPECT_EQ(parse_role(to_string(r)).value(), r);
    EXPECT_EQ(parse_role("Administrator").error().code, "role.unknown");
    EXPECT_EQ(parse_role("").error().code, "role.unknown");
    EXPECT_EQ((RoleSet{Role::receiver, Role::analyst}).describe(), "receiver, analyst");
    EXPECT_EQ(RoleSet{}.describe(), "no role");
    EXPECT_TRUE((RoleSet{Role::sampler}).intersects(RoleSet{Role::planner, Role::sampler}));
    EXPECT_FALSE((RoleSet{Role::sampler}).intersects(RoleSet{Role::planner}));
}
