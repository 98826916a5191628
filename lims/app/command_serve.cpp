// `lims serve`: the HTTP(S) API over the configured database, until SIGINT/SIGTERM.
// Configuration (file, LIMS_* environment, -D or the options below):
//   lims.http.host (127.0.0.1), lims.http.port (8080), lims.http.threads (16),
//   lims.http.body.limit (1 MiB), lims.http.request.deadline.seconds (30),
//   lims.http.engine (asio, the default: I/O threads read connections, lims.http.io.threads (2),
//   and lims.http.threads workers handle complete requests, GET/HEAD on the I/O thread unless
//   lims.http.io.inline=false; poco: a thread per connection),
//   lims.tls.certificate + lims.tls.key (both: HTTPS),
//   lims.calendar.dir (fixtures/calendars), lims.statutory.rules (--statutory-rules; none: the
//   catalogue compiled in from fixtures/statutory-rules.txt), lims.auth.token.hours (8), lims.auth.throttle.by-address (true),
//   lims.jobs.enabled (true): the periodic jobs (service_jobs.hpp); on PostgreSQL each runs on
//   the one node holding its advisory lock (store/job_locks.hpp), the other nodes skip it
//   and ask again after lims.jobs.claim.retry.seconds (60; at most the job's period),
//   lims.smtp.host, lims.smtp.port (25), lims.smtp.sender: alarm e-mail (none: e-mails wait),
//   lims.webhook.url: the SMS gateway's webhook for alarms (none: webhook messages wait),
//   lims.drivers.enabled (false): run the instruments' and loggers' drivers in-process
//   (serve_drivers.hpp; with several nodes on PostgreSQL only on the one holding their
//   lease, driver_lease.hpp), lims.drivers.registry: a registry file adding devices (gateway JSON),
//   lims.web.root (--web-root, lims/web/dist): the built web interface served at / (none: API only).
#include "lims/app/service_host.hpp"
#include "lims/app/command.hpp"
#include "lims/app/driver_lease.hpp"
#include "lims/app/serve_drivers.hpp"
#include "lims/app/service_jobs.hpp"
#include "lims/app/statutory_rules_setting.hpp"
#include "lims/workflow/coldchain/alarms.hpp"
#include "lims/workflow/coldchain/excursion_leads.hpp"
#include "lims/workflow/coldchain/ingest.hpp"
#include "lims/workflow/coldchain/placements.hpp"
#include "lims/workflow/coldchain/retention.hpp"
#include "lims/workflow/figures/overdue.hpp"
#include "lims/workflow/notifications/notice_push.hpp"
#include "lims/workflow/review/report.hpp"
#include "lims/store/audit_seal.hpp"
#include "lims/store/job_locks.hpp"
#include "lims/store/migrations.hpp"
#include "lims/domain/calendar/calendar_outlook.hpp"
#include "lims/domain/calendar/deadline.hpp"
#include "lims/workflow/admin/calendar_files.hpp"
#include "lims/workflow/admin/deadline_recount.hpp"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace lims::app {

