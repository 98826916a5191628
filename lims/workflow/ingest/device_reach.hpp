// Where an instrument configured through the API may point (drivers/device_policy.hpp):
// a file_drop folder inside lims.drivers.file_drop_root, a tcp_connect or modbus_tcp
// host:port that lims.drivers.allow allows. The instrument routes answer 422 on the
// "address" field with what this returns; the drivers check the same again when they
// open the folder or connect. (A logger's polling: polling_problems() in
// logger_registration.hpp.)
#pragma once

#include "drivers/device_policy.hpp"

#include <string>
#include <string_view>

namespace lims::workflow::ingest {

// Why `address` is not allowed for an instrument over `transport` (the API's transport
// names: file_drop, tcp_connect, modbus_tcp, ...), naming the configuration key and its
// rule; "" when it is, or when the transport reaches nothing (tcp_listen, serial) or no
// address is set yet (such an instrument does not run). Resolves host names (blocking).
std::string instrument_address_problem(const drivers::DevicePolicy& policy, std::string_view transport,
                                       std::string_view address);

// Why a host:port to connect to is not allowed ("" when it is), for tcp_connect and
// modbus_tcp addresses of instruments and loggers alike.
std::string outgoing_address_problem(const drivers::DevicePolicy& policy, std::string_view address);

}  // namespace lims::workflow::ingest
