// A classification ruleset made ready to run: the rules (data, from a
// versioned JSON file) checked against the catalogue edition whose Table 1,
// sections and considerations they use.
#ifndef AHPL_SERVICES_CLASSIFICATION_RULESET_H_
#define AHPL_SERVICES_CLASSIFICATION_RULESET_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ahpl/v1/catalogue.pb.h"
#include "ahpl/v1/classification.pb.h"
#include "core/arrangement.h"
#include "core/field_violations.h"

namespace ahpl::classification {

class CompiledRuleset {
 public:
  // Checks `ruleset` against `edition` (the edition it names): every
  // typology it places arrangements in is a Table 1 row of the edition, every
  // section, consideration and question it names exists, finding codes are
  // unique. Problems are INVALID_ARGUMENT with field paths.
  static absl::StatusOr<std::shared_ptr<const CompiledRuleset>> Compile(v1::Ruleset ruleset,
                                                                        v1::Edition edition);

  const v1::Ruleset& ruleset() const { return ruleset_; }
  const v1::Edition& edition() const { return edition_; }
  const v1::TypologyRow& row(v1::Typology typology) const { return *rows_.at(typology); }
  // The edition's name for a profession, e.g. "physiotherapists".
  std::string ProfessionName(v1::Profession profession) const;
  // The edition's code for a band, e.g. "8c".
  std::string BandCode(v1::Band band) const;
  // The edition's heading of a consideration.
  std::string ConsiderationTitle(const std::string& id) const;
  // A Table 1 row's typical bands as text, e.g. "8c, 8d".
  const std::string& TypicalBands(v1::Typology typology) const {
    return typical_bands_.at(typology);
  }

 private:
  CompiledRuleset() = default;
  v1::Ruleset ruleset_;
  v1::Edition edition_;
  std::map<v1::Typology, const v1::TypologyRow*> rows_;
  std::map<v1::Typology, std::string> typical_bands_;
};

// Whether `facts` meet every part of `condition` that is set. Parts about
// the senior leader's post never hold when there is no post.
bool Matches(const v1::Condition& condition, const ArrangementFacts& facts);

// Adds to `out` the facts behind each set part of `condition`, in words a
// board member understands, with the field each comes from.
void Explain(const v1::Condition& condition, const ArrangementFacts& facts,
             const CompiledRuleset& rules, google::protobuf::RepeatedPtrField<v1::Reason>* out);

// The arrangement fields a condition reads, for a finding's triggered_by.
std::vector<std::string> FieldsOf(const v1::Condition& condition);

// The ruleset shipped with this build (services/classification/data/).
absl::StatusOr<v1::Ruleset> ShippedRuleset();

// Parses a ruleset from proto3 JSON.
absl::StatusOr<v1::Ruleset> ParseRuleset(absl::string_view json);

}  // namespace ahpl::classification

#endif  // AHPL_SERVICES_CLASSIFICATION_RULESET_H_
