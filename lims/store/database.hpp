// The database the service stores everything in, with its transactions: the header
// callers include. The Database class is in database_core.hpp; Transaction, and the
// definitions of Database::write/read that need it, in transaction.hpp (which includes
// database_core.hpp, never this file: no include cycle).
#pragma once

#include "lims/store/database_core.hpp"
#include "lims/store/transaction.hpp"
