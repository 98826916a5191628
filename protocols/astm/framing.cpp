#include "protocols/astm/framing.hpp"

namespace protocols::astm {

std::uint8_t frame_checksum(std::string_view bytes) noexcept {
    unsigned sum = 0;
    for (unsigned char c : bytes) sum += c;
    return static_cast<std::uint8_t>(sum & 0xFFu);
}

std::string checksum_hex(std::uint8_t sum) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string{kHex[sum >> 4], kHex[sum & 0x0F]};
}

namespace {
std::optional<unsigned> hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return std::nullopt;
}
}  // namespace

std::optional<std::uint8_t> parse_checksum(char high, char low) noexcept {
    auto h = hex_digit(high);
    auto l = hex_digit(low);
    if (!h || !l) return std::nullopt;
    return static_cast<std::uint8_t>((*h << 4) | *l);
}

std::string encode_frame(int frame_number, std::string_view text, bool last_of_record) {
    std::string frame;
    frame.reserve(text.size() + 7);
    frame.push_back(kStx);
    int fn = frame_number % kFrameNumberModulus;
    if (fn < 0) fn += kFrameNumberModulus;
    frame.push_back(static_cast<char>('0' + fn));
    frame.append(text);
    frame.push_back(last_of_record ? kEtx : kEtb);
    frame += checksum_hex(frame_checksum(std::string_view(frame).substr(1)));
    frame.push_back(kCr);
    frame.push_back(kLf);
    return frame;
}

std::vector<std::string> encode_frames(std::string_view records, int first_frame_number,
                                       std::size_t max_text) {
    if (max_text == 0) max_text = kMaxFrameText;
    std::vector<std::string> frames;
    int fn = first_frame_number;
    while (!records.empty()) {
        // A record is its text plus its CR; a trailing record without CR is sent as is.
        std::size_t end = records.find(kCr);
        std::size_t record_len = end == std::string_view::npos ? records.size() : end + 1;
        std::string_view record = records.substr(0, record_len);
        records.remove_prefix(record_len);
        while (!record.empty()) {
            std::size_t take = record.size() <= max_text ? record.size() : max_text;
            bool last = take == record.size();
            frames.push_back(encode_frame(fn++, record.substr(0, take), last));
            record.remove_prefix(take);
        }
    }
    return frames;
}

}  // namespace protocols::astm
