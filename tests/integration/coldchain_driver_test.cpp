// The cold chain end to end through the Modbus driver: the logger simulator plays each
// profile (steady, short spike, long heat, freeze, sensor fault, silent) on its own port,
// DriverHost polls it, the service's in-process sink commits the readings through
// ingest_readings into a migrated SQLite database, and the test asserts exactly the
// alarms, excursions and case leads that must follow, none extra. Also: a restart of the
// driver and the database in the middle of excursions, and a shipment whose logger saw a
// spike in transit judged at receipt.
//
// Determinism: simulated time is a clock the test steps (SimulatedClock), shared by the
// simulator (what the registers hold) and the driver (what the readings are stamped
// with). The test advances it only after every answering logger's reading for the current
// step is committed, so the stored series is one reading per logger per step whatever the
// machine's load; a reading stamped with a step but read after the next one began is a
// conflicting duplicate and is refused by ingest. Nothing depends on wall-clock timing.
#include "tests/unit/workflow/coldchain_fixture.hpp"

#include "drivers/driver_host.hpp"
#include "drivers_test_sink.hpp"
#include "fixtures/simulators/modbus_loggers.hpp"
#include "lims/app/service_host.hpp"
#include "lims/app/ingest_sink_adapter.hpp"
#include "lims/store/excursion_repository.hpp"
#include "lims/workflow/coldchain/excursion_leads.hpp"
#include "lims/workflow/coldchain/shipment_verdict.hpp"
#include "lims/workflow/modbus_map_json.hpp"
#include "test_service.hpp"

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

namespace lims::workflow::coldchain::testing {
namespace {

using simulators::Profile;
using Strings = std::vector<std::string>;

// Steps of simulated time (one reading per logger per step). Every profile's edges, the
// rules' durations and the restart points are whole multiples of both, so the figures
// below are exact. Five minutes is the GSP transport recording interval (the trip logger
// stays within its offline threshold); the restart case, storage only, steps ten.
constexpr std::int64_t kStep = 5 * kMin;
constexpr std::int64_t kRestartStep = 10 * kMin;
// Each profile's event begins after half an hour of steady readings.
constexpr std::int64_t kEventStart = 30 * kMin;
// A short spike long enough to pass the 5-minute alarm confirmation, far from 10 hours.
constexpr std::int64_t kSpike = 20 * kMin;
// The simulator's long heat lasts 11 hours; one steady hour follows it.
constexpr std::int64_t kWindow = kEventStart + 11 * kHour + kHour;
// A sanity bound for one step on a loaded machine (never reached when things work).
constexpr auto kStepLimit = std::chrono::seconds(60);

const std::string kMapFile = std::string(LIMS_SOURCE_DIR) + "/fixtures/messages/modbus/freezer_logger.json";

// Simulated seconds since the run began; the simulator and the driver both read it.
class SimulatedClock {
public:
    explicit SimulatedClock(std::int64_t epoch) : epoch_(epoch) {}
    void set(std::int64_t seconds) { seconds_ = seconds; }
    std::int64_t seconds() const { return seconds_.load(); }
    std::int64_t utc() const { return epoch_ + seconds_.load(); }
    std::int64_t epoch() const { return epoch_; }

private:
    std::int64_t epoch_;
    std::atomic<std::int64_t> seconds_{0};
};

// The service's sink, watched: after each committed batch it notes the latest reading
// time per logger so the test knows when a step has been fully taken in.
class WatchedSink : public drivers::IngestSink {
public:
    WatchedSink(std::shared_ptr<store::Database> db, const domain::WorkingCalendar* calendar)
        : inner_(std::move(db), "system:ingest", calendar) {}
    drivers::CommitOutcome commit_message(const drivers::InstrumentMessage& m) override { return inner_.commit_message(m); }
    drivers::CommitOutcome commit_readings(const std::vector<drivers::LoggerReading>& readings) override {
        auto outcome = inner_.commit_readings(readings);
        std::lock_guard lock(mutex_);
        if (auto* failure = std::get_if<drivers::CommitFailure>(&outcome)) {
            failures_.push_back(failure->code + ": " + failure->reason);
        } else {
            for (const auto& r : readings) {
                auto& latest = latest_[r.logger_code];
                latest = std::max(latest, r.at_utc_seconds);
            }
        }
        changed_.notify_all();
        return outcome;
    }
    // Until every logger has a committed reading at `at_utc` or later.
    bool wait_for(const Strings& loggers, std::int64_t at_utc) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kStepLimit, [&] {
            for (const auto& l : loggers) {
                auto it = latest_.find(l);
                if (it == latest_.end() || it->second < at_utc) return false;
            }
            return true;
        });
    }
    Strings failures() const {
        std::lock_guard lock(mutex_);
        return failures_;
    }
    // The failures so far, forgotten (a test that injected them has checked them).
    Strings take_failures() {
        std::lock_guard lock(mutex_);
        return std::exchange(failures_, {});
    }

private:
    lims::app::InProcessIngestSink inner_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::int64_t> latest_;
    Strings failures_;
};

