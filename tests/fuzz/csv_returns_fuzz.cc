// Fuzzes the CSV import of returns (sdk/cli/csv_returns.h) against the
// shipped edition 2018-06, and CsvColumnOf on the field paths of what it
// reads and on the input's first line as a path.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "ahpl/v1/catalogue.pb.h"
#include "sdk/cli/csv_returns.h"

namespace {

const ahpl::v1::Edition& Edition() {
  static const ahpl::v1::Edition* edition = [] {
    std::ifstream in(AHPL_EDITION_JSON);
    std::stringstream text;
    text << in.rdbuf();
    auto* e = new ahpl::v1::Edition;
    if (!google::protobuf::util::JsonStringToMessage(text.str(), e).ok() ||
        e->questions_size() == 0) {
      std::abort();  // the shipped edition cannot be read: not the input's fault
    }
    return e;
  }();
  return *edition;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto returns = ahpl::cli::ParseReturnsCsv(text, Edition());
  const std::string first_line = text.substr(0, text.find('\n'));
  if (!returns.ok()) return 0;
  for (const auto& item : *returns) {
    if (item.ret.answers_size() != Edition().questions_size()) __builtin_trap();
    for (const char* field :
         {"trust_ods_code", "answers[0].rating", "answers[11].rating", "answers[12].rating",
          "answers[-1].rating", "answers[", "arrangement.senior_leader.band",
          "arrangement.senior_leader.", "arrangement.professions_employed[2]", "respondent.name"}) {
      (void)ahpl::cli::CsvColumnOf(field, item.ret);
    }
    (void)ahpl::cli::CsvColumnOf(first_line, item.ret);
  }
  return 0;
}
