// Watches one folder per chromatography instrument for CSV exports. A file is taken once
// its size and modification time stopped changing for the settle time (the CDS may still
// be writing it), parsed, committed, and moved to processed/ — or to failed/ with a
// <name>.reason file beside it saying why. Retryable commit failures leave it in place.
#pragma once

#include "drivers/csv_export.hpp"
#include "drivers/transport.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace drivers {

struct FileDropOptions {
    std::string instrument_id;
    std::filesystem::path folder;
    std::chrono::milliseconds scan_interval{1'000};
    // Exports are written in one go within a second; two seconds unchanged is settled.
    std::chrono::milliseconds settle{2'000};
    CsvLayout layout{};
};

class FileDropWatcher : public std::enable_shared_from_this<FileDropWatcher> {
public:
    static std::shared_ptr<FileDropWatcher> create(DriverContext ctx, FileDropOptions options);
    // Creates the folder and its processed/ and failed/ subfolders; error text on failure.
    std::string start();
    void stop();

    // One scan, blocking (worker pool): takes every settled file. Returns files handled.
    std::size_t scan_blocking(std::chrono::steady_clock::time_point now);

private:
    FileDropWatcher(DriverContext ctx, FileDropOptions options);
    boost::asio::awaitable<void> run();
    void take(const std::filesystem::path& file);
    void fail(const std::filesystem::path& file, const std::string& reason);

    struct Seen {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified{};
        std::chrono::steady_clock::time_point unchanged_since{};
    };
    DriverContext ctx_;
    FileDropOptions options_;
    std::map<std::string, Seen> seen_;  // scan thread only (one scan at a time)
    std::shared_ptr<StopToken> stop_ = std::make_shared<StopToken>();
};

// Moves `file` into `folder`, adding -1, -2, ... before the extension if the name is taken.
std::filesystem::path move_into(const std::filesystem::path& file, const std::filesystem::path& folder,
                                std::error_code& ec);

}  // namespace drivers
