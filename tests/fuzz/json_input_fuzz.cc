// Fuzzes what the command line does with a JSON input file: the depth check,
// JsonPathLines (the line of each field) and ParseJson of a return. Besides
// the sanitizers' findings it checks that the three agree: JsonPathLines
// never accepts what the depth check refuses, and a return ParseJson reads
// is read again from its own JSON.
//
// The readers run on a thread with a 256 KiB stack. Inputs are at most 4 KiB
// (libFuzzer's default -max_len), and a recursion of about a KiB a level
// only overflows the main thread's 8 MiB thousands of levels down, deeper
// than such an input can nest; on 256 KiB, unbounded recursion overflows a
// few hundred levels down (JsonPathLines without its limit did), while the
// 64 levels the readers accept fit with room to spare. The seed
// regression-deep-nesting.json is 1,500 levels deep, a shape that crashed
// the command line.
#include <pthread.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ahpl/v1/assessment.pb.h"
#include "core/json.h"
#include "sdk/cli/json_input.h"
#include "sdk/cli/json_paths.h"

namespace {

constexpr size_t kStackBytes = 256 * 1024;

void Check(const std::string& json) {
  const absl::Status depth = ahpl::CheckJsonDepth(json);

  // Safe on its own, whatever the depth.
  const auto lines = ahpl::cli::JsonPathLines(json);
  if (lines.ok()) {
    if (!depth.ok()) __builtin_trap();  // the two limits must agree
    for (const char* path : {"answers[0].rating", "arrangement.senior_leader.band", "cycle", "",
                             "answers[", "a.b[3].c"}) {
      (void)ahpl::cli::LineOf(*lines, path);
    }
  }

  const auto ret = ahpl::cli::ParseJson<ahpl::v1::AssessmentReturn>(json, "fuzz.json");
  if (!depth.ok() && ret.ok()) __builtin_trap();
  if (ret.ok()) {
    for (auto layout : {ahpl::JsonLayout::kCompact, ahpl::JsonLayout::kPretty}) {
      const auto again =
          ahpl::cli::ParseJson<ahpl::v1::AssessmentReturn>(ahpl::ToJson(*ret, layout), "again");
      if (!again.ok() || again->SerializeAsString() != ret->SerializeAsString()) __builtin_trap();
    }
  }
}

void* Run(void* json) {
  Check(*static_cast<const std::string*>(json));
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, kStackBytes) != 0 ||
      pthread_create(&thread, &attr, Run, &json) != 0) {
    std::abort();  // the machine's fault, not the input's
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return 0;
}
