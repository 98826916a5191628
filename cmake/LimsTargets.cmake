# lims_library(NAME DIR [DEPS ...]): a static library of every .cpp under DIR
# (recursively). Headers are included as "dir/file.hpp" from the repository root.
function(lims_library name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/${dir}/*.cpp")
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(NOT sources)
    set(sources "${CMAKE_BINARY_DIR}/empty_${name}.cpp")
    file(WRITE "${sources}" "// ${name} has no sources yet\n")
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC "${CMAKE_SOURCE_DIR}")
  target_link_libraries(${name} PUBLIC ${ARGN})
endfunction()

# lims_test_suite(NAME DIR [DEPS ...]): one GoogleTest executable of every *_test.cpp
# under tests/DIR; each test case becomes a ctest entry.
function(lims_test_suite name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/tests/${dir}/*_test.cpp")
  if(NOT sources)
    return()
  endif()
  file(GLOB_RECURSE support CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/tests/${dir}/support/*.cpp")
  add_executable(${name} ${sources} ${support})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE LIMS_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             LIMS_BINARY_DIR="${CMAKE_BINARY_DIR}")
  # Precompiled headers (LIMS_PCH): most of a test file's compile time is GoogleTest's and
  # the standard library's headers, parsed again for every file; CI builds from scratch.
  if(LIMS_PCH)
    target_precompile_headers(${name} PRIVATE <gtest/gtest.h> <string> <vector> <optional> <map>
                                              <sstream> <chrono> <functional> <memory>)
  endif()
  # LIMS_SUITE_PROPERTIES: more ctest properties for this suite's tests (RUN_SERIAL ...).
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 300 ${LIMS_SUITE_PROPERTIES})
endfunction()

# lims_precompile(TARGET [HEADERS ...]): precompiled headers for a library whose files
# share heavy headers (Poco's), when LIMS_PCH is on.
function(lims_precompile name)
  if(LIMS_PCH)
    target_precompile_headers(${name} PRIVATE <string> <vector> <optional> <map> <sstream> <chrono>
                                              <functional> <memory> ${ARGN})
  endif()
endfunction()
