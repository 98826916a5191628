#include "lims/api/http_response_writer.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <strings.h>

namespace lims::api::http {

namespace {

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Headers the front writes itself: a handler's value would contradict the framing.
bool framingHeader(std::string_view name) {
    return sameName(name, "content-length") || sameName(name, "transfer-encoding") || sameName(name, "connection") ||
           sameName(name, "content-type") || sameName(name, "date") || sameName(name, "server") ||
           sameName(name, "keep-alive");
}

}  // namespace

std::string_view reasonPhrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 206: return "Partial Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 416: return "Range Not Satisfiable";
        case 417: return "Expectation Failed";
        case 422: return "Unprocessable Content";
        case 423: return "Locked";
        case 428: return "Precondition Required";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

std::string httpDate(std::chrono::system_clock::time_point t) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[static_cast<std::size_t>(tm.tm_wday)],
                  tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buffer;
}

std::string responseBytes(const Response& response, const Framing& framing, std::string_view date) {
    std::string out;
    appendResponseBytes(out, response, framing, date);
    return out;
}

void appendResponseBytes(std::string& out, const Response& response, const Framing& framing, std::string_view date) {
    const int status = response.status;
    const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
    out.reserve(out.size() + 256 + response.body.size());
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += reasonPhrase(status);
    out += "\r\nDate: ";
    out += date;
    out += "\r\nServer: lims\r\n";
    const auto& headers = response.headers;
    for (std::size_t i = 0; i < headers.size(); ++i) {
        const auto& [name, value] = headers[i];
        if (framingHeader(name)) continue;
        bool setAgainLater = false;
        for (std::size_t j = i + 1; j < headers.size() && !setAgainLater; ++j) setAgainLater = sameName(name, headers[j].first);
        if (setAgainLater) continue;
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (!bodiless) {
        if (!response.contentType.empty()) {
            out += "Content-Type: ";
            out += response.contentType;
            out += "\r\n";
        }
        out += "Content-Length: ";
        out += std::to_string(response.body.size());
        out += "\r\n";
    }
    out += framing.keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (!bodiless && !framing.headRequest) out += response.body;
}

}  // namespace lims::api::http
