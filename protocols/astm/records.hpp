// ASTM E1394 (CLSI LIS2-A2) records: the delimiters declared by the H record, escape
// sequences, and a message split into typed records in their hierarchy. The receiver's
// MessageReceived::records text goes in; drivers then call to_observations() (observations.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/decode_error.hpp"

namespace protocols::astm {

// LIS2-A2 7.1: H.2 declares them, in the order field (the byte after 'H'), repeat,
// component, escape. `|\^&` is usual; instruments may choose others.
struct Delimiters {
    char field = '|';
    char repeat = '\\';
    char component = '^';
    char escape = '&';
    friend bool operator==(const Delimiters&, const Delimiters&) = default;
};

// Decodes &F& &S& &R& &E& and &Xhh..& (LIS2-A2 7.2). An unknown or unterminated sequence
// is kept literally: text is never dropped.
std::string unescape(std::string_view text, const Delimiters& d);
// The same into `out` (replacing what it held, keeping its capacity): decoders that fill
// a reused Observation call this, so a field costs no allocation once the strings have grown.
void unescape_into(std::string_view text, const Delimiters& d, std::string& out);

// The inverse for one value: delimiter and escape characters become escape sequences.
std::string escape(std::string_view text, const Delimiters& d);

// The parts of `text` between `separator`s, in order ("a^^b" -> "a", "", "b"; "" -> one
// empty part). Views into `text`. Records, repeats and components all split this way.
std::vector<std::string_view> split_on(std::string_view text, char separator);
// Part n (1-based) of that split, empty when absent; no vector is built.
std::string_view nth_part(std::string_view text, char separator, std::size_t n) noexcept;

// One record. Fields are kept as sent (still escaped); numbering follows LIS2-A2, where
// field 1 is the record type: R.3 is field(3).
class Record {
public:
    Record() = default;
    Record(std::string text, std::size_t offset, const Delimiters& d);

    char type() const noexcept { return text_.empty() ? '\0' : text_[0]; }
    std::size_t offset() const noexcept { return offset_; }  // within the message text
    std::string_view text() const noexcept { return text_; }
    std::size_t field_count() const noexcept { return fields_.size(); }

    // Raw (escaped) field n, empty when absent.
    std::string_view raw_field(std::size_t n) const noexcept;
    // Field n unescaped, delimiters inside it kept as sent.
    std::string field(std::size_t n) const;
    // Component c (1-based) of the first repeat of field n, unescaped.
    std::string component(std::size_t n, std::size_t c) const;
    // The repeats of field n, unescaped.
    std::vector<std::string> repeats(std::size_t n) const;
    // Component c (1-based) of every repeat of field n, unescaped (empty where a repeat
    // has fewer components); none when the field is empty. O.5 and Q.5 test ids, Q.3 ranges.
    std::vector<std::string> repeat_components(std::size_t n, std::size_t c) const;

    const Delimiters& delimiters() const noexcept { return delimiters_; }

private:
    std::string text_;
    std::size_t offset_ = 0;
    Delimiters delimiters_;
    std::vector<std::pair<std::size_t, std::size_t>> fields_;  // begin, length in text_
};

struct Message {
    Delimiters delimiters;
    std::vector<Record> records;  // H first, L last, in the order received
};

// Bounds that keep a hostile message from costing unbounded work.
inline constexpr std::size_t kMaxRecordsPerMessage = 100'000;

// Splits a message's text (records ending CR; LF after CR tolerated) and checks it:
// H first with its delimiters, the LIS2-A2 hierarchy (H -> P|C|Q|L; P -> C|O|L;
// O -> C|P|O|R|L; R -> C|P|O|R|L; Q -> Q|C|L; M and S anywhere after H), L last.
// Errors carry the byte offset within `text`.
std::variant<Message, DecodeError> parse_message(std::string_view text);

// The checks of parse_message one record at a time, as views into `text` (nothing is
// copied): parse_message builds its Records from it, decode_observations (observations.hpp)
// reads fields straight from the views. `text` must outlive the scanner.
class RecordScanner {
public:
    explicit RecordScanner(std::string_view text) noexcept : text_(text) {}

    // The next record (without its CR) and its offset within `text`, checked against the
    // hierarchy; false at the end of `text` or at the first error (then error() is set;
    // a message without H or without L is an error found at the end).
    bool next(std::string_view& record, std::size_t& offset);

    bool failed() const noexcept { return !error_.code.empty(); }
    const DecodeError& error() const noexcept { return error_; }
    const Delimiters& delimiters() const noexcept { return delimiters_; }

private:
    bool fail(std::string code, std::size_t offset, std::string detail);

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t records_ = 0;
    Delimiters delimiters_;
    bool have_header_ = false;
    bool terminated_ = false;
    bool done_ = false;
    char parent_ = '\0';
    DecodeError error_;
};

}  // namespace protocols::astm
