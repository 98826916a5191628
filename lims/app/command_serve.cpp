// `lims serve`: the HTTP(S) API over the configured database, until SIGINT/SIGTERM.
// Configuration (file, LIMS_* environment, -D or the options below):
//   lims.http.host (127.0.0.1), lims.http.port (8080), lims.http.threads (16),
//   lims.http.body.limit (1 MiB), lims.tls.certificate + lims.tls.key (both: HTTPS),
//   lims.calendar.dir (fixtures/calendars), lims.auth.token.hours (8).
#include "lims/api/service_host.hpp"
#include "lims/app/command.hpp"
#include "lims/store/migrations.hpp"
#include "lims/workflow/admin/calendar_files.hpp"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <ostream>

namespace lims::app {

namespace {

constexpr const char* kDefaultCalendarDir = "fixtures/calendars";
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

}  // namespace

int run_serve(CommandContext& context) {
    if (!context.positional().empty()) {
        context.err << "lims: serve takes no positional arguments (got \"" << context.positional().front() << "\")\n";
        return exit_usage;
    }
    api::ServiceSettings settings;
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

    const std::string calendarDir = setting(context, "calendar-dir", "lims.calendar.dir", kDefaultCalendarDir);
    auto calendar = workflow::load_working_calendar(calendarDir);
    if (!calendar) {
        context.err << "lims: working calendar: " << calendar.error().message
                    << " (set lims.calendar.dir to the folder of <region>-<year>.txt files)\n";
        return exit_usage;
    }

    int code = exit_ok;
    auto db = context.open_database(&code);
    if (!db) return code;
    if (auto current = store::require_current_schema(*db); !current) {
        context.err << "lims: " << current.error().message << "\n";
        return exit_database;
    }

    std::unique_ptr<api::ServiceHost> host;
    try {
        host = std::make_unique<api::ServiceHost>(db, std::move(*calendar), settings);
        host->start();
    } catch (const Poco::Exception& e) {
        context.err << "lims: cannot listen on " << settings.server.host << ":" << settings.server.port << ": "
                    << e.displayText() << "\n";
        return exit_usage;
    }
    const bool tls = !settings.server.tlsCertificateFile.empty();
    context.out << "lims: serving " << (tls ? "https" : "http") << "://" << settings.server.host << ":" << host->port()
                << " over " << db->display_name() << " (" << host->api().router().routes().size() << " routes)"
                << std::endl;
    context.logger.information("serving on %s:%hu", settings.server.host, host->port());
    context.wait_for_termination();
    context.logger.information("stopping: finishing requests in progress");
    host->stop();
    return exit_ok;
}

}  // namespace lims::app