drivers::MapLoader file_loader() {
    return [](const std::string& path) -> std::variant<protocols::modbus::RegisterMap, std::string> {
        std::ifstream in(path);
        if (!in) return "cannot read " + path;
        std::stringstream text;
        text << in.rdbuf();
        auto map = lims::workflow::load_modbus_map(text.str());
        if (auto* errors = std::get_if<std::vector<protocols::modbus::MapError>>(&map))
            return errors->empty() ? std::string("invalid map") : errors->front().message;
        return std::get<protocols::modbus::RegisterMap>(std::move(map));
    };
}

struct SimulatedLogger {
    std::string serial;
    Profile profile;
    std::int64_t id = 0;
};

class ColdChainDriverTest : public ColdChainTest {
protected:
    void SetUp() override {
        ColdChainTest::SetUp();
        if (HasFatalFailure()) return;
        // The fixture's TL-1 has nothing to do with this run: it leaves its fridge so the
        // offline tick below sees only the simulated loggers.
        must(end_logger_placement(*db, logger_id, clock.epoch(), clock.epoch(), options));
        add_contacts(office, std::nullopt, 3);  // the office's own site, for the trip's alarms
    }

    void TearDown() override {
        stop_driver();
        farm.reset();
        ColdChainTest::TearDown();
    }

    // Ingest checks reading times against the wall clock (at most 90 days old, not in the
    // future), so the simulated run is placed two days ago, on a whole hour.
    static std::int64_t recent_epoch() {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        return (now - 2 * 24 * kHour) / kHour * kHour;
    }

    std::int64_t create_logger(const std::string& serial) {
        return must(db->write([&](store::Transaction& tx) {
                   return store::ReadingRepository(tx).create_logger(serial, "sim", office, "test");
               })).id;
    }

    // A 2–8 °C refrigerator of the CDC with its own logger placed from the run's start.
    void place_in_new_fridge(SimulatedLogger& l) {
        l.id = create_logger(l.serial);
        store::StorageUnitRow fridge;
        fridge.code = "CDC-" + l.serial;
        fridge.org_id = office;
        fridge.entity_id = cdc;
        fridge.name = "vaccine refrigerator " + l.serial;
        fridge.kind = "refrigerator";
        fridge.storage_class = "refrigerated";
        fridge.min_centi_celsius = 200;
        fridge.max_centi_celsius = 800;
        const auto unit = must(register_storage_unit(*db, fridge, "test")).id;
        must(place_logger(*db, {l.id, unit, std::nullopt, clock.epoch()}, clock.epoch(), options));
    }

    // A shipment from the office to the laboratory with a refrigerated and an ambient
    // sample, a 2–8 °C transport box bound to it and the logger travelling with it.
    void place_on_new_shipment(SimulatedLogger& l) {
        l.id = create_logger(l.serial);
        shipment = add_shipment_with_box("S2026-000077", "N-77", "BOX-77", clock.epoch()).first;
        must(place_logger(*db, {l.id, std::nullopt, shipment, clock.epoch()}, clock.epoch(), options));
    }

    // One simulated logger per port (farm logger i is the i-th port's unit 1), so a
    // silent one never holds up the others' line.
    void start_farm() {
        simulators::LoggerFarmOptions fo;
        fo.ports = static_cast<int>(loggers.size());
        fo.units_per_port = 1;
        fo.event_start_s = static_cast<double>(kEventStart);
        fo.spike_s = static_cast<double>(kSpike);
        fo.profile = [this](std::size_t i) { return loggers.at(i).profile; };
        fo.clock = [this] { return static_cast<double>(clock.seconds()); };
        farm = std::make_unique<simulators::LoggerFarm>(fo);
    }

