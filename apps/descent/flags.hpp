// The library names its options as its API does (`epochs must be >= 0`, `(steps=100)`,
// `variable 'z' has no value`); the CLI says flags. flag_message rewrites a library message for
// the command line. Example: flag_message("epochs must be >= 0, got -1") == "--epochs must be >= 0,
// got -1"
#pragma once

#include <string>

namespace descent::cli {

// Rewrites, for the options the CLI has as flags: a leading "NAME must" / "NAME needs" ->
// "--flag ..."; "NAME=VALUE" after '(' or a space -> "--flag VALUE"; "larger NAME" -> "larger
// --flag"; "variable 'v' has no value" -> "...; add it to --at"; and the start-point sentences.
// Anything else is returned as it is.
std::string flag_message(const std::string& message);

}  // namespace descent::cli
