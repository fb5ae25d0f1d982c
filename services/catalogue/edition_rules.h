// The rules a catalogue edition must satisfy to be published, and pure
// helpers over an edition's content.
#ifndef AHPL_SERVICES_CATALOGUE_EDITION_RULES_H_
#define AHPL_SERVICES_CATALOGUE_EDITION_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ahpl/v1/catalogue.pb.h"
#include "core/field_violations.h"

namespace ahpl::catalogue {

// Every problem with `edition`, with paths relative to the edition (e.g.
// "questions[3].section_id"). Empty when it may be published.
FieldViolations ValidateEdition(const v1::Edition& edition);

// Whether `id` is a well-formed edition id (letters, digits, '.', '_', '-',
// starting with a letter or digit, at most 32 characters).
bool IsValidEditionId(absl::string_view id);

// A digest of the edition's content (everything but publish_time), equal
// for equal content.
std::string EditionFingerprint(const v1::Edition& edition);

// The questions of `section_id` (all questions when empty), in order.
std::vector<v1::Question> QuestionsInSection(const v1::Edition& edition,
                                             absl::string_view section_id);

// Whether the edition has a section with this id.
bool HasSection(const v1::Edition& edition, absl::string_view section_id);

}  // namespace ahpl::catalogue

#endif  // AHPL_SERVICES_CATALOGUE_EDITION_RULES_H_