    void start_driver() {
        drivers::Registry registry;
        for (std::size_t i = 0; i < loggers.size(); ++i) {
            drivers::LoggerConfig c;
            c.id = loggers[i].serial;
            c.address = "127.0.0.1:" + std::to_string(farm->ports()[i]);
            c.unit_id = 1;
            c.map_file = kMapFile;
            c.point = "chamber_temperature";
            c.interval = std::chrono::milliseconds(10);
            c.timeout = std::chrono::milliseconds(100);
            c.retries = 0;
            c.retry_failed_after = std::chrono::milliseconds(50);
            registry.loggers.push_back(c);
        }
        sink = std::make_unique<WatchedSink>(db, options.calendar);
        drivers::HostOptions ho;
        ho.load_map = file_loader();
        ho.readings.flush_interval = std::chrono::milliseconds(5);
        ho.clock = [this] { return std::chrono::system_clock::time_point(std::chrono::seconds(clock.utc())); };
        host = std::make_unique<drivers::DriverHost>(ho);
        auto problems = host->start(registry, *sink);
        ASSERT_TRUE(problems.empty()) << problems.front();
    }

    void stop_driver() {
        if (host) host->stop();
        host.reset();
        if (sink) {
            EXPECT_EQ(sink->failures(), Strings{});
        }
        sink.reset();
    }

    // A restart: the driver stops, the database is opened again, the driver starts anew.
    // Simulated time stands still meanwhile, as if the restart were instant.
    void restart() {
        stop_driver();
        open();
        start_driver();
    }

    // Steps simulated time from `from` to `to`, each step fully polled and committed.
    void run(std::int64_t from, std::int64_t to) {
        for (std::int64_t t = from; t <= to; t += step) {
            clock.set(t);
            Strings answering;
            for (const auto& l : loggers)
                if (simulators::chamber_register(l.profile, static_cast<double>(t), kEventStart, 0, kSpike))
                    answering.push_back(l.serial);
            ASSERT_TRUE(sink->wait_for(answering, clock.utc())) << "step " << t << " not committed";
        }
    }

    std::int64_t at(std::int64_t simulated) const { return clock.epoch() + simulated; }

