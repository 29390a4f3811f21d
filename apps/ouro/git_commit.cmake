# Writes OUTPUT (a header defining OURO_GIT_COMMIT) with the commit SOURCE_DIR is checked out at:
# the short hash, "+modified" when tracked files differ from it, "unknown" outside a git checkout.
# Run at every build (apps/ouro/CMakeLists.txt), not once at configure time, so that `ouro version`
# never names a commit the binary was not built from; configure_file rewrites the header only when
# its text changes, so an unchanged commit recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY "${SOURCE_DIR}"
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0 OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD --
    WORKING_DIRECTORY "${SOURCE_DIR}"
    RESULT_VARIABLE modified ERROR_QUIET)
  if(modified EQUAL 1)
    string(APPEND commit "+modified")
  endif()
endif()
set(OURO_GIT_COMMIT "${commit}")
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "// Written by apps/ouro/git_commit.cmake at build time.
#pragma once
#define OURO_GIT_COMMIT \"@OURO_GIT_COMMIT@\"
" @ONLY)
