#include "lims/workflow/documents/qr_code.hpp"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace lims::workflow::documents {

domain::Result<QrMatrix> encode_qr(std::string_view text) {
    if (text.empty()) return domain::errors::internal("qr.empty", "nothing to encode in the QR code");
    if (text.size() > kQrMaxTextLength)
        return domain::errors::internal("qr.too_long", "QR text of " + std::to_string(text.size()) +
                                                     " bytes is longer than " + std::to_string(kQrMaxTextLength));
    const std::string data(text);
    errno = 0;
    // Byte mode, version chosen by the library, case-sensitive (the hash is lowercase).
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(data.size()), reinterpret_cast<const unsigned char*>(data.data()), 0,
                          QR_ECLEVEL_M),
        &QRcode_free);
    if (!code) {
        const int err = errno;
        return domain::errors::internal("qr.encode", std::string("libqrencode could not encode the text: ") +
                                                   (err != 0 ? std::strerror(err) : "unknown reason"));
    }
    QrMatrix m;
    m.width = code->width;
    const auto n = static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width);
    m.dark.resize(n);
    // Bit 0 of each byte is the module's colour (1 = dark); the other bits are libqrencode's bookkeeping.
    for (std::size_t i = 0; i < n; ++i) m.dark[i] = (code->data[i] & 1) != 0;
    return m;
}

}  // namespace lims::workflow::documents