namespace {

constexpr const char* kDefaultCalendarDir = "fixtures/calendars";
// Vite's output folder in the source tree, relative to the working directory like the
// calendars; an installation sets lims.web.root to where it put the files.
constexpr const char* kDefaultWebRoot = "lims/web/dist";
constexpr int kMaxPort = 65535;

// A setting from the command line (--name) over the layered configuration (key).
std::string setting(const CommandContext& c, const std::string& option, const std::string& key,
                    const std::string& fallback) {
    if (auto v = c.option(option)) return *v;
    return c.config.getString(key, fallback);
}

std::optional<long long> number(const std::string& text, long long min, long long max) {
    Poco::Int64 v = 0;
    if (!Poco::NumberParser::tryParse64(text, v) || v < min || v > max) return std::nullopt;
    return v;
}

// How often each job runs. Offline detection needs a look at least every minute (the
// shortest recording interval in transit is 2 minutes, DOMAIN.md); the overdue scan and
// retention move in working days and days.
constexpr auto kColdChainPeriod = std::chrono::minutes(1);
constexpr auto kOverduePeriod = std::chrono::minutes(15);
constexpr auto kRetentionPeriod = std::chrono::hours(24);
constexpr auto kIdempotencyPurgePeriod = std::chrono::hours(1);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The periodic jobs over the service's database and calendar, with the alarm channels
// the configuration names. `channels` must outlive the jobs.
struct AlarmChannels {
    std::unique_ptr<workflow::coldchain::SmtpChannel> email;
    std::unique_ptr<workflow::coldchain::WebhookChannel> webhook;
    workflow::coldchain::NotificationChannels view() const { return {email.get(), webhook.get()}; }
};

std::vector<app::PeriodicJob> service_jobs(app::ServiceHost& host, const AlarmChannels& channels) {
    namespace cc = workflow::coldchain;
    store::Database& db = host.database();
    const domain::WorkingCalendar& calendar = host.calendar();
    auto counted = [](const char* what, std::size_t n) { return n ? std::to_string(n) + " " + what : std::string(); };
    return {
        {"coldchain.offline", kColdChainPeriod,
         [&db, counted]() -> domain::Result<std::string> {
             auto n = cc::tick_loggers(db, unix_now());
             if (!n) return n.error();
             return counted("logger(s) newly offline", *n);
         }},
        {"coldchain.alarms", kColdChainPeriod,
         [&db, &channels, counted]() -> domain::Result<std::string> {
             auto escalated = cc::escalate_alarms(db, unix_now());
             if (!escalated) return escalated.error();
             // Nonconformity notices ride the same queue: pushed to their bureau's contacts,
             // escalated to its head when a 24-hour one is not acknowledged in time.
             auto pushed = workflow::notifications::push_notices(db, unix_now());
             if (!pushed) return pushed.error();
             auto notices_escalated = workflow::notifications::escalate_notices(db, unix_now());
             if (!notices_escalated) return notices_escalated.error();
             auto delivered = cc::deliver_notifications(db, channels.view(), unix_now());
             if (!delivered) return delivered.error();
             std::string summary = counted("alarm(s) escalated", *escalated);
             for (const auto& [what, n] : {std::pair{"notice(s) pushed", pushed->notices},
                                           std::pair{"notice(s) escalated to the bureau's head", notices_escalated->notices},
                                           std::pair{"notice(s) with no contact to push to",
                                                     pushed->without_contacts + notices_escalated->without_contacts}})
                 if (n) summary += (summary.empty() ? "" : "; ") + counted(what, n);
             if (delivered->sent || delivered->retried || delivered->given_up)
                 summary += (summary.empty() ? "" : "; ") + std::to_string(delivered->sent) + " sent, " +
                            std::to_string(delivered->retried) + " to retry, " + std::to_string(delivered->given_up) +
                            " given up";
             return summary;
         }},
        // Excursions whose case lead could not be opened (no enforcement unit, ...) get it
        // once the cause is fixed; until then their case_lead_failed alarm stands.
        {"coldchain.case_leads", kColdChainPeriod,
         [&db, &calendar, counted]() -> domain::Result<std::string> {
             cc::ColdChainOptions options;
             options.calendar = &calendar;
             auto report = cc::retry_excursion_case_leads(db, unix_now(), options);
             if (!report) return report.error();
             std::string summary = counted("case lead(s) opened for excursions that had none", report->opened);
             if (report->failed)
                 summary += (summary.empty() ? "" : "; ") + std::to_string(report->failed) +
                            " excursion(s) still without a case lead (see their case_lead_failed alarms)";
             return summary;
         }},
        // Nonconforming reports issued without their case lead (no enforcement unit, ...).
        {"review.case_leads", kColdChainPeriod,
         [&db, &calendar, counted]() -> domain::Result<std::string> {
             auto run = workflow::review::retry_report_case_leads(db, calendar);
             if (!run) return run.error();
             std::string summary = counted("case lead(s) opened for nonconforming reports that had none", run->opened);
             if (run->failed)
                 summary += (summary.empty() ? "" : "; ") + std::to_string(run->failed) +
                            " nonconforming report(s) still without a case lead (see report.case_lead_failed in the audit trail)";
             return summary;
         }},
        {"overdue.scan", kOverduePeriod,
         [&db, &calendar]() -> domain::Result<std::string> {
             auto counts = workflow::figures::run_scheduled_overdue_scan(
                 db, calendar, std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
             if (!counts) return counts.error();
             return std::to_string(counts->tests) + " test(s), " + std::to_string(counts->notices) + " notice(s), " +
                    std::to_string(counts->case_leads) + " case lead(s) overdue";
         }},
        {"idempotency.purge", kIdempotencyPurgePeriod,
         [&host, counted]() -> domain::Result<std::string> {
             auto purged = host.idempotency().purgeExpired();
             if (!purged) return purged.error();
             return counted("expired Idempotency-Key(s) purged", static_cast<std::size_t>(*purged));
         }},
        {"coldchain.retention", kRetentionPeriod,
         [&db, counted]() -> domain::Result<std::string> {
             auto report = cc::thin_old_readings(db, unix_now(), cc::RetentionPolicy{}, "system:retention");
             if (!report) return report.error();
             return counted("reading(s) thinned into 5-minute aggregates", report->readings_thinned);
         }},
    };
}

}  // namespace

int run_serve(CommandContext& context) {
    hold_termination_signals();
    if (!context.positional().empty()) {
        context.err << "lims: serve takes no positional arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
    }
    app::ServiceSettings settings;
    settings.server.host = setting(context, "host", "lims.http.host", settings.server.host);
    const std::string portText = setting(context, "port", "lims.http.port", std::to_string(settings.server.port));
    const auto port = number(portText, 0, kMaxPort);
    if (!port) {
        context.err << "lims: the port must be a number from 0 to " << kMaxPort << ", got \"" << portText << "\"\n";
        return exit_usage;
    }
    settings.server.port = static_cast<std::uint16_t>(*port);
    const std::string threadsText = context.config.getString("lims.http.threads", std::to_string(settings.server.maxThreads));
    const auto threads = number(threadsText, 1, 1024);
    if (!threads) {
        context.err << "lims: lims.http.threads must be 1 to 1024, got \"" << threadsText << "\"\n";
        return exit_usage;
    }
    settings.server.maxThreads = static_cast<int>(*threads);
    const std::string bodyText =
        context.config.getString("lims.http.body.limit", std::to_string(settings.server.maxBodyBytes));
    const auto body = number(bodyText, 1024, 1LL << 30);
    if (!body) {
        context.err << "lims: lims.http.body.limit must be 1024 to 1073741824, got \"" << bodyText << "\"\n";
        return exit_usage;
    }
    settings.server.maxBodyBytes = static_cast<std::size_t>(*body);
    // Evidence files come as base64 in JSON: 4 bytes for every 3, and room for the other fields.
    const std::string attachmentText =
        context.config.getString("lims.attachments.max_bytes", std::to_string(settings.attachmentMaxBytes));
    const auto attachment = number(attachmentText, 1024, 1LL << 29);
    if (!attachment) {
        context.err << "lims: lims.attachments.max_bytes must be 1024 to 536870912, got \"" << attachmentText << "\"\n";
        return exit_usage;
    }
    if ((*attachment + 2) / 3 * 4 + 4096 > *body) {
        context.err << "lims: lims.attachments.max_bytes=" << *attachment
                    << " does not fit in lims.http.body.limit=" << *body << " as base64 (needs "
                    << (*attachment + 2) / 3 * 4 + 4096 << "): raise the body limit or lower the attachment limit\n";
        return exit_usage;
    }
    settings.attachmentMaxBytes = static_cast<std::size_t>(*attachment);
    const std::string deadlineText = context.config.getString("lims.http.request.deadline.seconds", "30");
    const auto deadline = number(deadlineText, 1, 3600);
    if (!deadline) {
        context.err << "lims: lims.http.request.deadline.seconds must be 1 to 3600, got \"" << deadlineText << "\"\n";
        return exit_usage;
    }
    settings.server.requestDeadline = std::chrono::seconds(*deadline);
    const std::string engineText = context.config.getString("lims.http.engine", "asio");
    if (engineText != "asio" && engineText != "poco") {
        context.err << "lims: lims.http.engine must be asio or poco, got \"" << engineText << "\"\n";
        return exit_usage;
    }
    settings.server.engine = engineText == "asio" ? api::HttpEngine::asio : api::HttpEngine::poco;
    const std::string ioThreadsText = context.config.getString("lims.http.io.threads", std::to_string(settings.server.ioThreads));
    const auto ioThreads = number(ioThreadsText, 1, 64);
    if (!ioThreads) {
        context.err << "lims: lims.http.io.threads must be 1 to 64, got \"" << ioThreadsText << "\"\n";
        return exit_usage;
    }
    settings.server.ioThreads = static_cast<int>(*ioThreads);
    const std::string inlineText = context.config.getString("lims.http.io.inline", "true");
    if (inlineText != "true" && inlineText != "false") {
        context.err << "lims: lims.http.io.inline must be true or false, got \"" << inlineText << "\"\n";
        return exit_usage;
    }
    settings.server.inlineReads = inlineText == "true";
    settings.server.tlsCertificateFile = setting(context, "tls-certificate", "lims.tls.certificate", "");
    settings.server.tlsPrivateKeyFile = setting(context, "tls-key", "lims.tls.key", "");
    if (settings.server.tlsCertificateFile.empty() != settings.server.tlsPrivateKeyFile.empty()) {
        context.err << "lims: HTTPS needs both lims.tls.certificate and lims.tls.key\n";
        return exit_usage;
    }
    const std::string hoursText = context.config.getString("lims.auth.token.hours", "8");
    const auto hours = number(hoursText, 1, 24 * 30);
    if (!hours) {
        context.err << "lims: lims.auth.token.hours must be 1 to 720, got \"" << hoursText << "\"\n";
        return exit_usage;
    }
    settings.auth.userTokenLifetime = std::chrono::hours(*hours);
    // How soon a node that skipped a job another node holds asks for it again.
    const std::string claimRetryText = context.config.getString("lims.jobs.claim.retry.seconds", "60");
    const auto claimRetry = number(claimRetryText, 1, 3600);
    if (!claimRetry) {
        context.err << "lims: lims.jobs.claim.retry.seconds must be 1 to 3600, got \"" << claimRetryText << "\"\n";
        return exit_usage;
    }
    try {
        settings.auth.throttleByAddress = context.config.getBool("lims.auth.throttle.by-address", true);
    } catch (const Poco::Exception&) {
        context.err << "lims: lims.auth.throttle.by-address must be true or false, got \""
                    << context.config.getString("lims.auth.throttle.by-address", "") << "\"\n";
        return exit_usage;
    }

    // What instruments and loggers configured through the API may reach: the API refuses
    // anything else (422), and the drivers check it again when they connect or open a file.
    auto policy = drivers::make_device_policy(context.config.getString(std::string(drivers::kAllowKey), ""),
                                              context.config.getString(std::string(drivers::kFileDropRootKey), ""),
                                              context.config.getString(std::string(drivers::kMapRootKey), ""));
    if (auto* why = std::get_if<std::string>(&policy)) {
        context.err << "lims: " << *why << "\n";
        return exit_usage;
    }
    const auto devicePolicy = std::make_shared<const drivers::DevicePolicy>(std::get<drivers::DevicePolicy>(policy));
    if (const auto url = context.config.getString("lims.database", "");
        devicePolicy->file_drop_root && url.rfind("sqlite:", 0) == 0) {
        // A drop folder's watcher moves every file that is not an export to failed/: the
        // database's folder must not be one, nor lie below where they are made.
        std::error_code ec;
        const auto folder = std::filesystem::weakly_canonical(std::filesystem::path(url.substr(7)), ec).parent_path();
        const auto rel = folder.lexically_relative(*devicePolicy->file_drop_root);
        if (!ec && !rel.empty() && *rel.begin() != "..") {
            context.err << "lims: " << drivers::kFileDropRootKey << " (" << devicePolicy->file_drop_root->string()
                        << ") holds the database's folder " << folder.string()
                        << ": give the drop folders a folder of their own\n";
            return exit_usage;
        }
    }
    settings.devicePolicy = devicePolicy;

    // The web interface: a folder named on purpose must be there; the default one may be
    // unbuilt (an API-only deployment, or `npm run build` not run yet), which is said once.
    const bool webRootNamed = context.option("web-root").has_value() || context.config.has("lims.web.root");
    const std::string webRoot = setting(context, "web-root", "lims.web.root", kDefaultWebRoot);
    if (webRoot != "none") {
        auto site = api::StaticFiles::open(webRoot);
        if (site) {
            settings.site = std::move(*site);
        } else if (webRootNamed) {
            context.err << "lims: lims.web.root: " << site.error().message << " (\"none\" serves the API only)\n";
            return exit_usage;
        } else {
            context.logger.warning("web: " + site.error().message + "; serving the API only");
            context.err << "lims: warning: " << site.error().message << "; serving the API only\n";
        }
    }

    if (!install_statutory_rules(context)) return exit_usage;
    const std::string calendarDir = setting(context, "calendar-dir", "lims.calendar.dir", kDefaultCalendarDir);
    auto calendarFiles = workflow::load_calendar_files(calendarDir);
    if (!calendarFiles) {
        context.err << "lims: working calendar: " << calendarFiles.error().message
                    << " (set lims.calendar.dir to the folder of <region>-<year>.txt files)\n";
        return exit_usage;
    }
    // A provisional or missing year ahead does not stop the service: it is said here, on
    // /healthz and on /metrics until the official file is loaded.
    for (const auto& note : calendarFiles->notes) context.logger.information("calendar: " + note);
    for (const auto& warning : domain::calendar_warnings(
             calendarFiles->calendar,
             domain::local_date(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())))) {
        context.logger.warning("calendar: " + warning.message);
        context.err << "lims: warning: " << warning.message << "\n";
    }
    domain::Result<domain::WorkingCalendar> calendar = std::move(calendarFiles->calendar);

    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    if (auto current = store::require_current_schema(*db); !current) {
        context.err << "lims: " << current.error().message << "\n";
        return exit_database;
    }
    // Deadlines counted on a provisional year that is now loaded officially are recounted
    // before anyone reads them (as `lims calendar recompute`; nothing to do is no write).
    if (auto recount = db->write([&](store::Transaction& tx) {
            return workflow::recount_provisional_deadlines(tx, *calendar, "system:calendar-recompute");
        });
        !recount) {
        context.logger.warning("calendar: provisional deadlines not recounted: " + recount.error().message);
    } else {
        for (const auto& change : recount->case_leads.changes) context.logger.information("calendar: case lead " + change);
        for (const auto& change : recount->notices.changes) context.logger.information("calendar: notice " + change);
    }

