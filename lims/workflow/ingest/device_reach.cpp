#include "lims/workflow/ingest/device_reach.hpp"

#include "drivers/link.hpp"

namespace lims::workflow::ingest {

std::string outgoing_address_problem(const drivers::DevicePolicy& policy, std::string_view address) {
    auto host_port = drivers::split_host_port(address);
    if (!host_port || host_port->first.empty())
        return "\"" + std::string(address) + "\" is not host:port (e.g. 10.0.0.21:502)";
    return drivers::outgoing_problem(policy.allow, host_port->first, host_port->second);
}

std::string instrument_address_problem(const drivers::DevicePolicy& policy, std::string_view transport,
                                       std::string_view address) {
    if (address.empty()) return "";
    if (transport == "file_drop" || transport == "folder") {
        auto confined = drivers::confined_path(policy.file_drop_root, drivers::kFileDropRootKey, address);
        if (auto* why = std::get_if<std::string>(&confined)) return "the folder " + *why;
        return "";
    }
    if (transport == "tcp_connect" || transport == "modbus_tcp") return outgoing_address_problem(policy, address);
    return "";
}

}  // namespace lims::workflow::ingest