    // "kind:side" of the logger's alarms, in order.
    Strings alarms_of(const SimulatedLogger& l) {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<Strings> {
            std::vector<std::string> kind;
            std::vector<Poco::Nullable<std::string>> side;
            tx.session() << "SELECT kind, side FROM coldchain_alarms WHERE logger_id = $1 ORDER BY id",
                Poco::Data::Keywords::bind(l.id), Poco::Data::Keywords::into(kind), Poco::Data::Keywords::into(side),
                Poco::Data::Keywords::now;
            Strings out;
            for (std::size_t i = 0; i < kind.size(); ++i)
                out.push_back(kind[i] + (side[i].isNull() ? "" : ":" + side[i].value()));
            return out;
        }));
    }
    std::vector<store::ExcursionRow> excursions_of(const SimulatedLogger& l) {
        store::ExcursionFilter f;
        f.logger_id = l.id;
        return must(db->read([&](store::Transaction& tx) { return store::ExcursionRepository(tx).list(f); }));
    }
    std::int64_t readings_of(const SimulatedLogger& l) {
        return count("SELECT count(*) FROM readings WHERE logger_id = " + std::to_string(l.id));
    }
    std::string evidence_of_lead(std::int64_t lead) {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
            std::string evidence;
            tx.session() << "SELECT evidence_json FROM case_leads WHERE id = $1", Poco::Data::Keywords::bind(lead),
                Poco::Data::Keywords::into(evidence), Poco::Data::Keywords::now;
            return evidence;
        }));
    }

    // The heat excursion of the simulator's long heat: 9.5 °C from the event start for 11
    // hours, one reading per step; opened when 10 hours are held, closed on return.
    void expect_long_heat(const SimulatedLogger& l) {
        SCOPED_TRACE(l.serial);
        EXPECT_EQ(alarms_of(l), Strings({"out_of_range:above", "excursion"}));
        auto xs = excursions_of(l);
        ASSERT_EQ(xs.size(), 1u);
        const auto& x = xs.front();
        const std::int64_t last_hot = kEventStart + 11 * kHour - step;
        EXPECT_EQ(x.kind, "heat");
        EXPECT_EQ(x.rule, "who_30dtr.heat");
        EXPECT_EQ(x.state, "closed");
        EXPECT_EQ(x.start_utc, at(kEventStart));
        EXPECT_EQ(x.opened_at_utc, at(kEventStart + 10 * kHour));
        EXPECT_EQ(x.end_utc, at(last_hot));
        EXPECT_EQ(x.min_centi_celsius, 950);
        EXPECT_EQ(x.max_centi_celsius, 950);
        EXPECT_EQ(x.time_out_of_range_s, last_hot - kEventStart);
        ASSERT_TRUE(x.mkt_celsius);
        EXPECT_NEAR(*x.mkt_celsius, 9.5, 1e-6);
        EXPECT_EQ(x.readings, (last_hot - kEventStart) / step + 1);
        EXPECT_EQ(x.ended_by, "returned_to_range");
        ASSERT_TRUE(x.case_lead_id);
        const auto evidence = evidence_of_lead(*x.case_lead_id);
        // The readings window: the excursion with three storage intervals either side.
        const std::string window = "logger/" + std::to_string(l.id) + "/readings?from=" +
                                   std::to_string(at(kEventStart) - 90 * kMin) +
                                   "&to=" + std::to_string(at(kEventStart + 10 * kHour) + 90 * kMin);
        EXPECT_NE(evidence.find(window), std::string::npos) << evidence;
        EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE source = 'cold_chain_break' AND entity_id = " +
                        std::to_string(cdc) + " AND logger_id = " + std::to_string(l.id)),
                  1);
    }

    // The simulator's freeze: −2 °C from the event start for 2 hours.
    void expect_freeze(const SimulatedLogger& l) {
        SCOPED_TRACE(l.serial);
        EXPECT_EQ(alarms_of(l), Strings({"out_of_range:below", "excursion"}));
        auto xs = excursions_of(l);
        ASSERT_EQ(xs.size(), 1u);
        const auto& x = xs.front();
        const std::int64_t last_cold = kEventStart + 2 * kHour - step;
        EXPECT_EQ(x.kind, "freeze");
        EXPECT_EQ(x.rule, "who_30dtr.freeze");
        EXPECT_EQ(x.state, "closed");
        EXPECT_EQ(x.start_utc, at(kEventStart));
        EXPECT_EQ(x.opened_at_utc, at(kEventStart + kHour));
        EXPECT_EQ(x.end_utc, at(last_cold));
        EXPECT_EQ(x.min_centi_celsius, -200);
        EXPECT_EQ(x.max_centi_celsius, -200);
        EXPECT_EQ(x.time_out_of_range_s, last_cold - kEventStart);
        ASSERT_TRUE(x.mkt_celsius);
        EXPECT_NEAR(*x.mkt_celsius, -2.0, 1e-6);
        EXPECT_EQ(x.ended_by, "returned_to_range");
        ASSERT_TRUE(x.case_lead_id);
        EXPECT_NE(evidence_of_lead(*x.case_lead_id).find("logger/" + std::to_string(l.id) + "/readings?from="),
                  std::string::npos);
        EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE logger_id = " + std::to_string(l.id)), 1);
    }

    std::int64_t step = kStep;
    SimulatedClock clock{recent_epoch()};
    std::vector<SimulatedLogger> loggers;
    std::unique_ptr<simulators::LoggerFarm> farm;
    std::unique_ptr<WatchedSink> sink;
    std::unique_ptr<drivers::DriverHost> host;
    std::int64_t shipment = 0;
};