    // The drivers exist before the routes so that the instrument routes can show their
    // links; they start once the API is up. They keep their own copy of the calendar.
    const domain::WorkingCalendar driversCalendar = *calendar;
    // Several nodes on PostgreSQL: each job, and the in-process drivers, run on the one
    // node holding its lock (the drivers' lease: driver_lease.hpp).
    auto jobLocks = std::make_shared<store::JobLocks>(db);
    // PostgreSQL: audit entries are sealed into the hash chain by the one node holding the
    // "audit.seal" job, just after their commit (store/audit_seal.hpp); SQLite seals inline.
    std::unique_ptr<store::AuditSealer> sealer;
    if (db->dialect() == store::Dialect::postgresql) {
        sealer = std::make_unique<store::AuditSealer>(db, jobLocks);
        sealer->start();
    }
    std::shared_ptr<DriverLease> drivers;
    bool driversEnabled = false;
    try {
        driversEnabled = context.config.getBool("lims.drivers.enabled", false);
    } catch (const Poco::Exception&) {
        context.err << "lims: lims.drivers.enabled must be true or false, got \""
                    << context.config.getString("lims.drivers.enabled", "") << "\"\n";
        return exit_usage;
    }
    if (driversEnabled) {
        ServeDriversOptions driverOptions;
        driverOptions.registry_file = context.config.getString("lims.drivers.registry", "");
        driverOptions.calendar = &driversCalendar;
        driverOptions.policy = devicePolicy;
        auto created = ServeDrivers::create(db, driverOptions, context.logger);
        if (!created) {
            context.err << "lims: lims.drivers.registry: " << created.error().message << "\n";
            return exit_usage;
        }
        drivers = std::make_shared<DriverLease>(
            jobLocks, serve_drivers_under_lease(*created, db, driverOptions, context.logger), context.logger,
            std::chrono::seconds(*claimRetry));
        settings.instrumentStatus = drivers;
    }

