// A file compiled into the binary (migrations, seed data), so ahpl-server
// runs from any folder without its source tree.
#ifndef AHPL_SERVICES_COMMON_EMBEDDED_FILE_H_
#define AHPL_SERVICES_COMMON_EMBEDDED_FILE_H_

#include "absl/strings/string_view.h"

namespace ahpl {

struct EmbeddedFile {
  absl::string_view name;  // file name without folders, e.g. "0001_catalogue.sql"
  absl::string_view contents;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_EMBEDDED_FILE_H_
