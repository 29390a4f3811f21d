// The exit statuses of `ouro`, one per kind of failure, so that scripts driving many runs can tell
// a typo on the command line from a bad config, bad data or a full disk without reading stderr.
// README's "Exit status" table lists them; tests/cli/exit_code_test.cpp checks each.
#pragma once

namespace ouro::cli {

enum ExitCode : int {
  kExitSuccess = 0,
  kExitOther = 1,          // any other error (an internal one included)
  kExitUsage = 2,          // the command line: unknown command or flag, missing or malformed argument
  kExitConfig = 3,         // ConfigError: a config key, --set, --grid or a flag's value
  kExitData = 4,           // DataError: a data file, a run folder's contents, a metric value
  kExitIo = 5,             // IoError: a file or folder that cannot be read or written
  kExitCellsSkipped = 6,   // `ouro sweep --skip-invalid` finished, but skipped some cells as invalid
};

}  // namespace ouro::cli
