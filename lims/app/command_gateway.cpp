// `lims gateway`: runs the drivers of a laboratory or region on their own, with a durable
// SQLite outbox as their sink (a device is ACKed once its data is fsync'd there), and a
// forwarder that posts the outbox to the service's ingest API. The service may be away
// for as long as the disk lasts; everything is delivered exactly once when it returns.
#include "lims/app/command.hpp"
#include "lims/app/serve_drivers.hpp"

#include "drivers/driver_host.hpp"
#include "drivers/registry.hpp"
#include "lims/workflow/ingest/gateway_forwarder.hpp"
#include "lims/workflow/ingest/gateway_http.hpp"
#include "lims/workflow/ingest/gateway_outbox.hpp"
#include "lims/workflow/ingest/worklist_remote.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

namespace lims::app {

namespace {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    const auto first = s.find_first_not_of(" \t\r\n");
    return first == std::string::npos ? "" : s.substr(first);
}

}  // namespace

int run_gateway(CommandContext& context) {
    hold_termination_signals();
    const auto service = context.option("service");
    const auto token_file = context.option("token-file");
    // The registry file: --registry, or the same key `lims serve` reads. (Not --config: that
    // is the global option naming the configuration file, taken before the command runs.)
    auto config = context.option("registry");
    if (!config && context.config.has("lims.drivers.registry"))
        config = context.config.getString("lims.drivers.registry");
    const auto outbox_path = context.option("outbox");
    if (!service || !token_file || !config || !outbox_path) {
        context.err << "lims: gateway needs --service URL --token-file FILE --registry instruments.json --outbox PATH.db\n";
        return exit_usage;
    }
    const auto token = read_file(*token_file);
    if (!token) {
        context.err << "lims: cannot read the token file " << *token_file << "\n";
        return exit_usage;
    }
    const auto registry_text = read_file(*config);
    if (!registry_text) {
        context.err << "lims: cannot read the instrument configuration " << *config << "\n";
        return exit_usage;
    }
    auto registry = drivers::parse_registry_json(*registry_text);
    if (auto* problem = std::get_if<std::string>(&registry)) {
        context.err << "lims: " << *config << ": " << *problem << "\n";
        return exit_usage;
    }
    auto transport = workflow::ingest::HttpIngestTransport::create(*service, trimmed(*token));
    if (!transport) {
        context.err << "lims: " << transport.error().message << "\n";
        return exit_usage;
    }
    auto outbox = workflow::ingest::GatewayOutbox::open(*outbox_path);
    if (!outbox) {
        context.err << "lims: " << outbox.error().message << "\n";
        return exit_database;
    }

    Poco::Logger& log = context.logger;
    workflow::ingest::ForwarderOptions forwarding;
    forwarding.log = [&log](const std::string& line) { log.warning("gateway: " + line); };
    workflow::ingest::OutboxForwarder forwarder(**outbox, **transport, forwarding);
    workflow::ingest::OutboxSink outbox_sink(**outbox, [&forwarder] { forwarder.nudge(); });
    // Analyzers' host queries are asked of the service (GET /api/v1/ingest/orders) on a
    // transport of their own with a short deadline, below the ASTM driver's 10 s answer
    // deadline: an unreachable service is answered "no information", never a hang.
    constexpr std::chrono::seconds kOrdersTimeout{5};
    auto orders_transport = workflow::ingest::HttpIngestTransport::create(*service, trimmed(*token), kOrdersTimeout);
    if (!orders_transport) {
        context.err << "lims: " << orders_transport.error().message << "\n";
        return exit_usage;
    }
    workflow::ingest::RemoteOrdersSink sink(outbox_sink,
                                            [&orders_transport](const std::string& path) { return (*orders_transport)->get(path); });

    drivers::HostOptions options;
    options.log = [&log](std::string_view device, std::string_view line) {
        log.information(std::string(device) + ": " + std::string(line));
    };
    options.load_map = modbus_map_file_loader();
    drivers::DriverHost host(options);
    forwarder.start();
    const auto problems = host.start(std::get<drivers::Registry>(registry), sink);
    for (const auto& p : problems) context.err << "lims: gateway: " << p << "\n";
    // The ports listeners got (an address with port 0 takes a free one), then the ready
    // line, flushed: a supervisor or test reading a pipe waits for it.
    for (const auto& i : std::get<drivers::Registry>(registry).instruments)
        if (auto port = host.listening_port(i.id); port != 0)
            context.out << "gateway: instrument " << i.id << " listening on port " << port << "\n";
    context.out << "gateway " << (*outbox)->gateway_id() << ": forwarding " << *outbox_path << " to " << *service
                << std::endl;
    context.wait_for_termination();
    host.stop();      // devices first: nothing new is committed after this
    forwarder.stop();
    if (auto counts = (*outbox)->counts())
        context.out << "gateway stopped: " << counts->pending << " pending, " << counts->delivered << " delivered, "
                    << counts->refused << " refused, " << counts->rejected << " rejected" << std::endl;
    return exit_ok;
}

