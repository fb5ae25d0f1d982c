// Fuzzes core/disclosure.h: DiscloseCycle over any table of counts the bytes
// describe (one to seven regions, keys inside and outside the enums, titles,
// findings, ratings). It must not crash, every hidden cell must read 0, and
// controlling the answer again must not show anything it hid.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/disclosure.h"
#include "core/summary.h"

namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  uint8_t Next() { return at_ < size_ ? data_[at_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

const std::vector<std::string> kTypologies = {
    "TYPOLOGY_UNIPROFESSIONAL", "TYPOLOGY_PARTIAL_MULTIPROFESSIONAL",
    "TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL", "TYPOLOGY_FROM_ELSEWHERE"};
const std::vector<std::string> kBands = {"NO_POST", "BAND_8A", "BAND_8C", "BAND_9", "BAND_X"};
const std::vector<std::string> kBoards = {"BOARD_RELATIONSHIP_CLOSE", "BOARD_RELATIONSHIP_DISTANT",
                                          "BOARD_RELATIONSHIP_ODD"};
const std::vector<std::string> kFindings = {"LEADER_BELOW_8C", "PART_TIME_SENIOR_POST",
                                            "NO_ROUTE_TO_BOARD"};

void CheckHiddenReadZero(const ahpl::v1::ReturnSummary& s) {
  auto check = [](const google::protobuf::RepeatedPtrField<ahpl::v1::Count>& counts) {
    for (const auto& c : counts) {
      if (c.suppressed() && c.count() != 0) __builtin_trap();
    }
  };
  check(s.typology());
  check(s.bands());
  check(s.board_relationships());
  check(s.findings());
  check(s.leader_titles());
  for (const auto& q : s.questions()) check(q.ratings());
}

// Every cell hidden in `first` is hidden in `again`.
void CheckStillHidden(const ahpl::v1::ReturnSummary& first, const ahpl::v1::ReturnSummary& again) {
  for (const auto& path : first.suppressed_cells()) {
    if (!ahpl::assessment::IsSuppressed(again, path)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ahpl::assessment::AddCount;
  Bytes in(data, size);
  const int region_count = 1 + in.Next() % 7;
  const int below = in.Next() % 9;
  std::map<std::string, ahpl::v1::ReturnSummary> regions;
  for (int r = 0; r < region_count; ++r) {
    auto& s = regions["Y" + std::to_string(56 + r)];
    s.set_region_code("Y" + std::to_string(56 + r));
    s.set_cycle("2018-19");
    s.set_trusts_in_register(20);
  }
  // Each further group of bytes is one return, at most 400 of them.
  for (int n = 0; n < 400 && !in.empty(); ++n) {
    auto& s = regions["Y" + std::to_string(56 + in.Next() % region_count)];
    const uint8_t facts = in.Next();
    const uint8_t more = in.Next();
    s.set_returns(s.returns() + 1);
    if (facts & 0x80) s.set_trusts_responding(s.trusts_responding() + 1);
    AddCount(*s.mutable_typology(), kTypologies[facts % kTypologies.size()], 1);
    const std::string& band = kBands[(facts >> 2) % kBands.size()];
    AddCount(*s.mutable_bands(), band, 1);
    if (band != "NO_POST") {
      s.set_returns_with_leader(s.returns_with_leader() + 1);
      AddCount(*s.mutable_board_relationships(), kBoards[more % kBoards.size()], 1);
      if (band == "BAND_8C" || band == "BAND_9") {
        s.set_leaders_at_8c_or_above(s.leaders_at_8c_or_above() + 1);
      }
      if (more & 0x10) {
        s.set_returns_with_title(s.returns_with_title() + 1);
        AddCount(*s.mutable_leader_titles(), "title " + std::to_string((more >> 5) % 4), 1);
      }
    }
    for (size_t f = 0; f < kFindings.size(); ++f) {
      if (more & (1 << f)) AddCount(*s.mutable_findings(), kFindings[f], 1);
    }
    const uint8_t rating = in.Next();
    for (int q = 0; q < 2; ++q) {
      const std::string id = "q" + std::to_string(q);
      AddCount(*ahpl::assessment::QuestionRatingsOf(s, id).mutable_ratings(),
               std::to_string(1 + ((rating >> (2 * q)) & 3)), 1);
    }
  }
  std::vector<ahpl::v1::ReturnSummary> exact;
  for (auto& [code, s] : regions) exact.push_back(s);

  ahpl::assessment::DisclosedTable table =
      ahpl::assessment::DiscloseCycle(std::move(exact), "2018-19", below);
  CheckHiddenReadZero(table.england);
  for (const auto& s : table.regions) CheckHiddenReadZero(s);

  // Controlling the answer again (as the SDK does when it merges servers'
  // answers) may hide more, never less: what one answer hid, the other
  // does not show.
  ahpl::assessment::DisclosedTable again = table;
  ahpl::assessment::ControlDisclosure(again, std::max(below, ahpl::assessment::kMinSuppressBelow));
  CheckStillHidden(table.england, again.england);
  for (size_t i = 0; i < table.regions.size(); ++i) {
    CheckStillHidden(table.regions[i], again.regions[i]);
  }
  return 0;
}