    std::unique_ptr<app::ServiceHost> host;
    try {
        host = std::make_unique<app::ServiceHost>(db, std::move(*calendar), settings);
        host->start();
    } catch (const Poco::Exception& e) {
        context.err << "lims: cannot listen on " << settings.server.host << ":" << settings.server.port << ": "
                    << e.displayText() << "\n";
        return exit_usage;
    }
    AlarmChannels channels;
    if (auto smtp = context.config.getString("lims.smtp.host", ""); !smtp.empty()) {
        const std::string smtpPortText = context.config.getString("lims.smtp.port", "25");
        const auto smtpPort = number(smtpPortText, 1, kMaxPort);
        if (!smtpPort) {
            context.err << "lims: lims.smtp.port must be 1 to " << kMaxPort << ", got \"" << smtpPortText << "\"\n";
            host->stop();
            return exit_usage;
        }
        channels.email = std::make_unique<workflow::coldchain::SmtpChannel>(
            smtp, static_cast<std::uint16_t>(*smtpPort), context.config.getString("lims.smtp.sender", "lims@localhost"));
    }
    if (auto url = context.config.getString("lims.webhook.url", ""); !url.empty())
        channels.webhook = std::make_unique<workflow::coldchain::WebhookChannel>(url);
    std::unique_ptr<app::ServiceJobs> jobs;
    if (context.config.getBool("lims.jobs.enabled", true)) {
        jobs = std::make_unique<app::ServiceJobs>(
            service_jobs(*host, channels), context.logger, [jobLocks](const std::string& job) -> app::JobClaimOutcome {
                auto outcome = jobLocks->claim(job);
                switch (outcome.claim) {
                case store::JobLocks::Claim::held: return {app::JobTurn::run, {}};
                case store::JobLocks::Claim::held_elsewhere: return {app::JobTurn::held_elsewhere, {}};
                case store::JobLocks::Claim::unavailable: break;
                }
                return {app::JobTurn::unavailable, outcome.problem};
            },
            std::chrono::seconds(*claimRetry));
        host->api().metrics().addGaugeSource([jobs = jobs.get()] { return jobs->figures(); });
        jobs->start();
    }

