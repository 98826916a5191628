#include "protocols/hl7/message.hpp"
#include "protocols/text_values.hpp"

#include <cstring>
#include <limits>

namespace protocols::hl7 {
namespace {

constexpr std::string_view kMsh = "MSH";
// MSH-2 holds four encoding characters, five from v2.7 (truncation).
constexpr std::size_t kMinEncodingCharacters = 4;
constexpr std::size_t kMaxEncodingCharacters = 5;
constexpr std::size_t kSegmentNameLength = 3;

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_upper_alnum(c) || (c >= 'a' && c <= 'z'); }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

DecodeError error(const char* code, std::size_t offset, std::string detail) {
    return DecodeError{code, offset, std::move(detail)};
}

// Returns the i-th piece of `s` split on `sep` (0-based), or empty.
std::string_view nth(std::string_view s, char sep, std::size_t index) {
    std::size_t start = 0;
    for (std::size_t k = 0; k < index; ++k) {
        const std::size_t pos = find_char(s, sep, start);
        if (pos == std::string_view::npos) return {};
        start = pos + 1;
    }
    const std::size_t end = find_char(s, sep, start);
    return s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

std::string_view part_of(std::string_view field, const Delimiters& d, std::size_t repetition,
                         std::size_t component, std::size_t subcomponent) {
    std::string_view v = nth(field, d.repetition, repetition);
    if (component == 0) return v;
    v = nth(v, d.component, component - 1);
    if (subcomponent == 0) return v;
    return nth(v, d.subcomponent, subcomponent - 1);
}

void unescape_append(std::string_view raw, const Delimiters& d, std::string& out) {
    if (d.escape == '\0') {
        out.append(raw);
        return;
    }
    std::size_t i = 0;
    while (i < raw.size()) {
        const std::size_t open = find_char(raw, d.escape, i);
        if (open == std::string_view::npos) {
            out.append(raw.substr(i));
            return;
        }
        out.append(raw.substr(i, open - i));
        const std::size_t close = find_char(raw, d.escape, open + 1);
        if (close == std::string_view::npos) {  // unterminated: keep as sent
            out.append(raw.substr(open));
            return;
        }
        const std::string_view seq = raw.substr(open + 1, close - open - 1);
        bool known = true;
        if (seq == "F") out += d.field;
        else if (seq == "S") out += d.component;
        else if (seq == "T") out += d.subcomponent;
        else if (seq == "R") out += d.repetition;
        else if (seq == "E") out += d.escape;
        else if (seq == "P" && d.truncation != '\0') out += d.truncation;
        else if (seq == ".br") out += '\n';
        else if (seq == "H" || seq == "N") {}
        else if (seq.size() >= 3 && seq[0] == 'X' && (seq.size() - 1) % 2 == 0) {
            std::string bytes;
            for (std::size_t k = 1; k < seq.size() && known; k += 2) {
                const int hi = hex_value(seq[k]), lo = hex_value(seq[k + 1]);
                if (hi < 0 || lo < 0) known = false;
                else bytes += static_cast<char>(hi * 16 + lo);
            }
            if (known) out += bytes;
        } else {
            known = false;
        }
        if (!known) out.append(raw.substr(open, close - open + 1));
        i = close + 1;
    }
}

std::string unescape(std::string_view raw, const Delimiters& d) {
    std::string out;
    out.reserve(raw.size());
    unescape_append(raw, d, out);
    return out;
}

std::string escape(std::string_view text, const Delimiters& d) {
    std::string out;
    out.reserve(text.size());
    const char e = d.escape == '\0' ? '\\' : d.escape;
    auto seq = [&](std::string_view s) {
        out += e;
        out += s;
        out += e;
    };
    for (const char c : text) {
        if (c == e) seq("E");
        else if (c == d.field) seq("F");
        else if (c == d.component) seq("S");
        else if (c == d.subcomponent && c != '\0') seq("T");
        else if (c == d.repetition && c != '\0') seq("R");
        else if (c == d.truncation && c != '\0') seq("P");
        else if (c == '\r') seq("X0D");
        else if (c == '\n') seq(".br");
        else out += c;
    }
    return out;
}

std::string_view Message::field(std::size_t segment, std::size_t number) const {
    if (segment >= segments_.size()) return {};
    const Segment& s = segments_[segment];
    if (number >= s.field_count) return {};
    const Span& f = fields_[s.first_field + number];
    return std::string_view(text_).substr(f.begin, f.size);
}

std::string_view Message::part(std::size_t segment, std::size_t number, std::size_t repetition,
                               std::size_t component, std::size_t subcomponent) const {
    // MSH-1 and MSH-2 are the delimiters themselves: never split them.
    if (segment == 0 && number <= 2)
        return repetition == 0 && component <= 1 && subcomponent <= 1 ? field(segment, number) : std::string_view{};
    return part_of(field(segment, number), delimiters_, repetition, component, subcomponent);
}

std::string Message::text_of(std::size_t segment, std::size_t number, std::size_t repetition,
                             std::size_t component, std::size_t subcomponent) const {
    if (segment == 0 && number <= 2) return std::string(part(segment, number, repetition, component, subcomponent));
    return unescape(part(segment, number, repetition, component, subcomponent), delimiters_);
}

std::size_t Message::repetition_count(std::size_t segment, std::size_t number) const {
    const std::string_view f = field(segment, number);
    if (f.empty()) return 0;
    if (segment == 0 && number <= 2) return 1;
    std::size_t count = 1;
    for (const char c : f) count += c == delimiters_.repetition;
    return count;
}

std::variant<Message, DecodeError> parse(std::string text, const ParseOptions& options) {
    if (text.empty()) return error("hl7.empty", 0, "empty message");
    if (text.size() > std::numeric_limits<std::uint32_t>::max())
        return error("hl7.too_large", std::numeric_limits<std::uint32_t>::max(), "message larger than 4 GiB");
    if (text.size() < kMsh.size() + 1 || std::string_view(text).substr(0, 3) != kMsh)
        return error("hl7.missing_msh", 0, "a message must start with an MSH segment");

    Message m;
    Delimiters& d = m.delimiters_;
    d.field = text[3];
    if (is_alnum(d.field) || d.field == '\r' || d.field == '\n' || d.field == ' ')
        return error("hl7.bad_encoding_characters", 3, "MSH-1 field separator is not a usable delimiter");
    std::size_t enc_end = 4;
    while (enc_end < text.size() && text[enc_end] != d.field && text[enc_end] != '\r' &&
           !(options.tolerate_lf && text[enc_end] == '\n'))
        ++enc_end;
    const std::string_view enc = std::string_view(text).substr(4, enc_end - 4);
    if (enc.size() < kMinEncodingCharacters || enc.size() > kMaxEncodingCharacters)
        return error("hl7.bad_encoding_characters", 4,
                     "MSH-2 must hold 4 or 5 encoding characters, found " + std::to_string(enc.size()));
    for (std::size_t k = 0; k < enc.size(); ++k) {
        const char c = enc[k];
        if (is_alnum(c) || c == ' ' || static_cast<unsigned char>(c) < 0x20)
            return error("hl7.bad_encoding_characters", 4 + k, "MSH-2 holds a character that cannot be a delimiter");
        for (std::size_t j = 0; j < k; ++j)
            if (enc[j] == c) return error("hl7.bad_encoding_characters", 4 + k, "MSH-2 repeats a delimiter");
    }
    d.component = enc[0];
    d.repetition = enc[1];
    d.escape = enc[2];
    d.subcomponent = enc[3];
    d.truncation = enc.size() == kMaxEncodingCharacters ? enc[4] : '\0';

    const char* data = text.data();
    const std::size_t size = text.size();
    if (!options.tolerate_lf && std::memchr(data, '\r', size) == nullptr) {
        if (const void* lf = std::memchr(data, '\n', size))
            return error("hl7.lf_terminated", static_cast<std::size_t>(static_cast<const char*>(lf) - data),
                         "segments end with LF only; HL7 needs CR (enable LF tolerance for this interface)");
    }

    m.fields_.reserve(size / 8);
    m.segments_.reserve(size / 64 + 1);
    std::size_t pos = 0;
    while (pos < size) {
        // Find the end of this segment.
        std::size_t end;
        if (options.tolerate_lf) {
            end = pos;
            while (end < size && data[end] != '\r' && data[end] != '\n') ++end;
        } else {
            const void* cr = std::memchr(data + pos, '\r', size - pos);
            end = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - data) : size;
        }
        if (end == pos) {  // empty line: skip (trailing CR, CR LF pairs when tolerating LF)
            ++pos;
            continue;
        }
        const std::string_view seg(data + pos, end - pos);
        if (seg.size() < kSegmentNameLength || !is_upper_alnum(seg[0]) || !is_upper_alnum(seg[1]) ||
            !is_upper_alnum(seg[2]) || (seg.size() > kSegmentNameLength && seg[3] != d.field))
            return error("hl7.bad_segment_name", pos, "segment does not start with a three-character name");

        Message::Segment s;
        s.first_field = static_cast<std::uint32_t>(m.fields_.size());
        s.offset = static_cast<std::uint32_t>(pos);
        const bool is_msh = m.segments_.empty();
        if (!is_msh && seg.substr(0, 3) == kMsh)
            return error("hl7.bad_segment_name", pos, "a second MSH inside one message (batch not supported here)");
        m.fields_.push_back({static_cast<std::uint32_t>(pos), 3});
        std::size_t f = pos + kSegmentNameLength;
        if (is_msh) {
            m.fields_.push_back({3, 1});                                            // MSH-1
            m.fields_.push_back({4, static_cast<std::uint32_t>(enc.size())});       // MSH-2
            f = enc_end;  // at the separator after MSH-2 (or the end)
        }
        while (f < end) {  // data[f] is a field separator
            const std::size_t begin = f + 1;
            const std::size_t next = find_char(std::string_view(data + begin, end - begin), d.field);
            const std::size_t stop = next == std::string_view::npos ? end : begin + next;
            m.fields_.push_back({static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(stop - begin)});
            f = stop;
        }
        s.field_count = static_cast<std::uint32_t>(m.fields_.size()) - s.first_field;
        m.segments_.push_back(s);
        pos = end + 1;
    }
    m.text_ = std::move(text);

    if (m.message_type().empty()) return error("hl7.missing_message_type", 0, "MSH-9 message type is empty");
    if (m.control_id().empty()) return error("hl7.missing_control_id", 0, "MSH-10 message control id is empty");
    if (m.version().empty()) return error("hl7.missing_version", 0, "MSH-12 version id is empty");
    return m;
}

}  // namespace protocols::hl7
