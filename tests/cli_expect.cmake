# A command-line test that checks the exit status and the exact message:
#   cmake -DPROGRAM=path -DARGS=arg[;arg...] -DEXIT=n -DSTDERR=text
#         -P cli_expect.cmake
# Passes when PROGRAM ARGS exits with status EXIT, writes nothing to
# stdout, and writes exactly the line STDERR to stderr.  (In add_test,
# write the ';' between several ARGS as '\\;'.)
foreach(var PROGRAM EXIT STDERR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "cli_expect.cmake: -D${var}=... is missing")
    endif()
endforeach()
execute_process(COMMAND ${PROGRAM} ${ARGS}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(failed "")
if(NOT rc STREQUAL "${EXIT}")
    string(APPEND failed "exit status ${rc}, want ${EXIT}\n")
endif()
if(NOT out STREQUAL "")
    string(APPEND failed "stdout not empty:\n${out}\n")
endif()
if(NOT err STREQUAL "${STDERR}\n")
    string(APPEND failed "stderr:\n  ${err}want:\n  ${STDERR}\n")
endif()
if(failed)
    message(FATAL_ERROR "${PROGRAM} ${ARGS}: ${failed}")
endif()
