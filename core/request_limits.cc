#include "core/request_limits.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "google/protobuf/reflection.h"

namespace ahpl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

struct Exception {
  absl::string_view field;  // full name
  size_t max;
};

// Fields whose limit is not the default one.
constexpr Exception kStringExceptions[] = {
    {"ahpl.v1.Answer.evidence", 10000},
};
constexpr Exception kRepeatedExceptions[] = {
    {"ahpl.v1.ImportReturnsRequest.items", kMaxImportItemsPerMessage},
    {"ahpl.v1.AssessmentReturn.answers", 200},
};

size_t Lookup(const FieldDescriptor& field, const Exception* begin, const Exception* end,
              size_t fallback) {
  for (const Exception* e = begin; e != end; ++e) {
    if (e->field == field.full_name()) return e->max;
  }
  return fallback;
}

void Check(const Message& message, const std::string& path, FieldViolations& v) {
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string field_path = JoinPath(path, field->name());
    const bool text = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (field->is_repeated()) {
      const size_t entries = static_cast<size_t>(reflection.FieldSize(message, field));
      const size_t max = MaxRepeatedEntries(*field);
      if (entries > max) {
        v.Add(field_path, absl::StrCat("at most ", max, " entries (", entries, " given)"));
        continue;
      }
      for (size_t i = 0; i < entries; ++i) {
        const int index = static_cast<int>(i);
        if (nested) {
          Check(reflection.GetRepeatedMessage(message, field, index), IndexPath(field_path, i), v);
        } else if (text) {
          std::string scratch;
          const std::string& value =
              reflection.GetRepeatedStringReference(message, field, index, &scratch);
          if (value.size() > MaxStringBytes(*field)) {
            v.Add(IndexPath(field_path, i),
                  absl::StrCat("at most ", MaxStringBytes(*field), " bytes"));
          }
        }
      }
      continue;
    }
    if (nested) {
      Check(reflection.GetMessage(message, field), field_path, v);
    } else if (text) {
      std::string scratch;
      const std::string& value = reflection.GetStringReference(message, field, &scratch);
      if (value.size() > MaxStringBytes(*field)) {
        v.Add(field_path, absl::StrCat("at most ", MaxStringBytes(*field), " bytes (", value.size(),
                                       " given)"));
      }
    }
  }
}

}  // namespace

size_t MaxStringBytes(const FieldDescriptor& field) {
  return Lookup(field, std::begin(kStringExceptions), std::end(kStringExceptions), kMaxStringBytes);
}

size_t MaxRepeatedEntries(const FieldDescriptor& field) {
  return Lookup(field, std::begin(kRepeatedExceptions), std::end(kRepeatedExceptions),
                kMaxRepeatedEntries);
}

absl::Status CheckRequestLimits(const Message& message, absl::string_view prefix) {
  FieldViolations v;
  Check(message, std::string(prefix), v);
  return v.ToStatus("request over the server's limits");
}

}  // namespace ahpl