TEST_F(ColdChainDriverTest, EveryProfileThroughTheDriverGivesExactlyItsAlarmsExcursionsAndLeads) {
    loggers = {{"CC-STEADY", Profile::steady},      {"CC-SPIKE", Profile::short_spike},
               {"CC-HEAT", Profile::long_heat},     {"CC-FREEZE", Profile::freeze},
               {"CC-FAULT", Profile::sensor_fault}, {"CC-SILENT", Profile::going_silent},
               {"CC-TRIP", Profile::short_spike}};
    for (std::size_t i = 0; i + 1 < loggers.size(); ++i) place_in_new_fridge(loggers[i]);
    place_on_new_shipment(loggers.back());
    const auto& [steady, spike, heat, freeze, fault, silent, trip] =
        std::tie(loggers[0], loggers[1], loggers[2], loggers[3], loggers[4], loggers[5], loggers[6]);
    start_farm();
    start_driver();
    run(0, kWindow);
    ASSERT_FALSE(HasFatalFailure());
    stop_driver();

    // Every answering step stored exactly once, in simulated time.
    const std::int64_t steps = kWindow / step + 1;
    for (const auto* l : {&steady, &spike, &heat, &freeze, &fault, &trip}) EXPECT_EQ(readings_of(*l), steps) << l->serial;
    EXPECT_EQ(readings_of(silent), kEventStart / step);
    EXPECT_EQ(count("SELECT min(at_utc) FROM readings WHERE logger_id = " + std::to_string(steady.id)), at(0));
    EXPECT_EQ(count("SELECT max(at_utc) FROM readings WHERE logger_id = " + std::to_string(steady.id)), at(kWindow));

    // Steady: nothing at all.
    EXPECT_EQ(alarms_of(steady), Strings{});
    EXPECT_TRUE(excursions_of(steady).empty());

    // Short spike: 20 minutes at 12 °C pass the 5-minute confirmation (one alarm, raised
    // after the confirmation and cleared on return) and are far from any excursion rule.
    EXPECT_EQ(alarms_of(spike), Strings({"out_of_range:above"}));
    const std::int64_t confirmed = (5 * kMin + step - 1) / step * step;  // the first step 5 minutes in
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE logger_id = " + std::to_string(spike.id) +
                    " AND since_utc = " + std::to_string(at(kEventStart)) + " AND raised_at_utc = " +
                    std::to_string(at(kEventStart + confirmed)) +
                    " AND cleared_at_utc = " + std::to_string(at(kEventStart + kSpike))),
              1);
    EXPECT_TRUE(excursions_of(spike).empty());

    expect_long_heat(heat);
    expect_freeze(freeze);

    // Sensor fault: one fault alarm from the first fault value, still standing.
    EXPECT_EQ(alarms_of(fault), Strings({"sensor_fault"}));
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms WHERE logger_id = " + std::to_string(fault.id) +
                    " AND raised_at_utc = " + std::to_string(at(kEventStart)) + " AND cleared_at_utc IS NULL"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM readings WHERE flags = 1 AND logger_id = " + std::to_string(fault.id)),
              (kWindow - kEventStart) / step + 1);
    EXPECT_TRUE(excursions_of(fault).empty());

    // Silent: the service's offline tick raises offline after one interval, once (issue 19).
    const std::int64_t last_heard = at(kEventStart - step);
    const std::int64_t threshold = 30 * kMin;  // one GSP storage recording interval
    EXPECT_EQ(alarms_of(silent), Strings{});
    EXPECT_EQ(must(tick_loggers(*db, last_heard + threshold, options)), 0u);
    EXPECT_EQ(must(tick_loggers(*db, last_heard + threshold + 1, options)), 1u);
    EXPECT_EQ(must(tick_loggers(*db, at(kWindow), options)), 0u);
    EXPECT_EQ(alarms_of(silent), Strings({"offline"}));
    EXPECT_TRUE(excursions_of(silent).empty());

    // The trip: the same spike in transit raises the trip's alarm and, at receipt, is a
    // deviation within a chain that held; the refrigerated sample held, the ambient one
    // is not the cold chain's business; no case lead for a trip.
    EXPECT_EQ(alarms_of(trip), Strings({"out_of_range:above"}));
    EXPECT_TRUE(excursions_of(trip).empty());
    const std::int64_t receipt = at(kWindow);
    must(end_logger_placement(*db, trip.id, receipt, receipt, options));
    auto verdict = must(trip_verdict(*db, shipment, receipt));
    EXPECT_EQ(verdict.logger_id, trip.id);
    EXPECT_EQ(verdict.verdict.outcome, lims::coldchain::ShipmentOutcome::deviation);
    EXPECT_EQ(verdict.verdict_word, "held");
    ASSERT_EQ(verdict.verdict.out_of_range.size(), 1u);
    EXPECT_EQ(verdict.verdict.out_of_range[0].extreme, 1200);
    EXPECT_TRUE(verdict.verdict.excursions.empty());
    EXPECT_EQ(verdict.verdict.maximum, 1200);
    EXPECT_FALSE(verdict.chart.empty());
    ASSERT_EQ(verdict.samples.size(), 2u);
    EXPECT_EQ(verdict.samples[0].verdict, "held");
    EXPECT_EQ(verdict.samples[1].verdict, "not_applicable");

    // None extra anywhere: two excursions, two leads, eight alarms in all (1 + 2 + 2 + 1 + 1 + 1).
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM coldchain_alarms"), 8);
}

