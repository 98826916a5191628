// Response schemas of the case routes (routes/case_routes.cpp; the case's JSON is the
// store's to_json, lims/store/case_repository.cpp). See catalogue.hpp.
#include "lims/api/schemas/catalogue.hpp"

namespace lims::api::schemas {

namespace {

FieldSchema pause() {
    return object({field::string("reason").describedAs("testing, inspection, quarantine or expert_opinion"),
                   field::string("note"), dateTime("started_at"),
                   dateTime("ended_at").optional().describedAs("absent: the clock still stands"),
                   field::string("started_by"), field::string("ended_by").optional()});
}

FieldSchema measure() {
    return object({field::integer("id"),
                   field::string("kind").describedAs("suspend_sale, suspend_use, recall or seizure"),
                   dateTime("started_at"),
                   field::string("scope"),
                   field::string("document_number"),
                   dateTime("decision_due_at").optional().describedAs("A seizure: when the decision on the goods is due"),
                   field::boolean("decision_due_provisional").optional().describedAs("true: counted on a provisional calendar"),
                   dateTime("extended_at").optional(),
                   field::string("extension_reason").optional(),
                   field::string("extension_approver").optional(),
                   dateTime("ended_at").optional(),
                   field::string("end_result").optional().describedAs("lifted, completed, confiscated or destroyed"),
                   field::string("end_note").optional(),
                   field::string("recorded_by"),
                   field::array("pauses", pause()).describedAs(
                       "A seizure: when the goods were out for testing, inspection, quarantine or technical appraisal, "
                       "left out of the term (行政强制法 第二十五条)")});
}

FieldSchema transfer() {
    return object({dateTime("proposed_at"), field::string("grounds"), field::string("proposed_by"),
                   dateTime("decision_due_at").describedAs("The head's decision is due (3 days)"),
                   field::boolean("decision_due_provisional").optional(),
                   dateTime("decided_at").optional(),
                   field::string("decision").optional().describedAs("approved or refused"),
                   field::string("approver").optional(), field::string("decision_note").optional(),
                   dateTime("handover_due_at").optional().describedAs("24 hours after approval"),
                   dateTime("handed_over_at").optional(), field::string("police_body").optional(),
                   field::string("handover_reference").optional()});
}

FieldSchema outcome() {
    return object("outcome",
                  {field::string("kind").describedAs("penalty, no_penalty or withdrawn (撤案)"), dateTime("decided_at"),
                   field::string("decision_number"),
                   field::string("amount").optional().describedAs("A penalty: yuan"),
                   field::string("legal_basis"), field::string("reason"),
                   field::array("persons", object({field::string("name"), field::string("position"),
                                                   field::string("penalty"), field::string("amount").optional()}))
                       .describedAs("Penalties on responsible persons (处罚到人)"),
                   field::string("approval"), field::string("recorded_by")})
        .optional();
}

FieldSchema filedCase() {
    return object({field::integer("id"),
                   field::string("number").describedAs("AJ2026-000001"),
                   field::integer("lead_id"),
                   field::string("lead_number"),
                   field::integer("assigned_org_id"),
                   field::string("state").describedAs("filed, transfer_proposed, transfer_approved, transferred or decided"),
                   dateTime("filed_at"),
                   field::string("filing_approval"),
                   dateTime("deadline_at").optional().describedAs("The decision is due; absent while the clock stands"),
                   field::boolean("deadline_provisional").optional().describedAs("true: counted on a provisional calendar"),
                   field::boolean("paused"),
                   dateTime("extended_at").optional(),
                   field::string("extension_reason").optional(),
                   field::string("extension_approver").optional(),
                   field::array("pauses", pause()),
                   field::array("measures", measure()),
                   field::array("transfers", transfer()).describedAs("The last is the current one"),
                   outcome(),
                   field::integer("version"),
                   dateTime("created_at"),
                   dateTime("updated_at")});
}

}  // namespace

void addCaseDocs(Catalogue& docs) {
    docs["listCases"] = {pageQuery({query::string("state", "Cases in this state."),
                                    query::string("lead_number", "The case filed from this lead.")}),
                         {ok(page(filedCase()))}};
    docs["getCase"] = {{}, {ok(filedCase())}};
    docs["fileCase"] = {{}, {created(filedCase(), "The case, filed, with its decision clock.")}};
    for (const char* op : {"pauseCaseClock", "resumeCaseClock", "extendCase", "addCaseMeasure", "extendCaseMeasure",
                           "pauseCaseMeasure", "resumeCaseMeasure", "endCaseMeasure", "proposeCaseTransfer", "decideCaseTransfer", "handOverCase",
                           "recordCaseOutcome"})
        docs[op] = {{}, {ok(filedCase(), "The case's next version.")}};
}

}  // namespace lims::api::schemas
