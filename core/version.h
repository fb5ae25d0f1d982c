// The version of the build: `git describe` of the checkout it was built from
// (e.g. v0.1.0-77-ge863785), or what the build was given (AHPL_VERSION).
// Linked into the executables only (ahpl_version), so a new commit relinks
// them and recompiles nothing else.
#ifndef AHPL_CORE_VERSION_H_
#define AHPL_CORE_VERSION_H_

namespace ahpl {

const char* BuildVersion();

}  // namespace ahpl

#endif  // AHPL_CORE_VERSION_H_