// Two restarts of the driver and the database: one while the freeze excursion is open and
// the heat run is five hours in, one while the heat excursion is open. Exactly one of each
// excursion and one lead each: nothing missed, nothing doubled.
TEST_F(ColdChainDriverTest, RestartMidExcursionNeitherMissesNorDoubles) {
    step = kRestartStep;
    loggers = {{"CC-HEAT", Profile::long_heat}, {"CC-FREEZE", Profile::freeze}};
    for (auto& l : loggers) place_in_new_fridge(l);
    start_farm();
    start_driver();
    const std::int64_t freeze_open = kEventStart + kHour + 10 * kMin;  // freeze open, heat run 70 min in
    const std::int64_t heat_open = kEventStart + 10 * kHour + 30 * kMin;
    run(0, freeze_open);
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_EQ(count("SELECT count(*) FROM excursions WHERE state = 'open'"), 1);
    restart();
    run(freeze_open, heat_open);  // the restart's step again: taken as duplicates
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_EQ(count("SELECT count(*) FROM excursions WHERE state = 'open'"), 1);
    restart();
    run(heat_open, kWindow);
    ASSERT_FALSE(HasFatalFailure());
    stop_driver();

    for (const auto& l : loggers) EXPECT_EQ(readings_of(l), kWindow / step + 1) << l.serial;
    expect_long_heat(loggers[0]);
    expect_freeze(loggers[1]);
    EXPECT_EQ(count("SELECT count(*) FROM excursions"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 2);
}

// Issue 19 items 1 and 2, through the Modbus driver: a vaccine refrigerator of a CDC in
// Jiangsu, whose bureau has no enforcement unit, so the case lead of an excursion there
// cannot be opened. The readings and the excursion are evidence and must be stored all the
// same; the lead becomes a visible problem (a case_lead_failed alarm, a /healthz warning,
// a /metrics gauge) until an enforcement unit exists and the minute job opens it.
// Refused readings other than the fixture's own late re-polls (a poll stamped with a step
// but answered after the next began is a conflicting duplicate, see the top of this file).
constexpr const char* kRefusedOtherThanLateRepolls =
    "SELECT count(*) FROM reading_rejections WHERE reason <> 'reading.conflicting_duplicate'";

class ColdChainLeadFailureDriverTest : public ColdChainDriverTest {
protected:
    void SetUp() override {
        ColdChainDriverTest::SetUp();
        if (HasFatalFailure()) return;
        const auto site = add_site_without_enforcement_unit();
        js_bureau = site.bureau;
        js_office = site.office;
        nj_cdc = site.cdc;
        nj_fridge = site.fridge;
        loggers = {{"NJ-HEAT", Profile::long_heat}};
        auto& l = loggers.front();
        l.id = must(db->write([&](store::Transaction& tx) {
                   return store::ReadingRepository(tx).create_logger(l.serial, "sim", js_office, "test");
               })).id;
        must(place_logger(*db, {l.id, nj_fridge, std::nullopt, clock.epoch()}, clock.epoch(), options));
    }

    // The heat excursion of the simulator's long heat, every figure, stored without a lead.
    void expect_heat_excursion_without_lead(const SimulatedLogger& l) {
        auto xs = excursions_of(l);
        ASSERT_EQ(xs.size(), 1u);
        const auto& x = xs.front();
        const std::int64_t last_hot = kEventStart + 11 * kHour - step;
        EXPECT_EQ(x.kind, "heat");
        EXPECT_EQ(x.state, "closed");
        EXPECT_EQ(x.start_utc, at(kEventStart));
        EXPECT_EQ(x.opened_at_utc, at(kEventStart + 10 * kHour));
        EXPECT_EQ(x.end_utc, at(last_hot));
        EXPECT_EQ(x.max_centi_celsius, 950);
        EXPECT_EQ(x.time_out_of_range_s, last_hot - kEventStart);
        EXPECT_EQ(x.readings, (last_hot - kEventStart) / step + 1);
        ASSERT_TRUE(x.mkt_celsius);
        EXPECT_NEAR(*x.mkt_celsius, 9.5, 1e-6);
        EXPECT_FALSE(x.case_lead_id);
    }

    std::string failed_alarm_detail(const SimulatedLogger& l) {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
            std::vector<std::string> detail;
            tx.session() << "SELECT detail FROM coldchain_alarms WHERE kind = 'case_lead_failed' AND logger_id = $1 "
                            "AND storage_unit_id = $2 AND cleared_at_utc IS NULL",
                Poco::Data::Keywords::bind(l.id), Poco::Data::Keywords::bind(nj_fridge), Poco::Data::Keywords::into(detail),
                Poco::Data::Keywords::now;
            return detail.empty() ? std::string() : detail.front();
        }));
    }

    // "serial@at reason: detail" of every refused reading, for failure messages.
    std::string rejections() {
        return must(db->read([&](store::Transaction& tx) -> store::StoreResult<std::string> {
            std::vector<std::string> serial, reason, detail;
            std::vector<Poco::Int64> at;
            tx.session() << "SELECT logger_serial, at_utc, reason, detail FROM reading_rejections ORDER BY id",
                Poco::Data::Keywords::into(serial), Poco::Data::Keywords::into(at), Poco::Data::Keywords::into(reason),
                Poco::Data::Keywords::into(detail), Poco::Data::Keywords::now;
            std::string out;
            for (std::size_t i = 0; i < serial.size(); ++i)
                out += serial[i] + "@" + std::to_string(at[i]) + " " + reason[i] + ": " + detail[i] + "\n";
            return out;
        }));
    }

    static std::int64_t wall_now() {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    std::int64_t js_bureau = 0, js_office = 0, nj_cdc = 0, nj_fridge = 0;
};

