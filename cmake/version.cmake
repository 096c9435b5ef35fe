# Writes the generated version header: run at every build (cmake -P) by the
# sprsim_version target, so that --version and /meta/git_commit name the
# commit the binary was built from, not the one CMake was configured at.
# configure_file rewrites OUT only when its content changes, so an unchanged
# commit recompiles nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... -DTEMPLATE=... -DPROJECT_VERSION=... [-DGIT_EXECUTABLE=...] -P version.cmake
set(SPRSIM_GIT_COMMIT "unknown")
if(GIT_EXECUTABLE)
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  if(rc EQUAL 0 AND commit)
    set(SPRSIM_GIT_COMMIT "${commit}")
    # tracked files modified (untracked files, such as a build directory, do not count)
    execute_process(COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no WORKING_DIRECTORY "${SOURCE_DIR}"
                    OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
    if(NOT rc EQUAL 0 OR dirty)
      set(SPRSIM_GIT_COMMIT "${SPRSIM_GIT_COMMIT}-dirty")
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUT}" @ONLY)
