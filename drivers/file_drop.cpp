#include "drivers/file_drop.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <sstream>

namespace drivers {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using asio::awaitable;

namespace {
bool ignored_name(const std::string& name) {
    // Hidden files, partial copies and our own reason files are never exports.
    return name.empty() || name.front() == '.' || name.ends_with(".tmp") || name.ends_with(".part") ||
           name.ends_with(".reason");
}
}  // namespace

fs::path move_into(const fs::path& file, const fs::path& folder, std::error_code& ec) {
    auto target = folder / file.filename();
    for (int n = 1; fs::exists(target, ec) && n < 10'000; ++n)
        target = folder / (file.stem().string() + "-" + std::to_string(n) + file.extension().string());
    fs::rename(file, target, ec);
    return target;
}

std::shared_ptr<FileDropWatcher> FileDropWatcher::create(DriverContext ctx, FileDropOptions options) {
    return std::shared_ptr<FileDropWatcher>(new FileDropWatcher(std::move(ctx), std::move(options)));
}

FileDropWatcher::FileDropWatcher(DriverContext ctx, FileDropOptions options)
    : ctx_(std::move(ctx)), options_(std::move(options)) {
    ctx_.states->add(options_.instrument_id, "csv");
}

std::string FileDropWatcher::start() {
    std::error_code ec;
    if (ctx_.policy) {
        // lims.drivers.file_drop_root, checked again before anything is created or moved
        // (a row configured before the rule existed, a symbolic link planted since).
        auto confined = confined_path(ctx_.policy->file_drop_root, kFileDropRootKey, options_.folder.string());
        if (auto* why = std::get_if<std::string>(&confined)) {
            auto error = "folder " + options_.folder.string() + ": " + *why;
            ctx_.states->set_error(options_.instrument_id, DeviceState::failed, error);
            return error;
        }
        options_.folder = std::get<fs::path>(std::move(confined));
    }
    for (const auto& dir : {options_.folder, options_.folder / "processed", options_.folder / "failed"}) {
        fs::create_directories(dir, ec);
        if (ec) {
            auto error = "cannot create " + dir.string() + ": " + ec.message();
            ctx_.states->set_error(options_.instrument_id, DeviceState::failed, error);
            return error;
        }
    }
    ctx_.states->set(options_.instrument_id, DeviceState::idle);
    asio::co_spawn(asio::make_strand(ctx_.runtime->io()), [self = shared_from_this()] { return self->run(); },
                   asio::detached);
    return {};
}

void FileDropWatcher::stop() {
    stop_->stopping = true;
    ctx_.states->set(options_.instrument_id, DeviceState::stopped);
}

awaitable<void> FileDropWatcher::run() {
    auto self = shared_from_this();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stop_->stopping) {
        // Named lambda and kept result: GCC 12 frees the frame early around a discarded
        // co_await of a temporary.
        auto scan = [self] { return self->scan_blocking(std::chrono::steady_clock::now()); };
        const std::size_t taken = co_await ctx_.runtime->run_blocking(std::move(scan));
        if (taken > 0) ctx_.note(options_.instrument_id, std::to_string(taken) + " file(s) taken");
        timer.expires_after(options_.scan_interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

std::size_t FileDropWatcher::scan_blocking(std::chrono::steady_clock::time_point now) {
    std::error_code ec;
    std::map<std::string, Seen> still_there;
    std::vector<fs::path> settled;
    for (fs::directory_iterator it(options_.folder, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        std::error_code fe;
        if (!entry.is_regular_file(fe)) continue;
        const auto name = entry.path().filename().string();
        if (ignored_name(name)) continue;
        Seen current{entry.file_size(fe), entry.last_write_time(fe), now};
        if (fe) continue;  // vanished or unreadable between listing and stat: next scan
        auto previous = seen_.find(name);
        if (previous != seen_.end() && previous->second.size == current.size &&
            previous->second.modified == current.modified) {
            current.unchanged_since = previous->second.unchanged_since;
            if (now - current.unchanged_since >= options_.settle) {
                settled.push_back(entry.path());
                continue;
            }
        }
        still_there.emplace(name, current);
    }
    if (ec) {
        ctx_.states->set_error(options_.instrument_id, DeviceState::failed,
                               "cannot read " + options_.folder.string() + ": " + ec.message());
        return 0;
    }
    seen_ = std::move(still_there);
    for (const auto& file : settled) take(file);
    if (!settled.empty()) ctx_.states->set(options_.instrument_id, DeviceState::idle);
    return settled.size();
}

void FileDropWatcher::fail(const fs::path& file, const std::string& reason) {
    std::error_code ec;
    auto moved = move_into(file, options_.folder / "failed", ec);
    if (ec) {
        ctx_.states->count_failure(options_.instrument_id, "cannot move " + file.string() + " to failed/: " + ec.message());
        return;
    }
    // Written beside and renamed into place, so whoever sees the reason file sees all of it.
    const fs::path reason_file = moved.string() + ".reason";
    const fs::path written = moved.string() + ".reason.writing";
    {
        std::ofstream out(written);
        out << reason << '\n';
    }
    fs::rename(written, reason_file, ec);
    if (ec) fs::remove(written, ec);
    ctx_.states->count_failure(options_.instrument_id, file.filename().string() + ": " + reason);
}

void FileDropWatcher::take(const fs::path& file) {
    const auto& id = options_.instrument_id;
    ctx_.states->set(id, DeviceState::receiving);
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) return;  // gone; nothing to do
    if (size > kMaxCsvBytes) {
        fail(file, "csv.too_large: " + std::to_string(size) + " bytes, limit " + std::to_string(kMaxCsvBytes));
        return;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) {
        fail(file, "cannot read the file");
        return;
    }
    auto raw = content.str();
    auto parsed = parse_cds_csv(raw, id, options_.layout);
    if (auto* e = std::get_if<protocols::DecodeError>(&parsed)) {
        fail(file, e->code + " at " + std::to_string(e->offset) + ": " + e->detail);
        return;
    }
    InstrumentMessage message;
    message.instrument_code = id;
    message.protocol = "csv";
    message.raw = std::move(raw);
    message.received_at = std::chrono::system_clock::now();
    message.observations = std::move(std::get<0>(parsed));
    CommitOutcome outcome;
    try {
        outcome = ctx_.sink->commit_message(message);
    } catch (const std::exception& e) {
        outcome = CommitFailure{"ingest.exception", e.what(), true};
    }
    if (auto* f = std::get_if<CommitFailure>(&outcome)) {
        if (f->retryable) {
            // Left where it is: the next scans see it settled again and retry.
            ctx_.states->count_failure(id, f->code + ": " + f->reason);
            return;
        }
        fail(file, f->code + ": " + f->reason);
        return;
    }
    move_into(file, options_.folder / "processed", ec);
    if (ec) ctx_.states->count_failure(id, "cannot move " + file.string() + " to processed/: " + ec.message());
    ctx_.states->count_message(id);
}

}  // namespace drivers