namespace {

std::unique_ptr<workflow::ingest::GatewayOutbox> open_outbox(CommandContext& context, const char* command, int* code) {
    const auto path = context.option("outbox");
    if (!path) {
        context.err << "lims: gateway " << command << " needs --outbox PATH.db\n";
        *code = exit_usage;
        return nullptr;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*path, ec)) {
        context.err << "lims: there is no outbox " << *path << "\n";
        *code = exit_usage;
        return nullptr;
    }
    auto outbox = workflow::ingest::GatewayOutbox::open(*path);
    if (!outbox) {
        context.err << "lims: " << outbox.error().message << "\n";
        *code = exit_database;
        return nullptr;
    }
    return std::move(*outbox);
}

}  // namespace

// `lims gateway status --outbox F`: counts per state, then each refused row with the
// service's reason, so an operator sees what the service would not take and why.
int run_gateway_status(CommandContext& context) {
    int code = exit_ok;
    auto outbox = open_outbox(context, "status", &code);
    if (!outbox) return code;
    auto counts = outbox->counts();
    if (!counts) {
        context.err << "lims: " << counts.error().message << "\n";
        return exit_database;
    }
    context.out << "gateway " << outbox->gateway_id() << ": " << counts->pending << " pending, " << counts->delivered
                << " delivered, " << counts->refused << " refused, " << counts->rejected << " rejected\n";
    constexpr std::size_t kShown = 1000;
    auto refused = outbox->refused(kShown);
    if (!refused) {
        context.err << "lims: " << refused.error().message << "\n";
        return exit_database;
    }
    for (const auto& row : *refused)
        context.out << "refused " << row.id << " " << (row.kind == workflow::ingest::OutboxKind::message ? "message" : "readings")
                    << " (" << row.items << (row.kind == workflow::ingest::OutboxKind::message ? " observation(s)" : " reading(s)")
                    << ") at " << row.refused_at << (row.replays ? " after " + std::to_string(row.replays) + " replay(s)" : "")
                    << ": " << row.reason << "\n";
    if (static_cast<std::int64_t>(refused->size()) < counts->refused)
        context.out << "(" << counts->refused - static_cast<std::int64_t>(refused->size()) << " more refused rows not shown)\n";
    if (counts->refused > 0)
        context.out << "fix the cause (register or reactivate the instrument or logger), then: lims gateway replay --outbox "
                    << *context.option("outbox") << " --all (or --id N)\n";
    return exit_ok;
}

// `lims gateway replay --outbox F --all | --id N[,M...]`: refused rows back to pending; a
// running gateway on the same file sends them with its next pass.
int run_gateway_replay(CommandContext& context) {
    int code = exit_ok;
    const bool all = std::find(context.args.begin(), context.args.end(), "--all") != context.args.end();
    std::vector<std::int64_t> ids;
    for (const auto& text : context.options("id")) {
        std::int64_t id = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
            context.err << "lims: --id takes a row number from `lims gateway status`, got \"" << text << "\"\n";
            return exit_usage;
        }
        ids.push_back(id);
    }
    if (all == !ids.empty()) {
        context.err << "lims: gateway replay needs either --all or --id N (the refused rows of `lims gateway status`)\n";
        return exit_usage;
    }
    auto outbox = open_outbox(context, "replay", &code);
    if (!outbox) return code;
    auto replayed = outbox->replay_refused(ids);
    if (!replayed) {
        context.err << "lims: " << replayed.error().message << "\n";
        return exit_database;
    }
    context.out << *replayed << " refused row(s) back to pending";
    if (!all && *replayed < ids.size()) context.out << " (" << ids.size() - *replayed << " of the ids given were not refused rows)";
    context.out << "\n";
    return exit_ok;
}

}  // namespace lims::app
