#include "protocols/astm/records.hpp"
#include "protocols/text_values.hpp"

#include <algorithm>
#include <string>

namespace protocols::astm {

std::vector<std::string_view> split_on(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    while (true) {
        std::size_t end = text.find(separator, begin);
        if (end == std::string_view::npos) {
            parts.push_back(text.substr(begin));
            return parts;
        }
        parts.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
}

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Decodes "Xhhhh" (the text between the escape characters) into bytes; false if malformed.
bool decode_hex(std::string_view seq, std::string& out) {
    std::string_view hex = seq.substr(1);
    if (hex.empty() || hex.size() % 2 != 0) return false;
    std::string bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int h = hex_value(hex[i]);
        int l = hex_value(hex[i + 1]);
        if (h < 0 || l < 0) return false;
        bytes.push_back(static_cast<char>((h << 4) | l));
    }
    out += bytes;
    return true;
}

}  // namespace

std::string_view nth_part(std::string_view text, char separator, std::size_t n) noexcept {
    // No vector of parts: this runs for every component the decoders read (built on
    // split_on it cost an allocation per call, the regression of issue 18).
    if (n == 0) return {};
    std::size_t begin = 0;
    for (std::size_t index = 1; index < n; ++index) {
        const std::size_t end = protocols::find_char(text, separator, begin);
        if (end == std::string_view::npos) return {};
        begin = end + 1;
    }
    const std::size_t end = protocols::find_char(text, separator, begin);
    return text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

namespace {

bool usable_delimiter(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return false;
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ') return false;
    return true;
}

}  // namespace

std::string unescape(std::string_view text, const Delimiters& d) {
    std::string out;
    unescape_into(text, d, out);
    return out;
}

void unescape_into(std::string_view text, const Delimiters& d, std::string& out) {
    std::size_t i = protocols::find_char(text, d.escape);
    out.assign(text.substr(0, i));  // the whole text when it holds no escape character
    if (i == std::string_view::npos) return;
    out.reserve(text.size());
    while (i < text.size()) {
        char c = text[i];
        if (c != d.escape) {
            out.push_back(c);
            ++i;
            continue;
        }
        std::size_t close = text.find(d.escape, i + 1);
        if (close == std::string_view::npos) {  // unterminated: keep literally
            out.append(text.substr(i));
            break;
        }
        std::string_view seq = text.substr(i + 1, close - i - 1);
        bool known = true;
        if (seq == "F")
            out.push_back(d.field);
        else if (seq == "S")
            out.push_back(d.component);
        else if (seq == "R")
            out.push_back(d.repeat);
        else if (seq == "E")
            out.push_back(d.escape);
        else if (!seq.empty() && seq[0] == 'X')
            known = decode_hex(seq, out);
        else
            known = false;
        if (known) {
            i = close + 1;
        } else {
            // Not a sequence we know: keep the escape character and go on after it, so the
            // closing character may still open a real sequence.
            out.push_back(c);
            ++i;
        }
    }
}

std::string escape(std::string_view text, const Delimiters& d) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const char* seq = nullptr;
        if (c == d.field)
            seq = "F";
        else if (c == d.component)
            seq = "S";
        else if (c == d.repeat)
            seq = "R";
        else if (c == d.escape)
            seq = "E";
        if (seq) {
            out.push_back(d.escape);
            out += seq;
            out.push_back(d.escape);
        } else if (c == '\r' || c == '\n') {
            // A record ends at CR: carry line breaks as hexadecimal escapes.
            out.push_back(d.escape);
            out += c == '\r' ? "X0D" : "X0A";
            out.push_back(d.escape);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

Record::Record(std::string text, std::size_t offset, const Delimiters& d)
    : text_(std::move(text)), offset_(offset), delimiters_(d) {
    // One allocation for the field table: count the delimiters first (a vectorised count).
    std::size_t separators = 0;
    for (const char c : text_) separators += c == d.field;
    fields_.reserve(separators + 1);
    std::size_t begin = 0;
    while (true) {
        std::size_t end = text_.find(d.field, begin);
        if (end == std::string::npos) {
            fields_.emplace_back(begin, text_.size() - begin);
            break;
        }
        fields_.emplace_back(begin, end - begin);
        begin = end + 1;
    }
}

std::string_view Record::raw_field(std::size_t n) const noexcept {
    if (n == 0 || n > fields_.size()) return {};
    return std::string_view(text_).substr(fields_[n - 1].first, fields_[n - 1].second);
}

std::string Record::field(std::size_t n) const {
    if (type() == 'H' && n == 2) return std::string(raw_field(2));  // the delimiters themselves
    return unescape(raw_field(n), delimiters_);
}

std::string Record::component(std::size_t n, std::size_t c) const {
    std::string_view first_repeat = nth_part(raw_field(n), delimiters_.repeat, 1);
    return unescape(nth_part(first_repeat, delimiters_.component, c), delimiters_);
}

std::vector<std::string> Record::repeats(std::size_t n) const {
    std::vector<std::string> out;
    std::string_view raw = raw_field(n);
    if (raw.empty()) return out;
    for (std::string_view one : split_on(raw, delimiters_.repeat)) out.push_back(unescape(one, delimiters_));
    return out;
}

std::vector<std::string> Record::repeat_components(std::size_t n, std::size_t c) const {
    std::vector<std::string> out;
    std::string_view raw = raw_field(n);
    if (raw.empty()) return out;
    for (std::string_view one : split_on(raw, delimiters_.repeat))
        out.push_back(unescape(nth_part(one, delimiters_.component, c), delimiters_));
    return out;
}

namespace {

// LIS2-A2 figure 1: which record may follow the last structural record (H, P, O, R, Q).
bool may_follow(char parent, char next) {
    if (next == 'C' || next == 'M' || next == 'S' || next == 'L') return true;
    switch (parent) {
        case 'H': return next == 'P' || next == 'Q';
        case 'P': return next == 'O';
        case 'O':
        case 'R': return next == 'P' || next == 'O' || next == 'R';
        case 'Q': return next == 'Q';
        default: return false;
    }
}

}  // namespace

bool RecordScanner::fail(std::string code, std::size_t offset, std::string detail) {
    error_ = DecodeError{std::move(code), offset, std::move(detail)};
    done_ = true;
    return false;
}

bool RecordScanner::next(std::string_view& record, std::size_t& record_offset) {
    if (done_) return false;
    const std::string_view text = text_;
    while (pos_ < text.size() && (text[pos_] == '\n' || text[pos_] == '\r')) ++pos_;  // CR LF line ends, empty lines
    if (pos_ >= text.size()) {
        done_ = true;
        if (!have_header_) return fail("astm.missing_header", 0, "no records");
        if (!terminated_) return fail("astm.missing_terminator", text.size(), "message has no L record");
        return false;
    }
    std::size_t end = text.find('\r', pos_);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos_, end - pos_);
    const std::size_t offset = pos_;
    pos_ = end + 1;

    const char type = line[0];
    if (!have_header_) {
        if (type != 'H') return fail("astm.missing_header", offset, std::string("first record must be H, got ") + type);
        if (line.size() < 5) return fail("astm.delimiters", offset, "H record too short to declare its four delimiters");
        Delimiters d{line[1], line[2], line[3], line[4]};
        const char all[] = {d.field, d.repeat, d.component, d.escape};
        for (int i = 0; i < 4; ++i) {
            if (!usable_delimiter(all[i]))
                return fail("astm.delimiters", offset + 1 + i, "delimiter must be a printable non-alphanumeric character");
            for (int j = 0; j < i; ++j)
                if (all[i] == all[j]) return fail("astm.delimiters", offset + 1 + i, "the four delimiters must differ");
        }
        if (line.size() > 5 && line[5] != d.field)
            return fail("astm.delimiters", offset + 5, "H.2 must be exactly repeat, component and escape");
        delimiters_ = d;
        have_header_ = true;
        parent_ = 'H';
    } else {
        if (terminated_) return fail("astm.after_terminator", offset, "record after the L record");
        if (records_ >= kMaxRecordsPerMessage)
            return fail("astm.too_many_records", offset, "more than " + std::to_string(kMaxRecordsPerMessage) + " records");
        if (type == 'H') return fail("astm.record_order", offset, "second H record inside one message");
        if (std::string_view("PORCQLMS").find(type) == std::string_view::npos)
            return fail("astm.unknown_record", offset, "unknown record type " + std::string(1, type));
        if (line.size() > 1 && line[1] != delimiters_.field)
            return fail("astm.field_delimiter", offset + 1, "record type must be followed by the field delimiter");
        if (!may_follow(parent_, type))
            return fail("astm.record_order", offset,
                        std::string(1, type) + " record may not follow " + std::string(1, parent_) + " (LIS2-A2 hierarchy)");
        if (type == 'P' || type == 'O' || type == 'R' || type == 'Q') parent_ = type;
        if (type == 'L') terminated_ = true;
    }
    ++records_;
    record = line;
    record_offset = offset;
    return true;
}

std::variant<Message, DecodeError> parse_message(std::string_view text) {
    Message message;
    // One allocation for the records: at most one per CR (and one without its CR at the end).
    std::size_t lines = 1;
    for (const char c : text) lines += c == '\r';
    message.records.reserve(std::min(lines, kMaxRecordsPerMessage + 1));
    RecordScanner scanner(text);
    std::string_view line;
    std::size_t offset = 0;
    while (scanner.next(line, offset)) message.records.emplace_back(std::string(line), offset, scanner.delimiters());
    if (scanner.failed()) return scanner.error();
    message.delimiters = scanner.delimiters();
    return message;
}

}  // namespace protocols::astm