// The service's /healthz warning for excursions without their lead; empty when none.
std::string lead_warning(const lims::test::HttpClient& client, std::int64_t* count = nullptr) {
    auto reply = client.get("/healthz");
    if (reply.status != 200 || !reply.json() || !reply.json()->has("warnings")) return "no warnings: " + reply.describe();
    auto warnings = reply.json()->getArray("warnings");
    for (std::size_t i = 0; i < warnings->size(); ++i) {
        auto w = warnings->getObject(static_cast<unsigned>(i));
        if (w->getValue<std::string>("code") != "coldchain.excursions_without_case_lead") continue;
        if (count) *count = w->getValue<Poco::Int64>("count");
        return w->getValue<std::string>("message");
    }
    return "";
}

TEST_F(ColdChainLeadFailureDriverTest, BreachAtASiteWithoutEnforcementUnitIsStoredAndShownUntilTheLeadCanBeOpened) {
    const auto& heat = loggers.front();
    start_farm();
    start_driver();
    run(0, kWindow);
    ASSERT_FALSE(HasFatalFailure());
    stop_driver();  // no batch failed: none was kept back over the lead

    // The evidence: every step's reading once, the excursion with its figures.
    EXPECT_EQ(readings_of(heat), kWindow / step + 1);
    EXPECT_EQ(count(kRefusedOtherThanLateRepolls), 0) << rejections();
    expect_heat_excursion_without_lead(heat);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads"), 0);

    // The problem, visible: an alarm on the unit with the reason, notified to its contacts.
    EXPECT_EQ(alarms_of(heat), Strings({"out_of_range:above", "excursion", "case_lead_failed"}));
    const auto detail = failed_alarm_detail(heat);
    EXPECT_NE(detail.find("case lead could not be opened: no enforcement unit at or above the jurisdiction of "
                          "regulated entity " + std::to_string(nj_cdc)),
              std::string::npos)
        << detail;
    EXPECT_EQ(count("SELECT count(*) FROM alarm_notifications n JOIN coldchain_alarms a ON a.id = n.alarm_id WHERE "
                    "a.kind = 'case_lead_failed' AND n.channel = 'in_app'"),
              3);

    // ... on the running service's /healthz and /metrics.
    lims::app::ServiceSettings settings;
    settings.server.host = "127.0.0.1";
    settings.server.port = 0;
    settings.server.maxThreads = 2;
    lims::app::ServiceHost service(db, load_calendar(), settings);
    service.start();
    lims::test::HttpClient client(service.port());
    std::int64_t waiting = 0;
    const auto warning = lead_warning(client, &waiting);
    EXPECT_NE(warning.find("excursion(s) at regulated entities have no case lead"), std::string::npos) << warning;
    EXPECT_EQ(waiting, 1);
    EXPECT_NE(service.api().metrics().render().find("lims_coldchain_excursions_without_case_lead 1"), std::string::npos);

    // The minute job while the cause stands: nothing changes, no second alarm.
    auto tried = must(retry_excursion_case_leads(*db, wall_now(), options));
    EXPECT_EQ(tried.failed, 1u);
    EXPECT_EQ(alarms_of(heat), Strings({"out_of_range:above", "excursion", "case_lead_failed"}));

    // The cause fixed, as `lims org add --kind enforcement_unit` does it: the next run opens
    // the lead for that unit with the excursion's evidence and clears the problem.
    const auto unit = must(db->write([&](store::Transaction& tx) {
                              return store::OrganisationRepository(tx).create(
                                  {"JS-ENF", "Jiangsu enforcement", domain::OrganisationKind::enforcement_unit, js_bureau,
                                   "320000"},
                                  "test");
                          })).id;
    auto done = must(retry_excursion_case_leads(*db, wall_now(), options));
    EXPECT_EQ(done.opened, 1u);
    const auto x = excursions_of(heat).front();
    ASSERT_TRUE(x.case_lead_id);
    EXPECT_EQ(count("SELECT count(*) FROM case_leads WHERE source = 'cold_chain_break' AND assigned_org_id = " +
                    std::to_string(unit) + " AND entity_id = " + std::to_string(nj_cdc)),
              1);
    EXPECT_NE(evidence_of_lead(*x.case_lead_id).find("logger/" + std::to_string(heat.id) + "/readings?from="),
              std::string::npos);
    EXPECT_EQ(failed_alarm_detail(heat), "");
    EXPECT_EQ(lead_warning(client), "");
    EXPECT_NE(service.api().metrics().render().find("lims_coldchain_excursions_without_case_lead 0"), std::string::npos);
    service.stop();
}

