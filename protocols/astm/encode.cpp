#include "protocols/astm/encode.hpp"

#include <charconv>

namespace protocols::astm {

namespace {

// Builds one record field by field; trailing empty fields are left out (LIS2-A2 7.4).
class RecordWriter {
public:
    RecordWriter(char type, const Delimiters& d) : d_(d) { fields_.emplace_back(1, type); }

    void raw(std::size_t n, std::string text) {
        if (fields_.size() < n) fields_.resize(n);
        fields_[n - 1] = std::move(text);
    }
    void text(std::size_t n, const std::string& value) { raw(n, escape(value, d_)); }
    void components(std::size_t n, const Components& parts) { raw(n, join(parts)); }
    void number(std::size_t n, int value) { raw(n, std::to_string(value)); }

    std::string join(const Components& parts) const {
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i) out.push_back(d_.component);
            out += escape(parts[i], d_);
        }
        while (!out.empty() && out.back() == d_.component) out.pop_back();
        return out;
    }

    std::string str() const {
        std::size_t last = fields_.size();
        while (last > 1 && fields_[last - 1].empty()) --last;
        std::string out;
        for (std::size_t i = 0; i < last; ++i) {
            if (i) out.push_back(d_.field);
            out += fields_[i];
        }
        out.push_back('\r');
        return out;
    }

private:
    Delimiters d_;
    std::vector<std::string> fields_;
};

// LIS2-A2 6.6.1: the universal test id's 4th component is the manufacturer's local code.
constexpr std::size_t kLocalCodeComponent = 4;

// `^^^code`: the universal test id with only the manufacturer's local code (LIS2-A2 6.6.1).
std::string test_id(const std::string& code, const Delimiters& d) {
    return std::string(3, d.component) + escape(code, d);
}

int sequence_of(const Record& r) {
    std::string s = r.field(2);
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && ptr == s.data() + s.size() ? value : 0;
}

Components components_of(const Record& r, std::size_t n) {
    Components out;
    const Delimiters& d = r.delimiters();
    std::string_view raw = r.raw_field(n);
    std::string_view first = raw.substr(0, raw.find(d.repeat));
    if (first.empty()) return out;
    for (std::string_view part : split_on(first, d.component)) out.push_back(unescape(part, d));
    return out;
}

}  // namespace

std::string local_test_code(std::string_view universal_test_id, const Delimiters& d) {
    const auto parts = split_on(universal_test_id, d.component);
    if (parts.size() == 1) return unescape(parts.front(), d);
    return parts.size() >= kLocalCodeComponent ? unescape(parts[kLocalCodeComponent - 1], d) : std::string();
}

std::string encode(const HeaderRecord& h, const Delimiters& d) {
    RecordWriter w('H', d);
    w.raw(2, std::string{d.repeat, d.component, d.escape});
    w.text(3, h.message_control_id);
    w.components(5, h.sender);
    w.components(10, h.receiver);
    w.text(12, h.processing_id);
    w.text(13, h.version);
    w.text(14, h.timestamp);
    return w.str();
}

std::string encode(const PatientRecord& p, const Delimiters& d) {
    RecordWriter w('P', d);
    w.number(2, p.sequence);
    w.text(3, p.practice_patient_id);
    w.text(4, p.laboratory_patient_id);
    w.components(6, p.name);
    w.text(8, p.birth_date);
    w.text(9, p.sex);
    return w.str();
}

std::string encode(const OrderRecord& o, const Delimiters& d) {
    RecordWriter w('O', d);
    w.number(2, o.sequence);
    w.text(3, o.specimen_id);
    w.text(4, o.instrument_specimen_id);
    std::string tests;
    for (std::size_t i = 0; i < o.test_codes.size(); ++i) {
        if (i) tests.push_back(d.repeat);
        tests += test_id(o.test_codes[i], d);
    }
    w.raw(5, tests);
    w.text(6, o.priority);
    w.text(7, o.requested_at);
    w.text(8, o.collected_at);
    w.text(12, o.action_code);
    w.text(16, o.specimen_type);
    w.text(26, o.report_type);
    return w.str();
}

std::string encode(const QueryRecord& q, const Delimiters& d) {
    RecordWriter w('Q', d);
    w.number(2, q.sequence);
    w.raw(3, escape(q.patient_id, d) + d.component + escape(q.specimen_id, d));
    w.raw(5, test_id(q.test_code, d));
    w.text(13, q.status_code);
    return w.str();
}

std::string encode(const TerminatorRecord& l, const Delimiters& d) {
    RecordWriter w('L', d);
    w.number(2, l.sequence);
    w.text(3, l.code);
    return w.str();
}

HeaderRecord decode_header(const Record& r) {
    HeaderRecord h;
    h.message_control_id = r.field(3);
    h.sender = components_of(r, 5);
    h.receiver = components_of(r, 10);
    h.processing_id = r.field(12);
    h.version = r.field(13);
    h.timestamp = r.field(14);
    return h;
}

PatientRecord decode_patient(const Record& r) {
    PatientRecord p;
    p.sequence = sequence_of(r);
    p.practice_patient_id = r.field(3);
    p.laboratory_patient_id = r.field(4);
    p.name = components_of(r, 6);
    p.birth_date = r.field(8);
    p.sex = r.field(9);
    return p;
}

OrderRecord decode_order(const Record& r) {
    OrderRecord o;
    o.sequence = sequence_of(r);
    o.specimen_id = r.component(3, 1);
    o.instrument_specimen_id = r.field(4);
    // Each repeat is a universal test id ^^^code; the 4th component is the local code.
    o.test_codes = r.repeat_components(5, kLocalCodeComponent);
    o.priority = r.field(6);
    o.requested_at = r.field(7);
    o.collected_at = r.field(8);
    o.action_code = r.field(12);
    o.specimen_type = r.field(16);
    o.report_type = r.field(26);
    return o;
}

QueryRecord decode_query(const Record& r) {
    QueryRecord q;
    q.sequence = sequence_of(r);
    q.patient_id = r.component(3, 1);
    q.specimen_id = r.component(3, 2);
    q.test_code = local_test_code(split_on(r.raw_field(5), r.delimiters().repeat).front(), r.delimiters());
    q.status_code = r.field(13);
    return q;
}

TerminatorRecord decode_terminator(const Record& r) {
    TerminatorRecord l;
    l.sequence = sequence_of(r);
    l.code = r.field(3);
    return l;
}

}  // namespace protocols::astm
