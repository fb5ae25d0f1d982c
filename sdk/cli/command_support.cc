#include "sdk/cli/command_support.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "core/field_violations.h"
#include "sdk/cli/output.h"

namespace ahpl::cli {

int ReportViolations(const absl::Status& status, const std::string& path, const std::string& json,
                     absl::string_view strip_prefix) {
  auto lines = JsonPathLines(json);
  std::cerr << "ahpl: " << path << ": " << status.message() << "\n";
  if (auto bad = BadRequestOf(status); bad && lines.ok()) {
    for (const auto& v : bad->field_violations()) {
      std::string field = v.field();
      if (!strip_prefix.empty() && field.rfind(std::string(strip_prefix), 0) == 0) {
        field = field.substr(strip_prefix.size());
      }
      const int line = LineOf(*lines, field);
      std::cerr << "  " << path << ":" << (line > 0 ? std::to_string(line) : "-") << ": "
                << v.field() << ": " << v.description() << "\n";
    }
  }
  return kExitInvalidInput;
}

absl::StatusOr<v1::ReturnFilter> FilterFlags::ToFilter() const {
  v1::ReturnFilter f;
  f.set_trust_ods_code(trust);
  f.set_region_code(region);
  f.set_cycle(cycle);
  f.set_counting_only(counting_only);
  if (!status.empty()) {
    v1::ReturnStatus s;
    if (!v1::ReturnStatus_Parse("RETURN_STATUS_" + status, &s)) {
      return absl::InvalidArgumentError("--status: one of draft, submitted, withdrawn");
    }
    f.set_status(s);
  }
  if (!typology.empty()) {
    v1::Typology t;
    if (!v1::Typology_Parse(typology, &t) && !v1::Typology_Parse("TYPOLOGY_" + typology, &t)) {
      return absl::InvalidArgumentError(
          "--typology: a Table 1 row, e.g. PARTIAL_MULTIPROFESSIONAL");
    }
    f.set_typology(t);
  }
  return f;
}

void FilterFlags::AddTo(CLI::App* cmd) {
  cmd->add_option("--trust", trust, "ODS code of one trust");
  cmd->add_option("--region", region, "Region code, e.g. Y56");
  cmd->add_option("--cycle", cycle, "Cycle, e.g. 2018-19");
  cmd->add_option("--status", status, "draft, submitted or withdrawn")
      ->transform([](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), ::toupper);
        return s;
      });
  cmd->add_option("--typology", typology, "Table 1 row, e.g. PARTIAL_MULTIPROFESSIONAL");
  cmd->add_flag("--counting-only", counting_only,
                "Only the returns that count for their trust (one per trust and cycle)");
}

void EndpointFlags::AddTo(CLI::App* cmd) {
  cmd->add_option("--servers", servers,
                  "Comma-separated deployments, one address each, called with the run's token "
                  "(default: --server)");
  cmd->add_option("--endpoint", endpoints,
                  "One deployment, TARGET[=TOKEN_FILE]: an address, its replicas "
                  "comma-separated, or dns:///NAME:PORT, with the file of the token it takes "
                  "(default: the run's token); repeat for each deployment");
}

absl::StatusOr<std::vector<sdk::Endpoint>> Endpoints(const EndpointFlags& flags,
                                                     const RunSettings& settings) {
  std::vector<sdk::Endpoint> out;
  for (absl::string_view s : absl::StrSplit(flags.servers, ',', absl::SkipEmpty())) {
    sdk::Endpoint e{std::string(s), ""};
    if (absl::Status valid = sdk::CheckTarget(e.target); !valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--servers: ", valid.message()));
    }
    out.push_back(std::move(e));
  }
  for (const std::string& text : flags.endpoints) {
    const size_t equals = text.find('=');
    sdk::Endpoint e{text.substr(0, equals), ""};
    if (absl::Status valid = sdk::CheckTarget(e.target); !valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--endpoint ", text, ": ", valid.message()));
    }
    if (equals != std::string::npos) {
      const std::string file = text.substr(equals + 1);
      auto token = file.empty() ? absl::StatusOr<std::string>(absl::NotFoundError(""))
                                : ReadSecretFile(file);
      if (!token.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--endpoint ", e.target, ": cannot read token file \"", file, "\""));
      }
      e.token = std::move(*token);
    }
    out.push_back(std::move(e));
  }
  if (out.empty()) out.push_back(sdk::Endpoint{settings.client_options().target, ""});
  for (const auto& e : out) settings.WarnIfPlaintext(e.target);
  return out;
}

}  // namespace ahpl::cli
