#include "lims/workflow/ingest/observation_json.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

protocols::Observation awkward_observation() {
    protocols::Observation o;
    o.instrument_id = "HL7-1";
    o.specimen_id = "S-2026-000123/1";
    o.test_code = "GLU";
    o.test_name = "葡萄糖 \"fasting\"";
    o.value = ">500";
    o.comparator = ">";
    o.number = "500";
    o.units = "mmol/L";
    o.reference_range = "3.9\\6.1";
    o.abnormal_flags = {"H", ""};
    o.status = "F";
    o.observed_at = "20261123101500+0800";
    o.comments = {"line one\nline two", "tab\there"};
    return o;
}

TEST(ObservationJson, TheDirectTextIsWhatThePocoObjectGives) {
    // Quarantine entries and observations stored before keep one shape with new ones.
    const auto o = awkward_observation();
    std::ostringstream poco;
    lims::workflow::ingest::observation_to_object(o)->stringify(poco);
    EXPECT_EQ(lims::workflow::ingest::observation_json(o), poco.str());
}

TEST(ObservationJson, TheTextReadsBackAsTheSameObservation) {
    const auto o = awkward_observation();
    auto back = lims::workflow::ingest::observation_from_json(lims::workflow::ingest::observation_json(o));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, o);
}

}  // namespace
