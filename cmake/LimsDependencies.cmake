# Every dependency is a Debian 12 package; scripts/run-tests installs the list in
# scripts/debian-packages. Nothing is vendored or downloaded at build time.
find_package(Threads REQUIRED)

# Debian 12's PocoDataPostgreSQL targets link PostgreSQL::client, which CMake's own
# FindPostgreSQL does not define: alias it before Poco is looked up.
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()

set(LIMS_POCO_COMPONENTS Foundation Net NetSSL Util JSON Data DataSQLite Crypto)
if(LIMS_POSTGRESQL)
  list(APPEND LIMS_POCO_COMPONENTS DataPostgreSQL)
endif()
find_package(Poco REQUIRED COMPONENTS ${LIMS_POCO_COMPONENTS})
find_package(Boost 1.74 REQUIRED)
find_package(SQLite3 REQUIRED)

find_package(PkgConfig REQUIRED)
pkg_check_modules(MODBUS REQUIRED IMPORTED_TARGET libmodbus)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# Debian's libxlsxwriter-dev: the .xlsx of the publication list and the national platform export.
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
find_library(HPDF_LIBRARY NAMES hpdf REQUIRED)
find_path(HPDF_INCLUDE_DIR NAMES hpdf.h REQUIRED)
add_library(Lims::hpdf INTERFACE IMPORTED)
target_link_libraries(Lims::hpdf INTERFACE ${HPDF_LIBRARY})
target_include_directories(Lims::hpdf INTERFACE ${HPDF_INCLUDE_DIR})

if(LIMS_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(LIMS_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