// Item 2: the database is busy (another writer holds SQLite's write lock) for three steps
// in the middle of the breach; the driver's batches fail as retryable and are kept; after
// the lock is released every reading of the breach is stored exactly once, none refused.
TEST_F(ColdChainLeadFailureDriverTest, BusyDatabaseDuringTheBreachThenRecoveryStoresEveryReadingOnce) {
    const auto& heat = loggers.front();
    // The same database with a short busy timeout, so that a held lock fails a commit quickly.
    store::DatabaseOptions quick;
    quick.busy_timeout = std::chrono::milliseconds(150);
    db = must(store::Database::open("sqlite:" + db->display_name(), quick));
    auto other = must(store::Database::open("sqlite:" + db->display_name()));
    start_farm();
    start_driver();
    const std::int64_t busy_from = kEventStart + 2 * kHour;  // the fridge at 9.5 °C for two hours
    run(0, busy_from - step);
    ASSERT_FALSE(HasFatalFailure());

    std::promise<void> locked, release;
    std::atomic<bool> signalled{false};
    auto released = release.get_future().share();
    std::thread holder([&] {
        auto held = other->write([&](store::Transaction& tx) -> store::StoreResult<store::Done> {
            // BEGIN IMMEDIATE took SQLite's write lock; a write makes sure of it.
            tx.session() << "UPDATE loggers SET model = model WHERE id = 0", Poco::Data::Keywords::now;
            if (!signalled.exchange(true)) locked.set_value();
            released.wait();
            return store::StoreError{"test.released", "rolled back on purpose"};  // nothing of it stays
        });
        (void)held;
    });
    locked.get_future().wait();
    // Each step polled while every commit fails; the clock moves on only after two failed
    // commits that began after it was set, so every reading of the step went through a
    // failed batch.
    for (std::int64_t t = busy_from; t < busy_from + 3 * step; t += step) {
        clock.set(t);
        const auto before = sink->failures().size();
        ASSERT_TRUE(drivers_test::wait_for([&] { return sink->failures().size() >= before + 2; })) << "step " << t;
    }
    release.set_value();
    holder.join();
    run(busy_from + 2 * step, kWindow);
    ASSERT_FALSE(HasFatalFailure());
    const auto failures = sink->take_failures();
    ASSERT_FALSE(failures.empty());
    for (const auto& f : failures) EXPECT_EQ(f.rfind("ingest.unavailable", 0), 0u) << f;
    stop_driver();

    EXPECT_EQ(readings_of(heat), kWindow / step + 1);
    for (std::int64_t t = busy_from; t < busy_from + 3 * step; t += step)
        EXPECT_EQ(count("SELECT count(*) FROM readings WHERE centi_celsius = 950 AND logger_id = " +
                        std::to_string(heat.id) + " AND at_utc = " + std::to_string(at(t))),
                  1)
            << "step " << t;
    EXPECT_EQ(count(kRefusedOtherThanLateRepolls), 0) << rejections();
    EXPECT_EQ(count("SELECT count(*) FROM reading_rejections WHERE reason = 'reading.missing_logger'"), 0);
    expect_heat_excursion_without_lead(heat);
    EXPECT_EQ(alarms_of(heat), Strings({"out_of_range:above", "excursion", "case_lead_failed"}));
}

}  // namespace
}  // namespace lims::workflow::coldchain::testing