    if (sealer)
        host->api().metrics().addGaugeSource([s = sealer.get()] {
            return std::vector<api::Gauge>{
                {"lims_audit_sealer_held", "1 when this node holds the audit sealer job and seals the chain.", "",
                 s->holding() ? 1.0 : 0.0},
                {"lims_audit_sealed_entries", "Audit entries this node has sealed into the chain since it started.", "",
                 static_cast<double>(s->sealed())}};
        });

    if (drivers) {
        // A device that cannot start is reported (and shown failed on its instrument) but
        // does not stop the service: the others and the API carry on.
        for (const auto& problem : drivers->start()) context.err << "lims: drivers: " << problem << "\n";
        host->api().metrics().addGaugeSource([drivers] {
            return std::vector<api::Gauge>{{"lims_drivers_lease_held",
                                            "1 when this node holds the in-process drivers' lease and runs them.", "",
                                            drivers->holding() ? 1.0 : 0.0}};
        });
    }

    const bool tls = !settings.server.tlsCertificateFile.empty();
    context.out << "lims: serving " << (tls ? "https" : "http") << "://" << settings.server.host << ":" << host->port()
                << " over " << db->display_name() << " (" << host->api().router().routes().size() << " routes"
                << ", HTTP engine " << (settings.server.engine == api::HttpEngine::asio ? "asio" : "poco")
                << (host->api().site() ? ", web interface from " + host->api().site()->root().string() : std::string())
                << ")" << std::endl;
    context.logger.information("serving on %s:%hu", settings.server.host, host->port());
    context.wait_for_termination();
    context.logger.information("stopping: finishing requests in progress");
    if (drivers) drivers->stop();  // devices first: nothing new is committed after this
    if (jobs) jobs->stop();
    if (sealer) sealer->stop();  // seals what is queued, if it holds the job
    jobLocks->release_all();  // the other nodes take the jobs on their next try
    host->stop();
    return exit_ok;
}

}  // namespace lims::app
