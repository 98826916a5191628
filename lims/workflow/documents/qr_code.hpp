// A QR code's module matrix (libqrencode), for the verification address printed on the
// test report. The renderer draws dark modules as filled squares; no I/O.
#pragma once

#include "lims/domain/result.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace lims::workflow::documents {

struct QrMatrix {
    int width = 0;            // modules per side, without the quiet zone
    std::vector<bool> dark;   // row-major, width * width

    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
};

// Quiet zone of 4 modules on every side (ISO/IEC 18004 §6.3.8).
inline constexpr int kQrQuietZoneModules = 4;
// A verification address is far shorter; more would make an unreadably dense symbol.
inline constexpr std::size_t kQrMaxTextLength = 512;

// Error correction level M (15 %): survives a stamp or a fold over the corner.
// Errors: qr.empty, qr.too_long, qr.encode (libqrencode refused, with errno's text).
domain::Result<QrMatrix> encode_qr(std::string_view text);

}  // namespace lims::workflow::documents
