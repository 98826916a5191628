#include "protocols/sics/response.hpp"
#include "protocols/text_values.hpp"

namespace protocols::sics {
namespace {

bool is_command_id(std::string_view s) {
    if (s.empty() || s.size() > 8) return false;
    if (s == "@") return true;
    for (const char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return s[0] >= 'A' && s[0] <= 'Z';
}

bool is_unit(std::string_view s) {
    if (s.empty() || s.size() > 8) return false;
    for (const char c : s)
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || static_cast<unsigned char>(c) >= 0x7F) return false;
    return !is_decimal(s);
}

// Commands whose S/D answer carries a weight (S, SI, SIR answer with "S"; T and TI echo themselves).
bool answers_with_weight(std::string_view command) { return command == "S" || command == "T" || command == "TI"; }

DecodeError error(const char* code, std::size_t offset, std::string detail) {
    return DecodeError{code, offset, std::move(detail)};
}

struct Token {
    std::string_view text;
    std::size_t offset;
};

}  // namespace

std::variant<Response, DecodeError> parse_response(std::string_view line) {
    std::vector<Token> tokens;
    std::size_t quoted_at = std::string_view::npos;  // identification text starts here
    for (std::size_t i = 0; i < line.size();) {
        if (line[i] == ' ' || line[i] == '\t') {
            ++i;
            continue;
        }
        if (line[i] == '"') {
            quoted_at = i;
            break;
        }
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
        tokens.push_back({line.substr(i, j - i), i});
        i = j;
    }
    if (tokens.empty()) return error("sics.empty", 0, "empty line");

    Response r;
    const std::string_view first = tokens[0].text;
    if (tokens.size() == 1 && quoted_at == std::string_view::npos &&
        (first == "ES" || first == "ET" || first == "EL")) {
        r.status = first == "ES" ? Status::syntax_error
                 : first == "ET" ? Status::transmission_error
                                 : Status::logical_error;
        return r;
    }
    if (!is_command_id(first)) return error("sics.bad_status", 0, "line does not start with a command identifier");
    r.command = std::string(first);
    if (tokens.size() < 2) return error("sics.bad_status", line.size(), "status missing after " + r.command);
    const Token status = tokens[1];
    if (status.text.size() != 1) return error("sics.bad_status", status.offset, "status must be one character");
    switch (status.text[0]) {
    case 'S': r.status = Status::stable; break;
    case 'D': r.status = Status::dynamic; break;
    case 'A': r.status = Status::done; break;
    case 'I': r.status = Status::not_executable; break;
    case '+': r.status = Status::overload; break;
    case '-': r.status = Status::underload; break;
    case 'L': r.status = Status::parameter_error; break;
    default: return error("sics.bad_status", status.offset, "unknown status '" + std::string(status.text) + "'");
    }

    const bool weighs = (r.status == Status::stable || r.status == Status::dynamic) && answers_with_weight(r.command);
    if (weighs) {
        if (quoted_at != std::string_view::npos)
            return error("sics.bad_weight", quoted_at, "quoted text where a weight was expected");
        if (tokens.size() < 4) return error("sics.bad_weight", line.size(), "weight value and unit expected");
        // The value is right-justified: a sign may stand apart from its digits ("-   1.2").
        std::string value;
        for (std::size_t k = 2; k + 1 < tokens.size(); ++k) value += tokens[k].text;
        const Token unit = tokens.back();
        if (!is_decimal(value)) return error("sics.bad_weight", tokens[2].offset, "weight '" + value + "' is not a decimal");
        if (!is_unit(unit.text)) return error("sics.bad_weight", unit.offset, "unit missing or invalid");
        r.weight = Weight{std::move(value), std::string(unit.text)};
        return r;
    }
    if (tokens.size() > 2) return error("sics.trailing", tokens[2].offset, "unexpected text after the status");
    if (quoted_at != std::string_view::npos) {
        // One or more quoted strings: "SNR" or "text" "text".
        std::size_t i = quoted_at;
        while (i < line.size()) {
            if (line[i] == ' ') {
                ++i;
                continue;
            }
            if (line[i] != '"') return error("sics.trailing", i, "text outside quotes");
            const std::size_t close = line.find('"', i + 1);
            if (close == std::string_view::npos) return error("sics.bad_text", i, "unterminated quoted text");
            if (!r.text.empty()) r.text += ' ';
            r.text.append(line.substr(i + 1, close - i - 1));
            i = close + 1;
        }
    }
    return r;
}

ResponseDecoder::ResponseDecoder(std::size_t max_line_length) : max_(max_line_length) {}

void ResponseDecoder::complete_line(std::vector<ResponseEvent>& out) {
    std::string_view line = line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto r = parse_response(line);
    if (auto* e = std::get_if<DecodeError>(&r)) e->offset += line_offset_;
    out.push_back(std::move(r));
    line_.clear();
}

void ResponseDecoder::feed(std::string_view bytes, std::vector<ResponseEvent>& out) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        const std::size_t at = consumed_ + i;
        if (skipping_) {
            if (c == '\n') {
                skipping_ = false;
                line_offset_ = at + 1;
            }
            continue;
        }
        if (c == '\n') {
            complete_line(out);
            line_offset_ = at + 1;
            continue;
        }
        if (line_.size() >= max_ + 1) {  // + 1: room for the CR before LF
            out.push_back(DecodeError{"sics.line_too_long", line_offset_,
                                      "line longer than " + std::to_string(max_) + " characters; skipped"});
            line_.clear();
            skipping_ = true;
            continue;
        }
        line_ += c;
    }
    consumed_ += bytes.size();
}

void ResponseDecoder::finish(std::vector<ResponseEvent>& out) {
    if (!line_.empty() && !skipping_)
        out.push_back(DecodeError{"sics.truncated", line_offset_, "stream ended inside a line (no CR LF)"});
    line_.clear();
    skipping_ = false;
    line_offset_ = consumed_;
}

}  // namespace protocols::sics
