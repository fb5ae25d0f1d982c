#include "sdk/cli/report.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/disclosure.h"
#include "sdk/cli/season_text.h"

namespace ahpl::cli {
namespace {

using Counts = google::protobuf::RepeatedPtrField<v1::Count>;

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;"
    "line-height:1.45}h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:2px solid #005eb8;"
    "padding-bottom:.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%;margin:.6rem 0}"
    "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#f0f4f5}tr.own{background:#fff3c4;font-weight:600}.muted{color:#666}"
    ".finding-HIGH{color:#a00}.finding-WARNING{color:#8a5a00}figure{margin:1rem 0}"
    "figcaption{font-weight:600;margin-bottom:.3rem}footer{margin-top:3rem;font-size:.85rem;color:#"
    "555}";

// Readable labels for enum keys: "TYPOLOGY_PARTIAL_MULTIPROFESSIONAL" ->
// the edition's Table 1 label, "BAND_8C" -> "8c".
class Labels {
 public:
  explicit Labels(const v1::Edition& edition) {
    for (const auto& row : edition.typology()) {
      names_[v1::Typology_Name(row.typology())] = row.label();
    }
    for (const auto& b : edition.bands()) names_[v1::Band_Name(b.band())] = b.label();
    names_["NO_POST"] = "No senior AHP post";
    for (const auto& q : edition.questions()) {
      names_[q.id()] = absl::StrCat("Q", q.position(), " ", q.text());
    }
    for (const auto& s : edition.sections()) names_[s.id()] = s.title();
    for (const auto& p : edition.scale().points()) scale_[std::to_string(p.value())] = p.label();
  }
  std::string operator()(const std::string& key) const {
    auto it = names_.find(key);
    if (it != names_.end()) return it->second;
    std::string words = key;
    for (const char* prefix : {"BOARD_RELATIONSHIP_", "TYPOLOGY_", "BAND_"}) {
      if (words.rfind(prefix, 0) == 0) words = words.substr(std::string(prefix).size());
    }
    std::replace(words.begin(), words.end(), '_', ' ');
    std::transform(words.begin(), words.end(), words.begin(), ::tolower);
    return words;
  }
  std::string Rating(const std::string& value) const {
    auto it = scale_.find(value);
    return it == scale_.end() ? value : it->second;
  }

 private:
  std::map<std::string, std::string> names_;
  std::map<std::string, std::string> scale_;
};

struct Bar {
  std::string label;
  double value = 0;
  std::string shown;  // text beside the bar
  bool highlight = false;
};

// A horizontal bar chart as inline SVG.
std::string BarChart(const std::string& caption, const std::vector<Bar>& bars) {
  const int label_width = 330, bar_width = 300, row = 22;
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  const int height = row * static_cast<int>(std::max<size_t>(bars.size(), 1)) + 6;
  std::string svg = absl::StrFormat(
      "<figure><figcaption>%s</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
      "role=\"img\" aria-label=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
      Html(caption), Html(caption), label_width + bar_width + 90, height,
      label_width + bar_width + 90, height);
  if (bars.empty()) {
    absl::StrAppend(&svg, "<text x=\"0\" y=\"16\" font-size=\"13\">No returns</text>");
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const int y = static_cast<int>(i) * row + 3;
    const int w = max > 0 ? static_cast<int>(bar_width * b.value / max) : 0;
    std::string label = b.label.size() > 52 ? b.label.substr(0, 50) + "…" : b.label;
    absl::StrAppend(
        &svg, absl::StrFormat("<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>"
                              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>"
                              "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>",
                              y + 13, Html(label), label_width, y, std::max(w, 1),
                              b.highlight ? "#ffb81c" : "#005eb8", label_width + std::max(w, 1) + 6,
                              y + 13, Html(b.shown)));
  }
  return svg + "</svg></figure>\n";
}

std::vector<Bar> Bars(const Counts& counts, const Labels& labels, const std::string& own = "") {
  std::vector<Bar> bars;
  for (const auto& c : counts) {
    Bar b;
    b.label = labels(c.key());
    b.value = static_cast<double>(c.count());
    b.shown = c.suppressed() ? "not shown" : std::to_string(c.count());
    b.highlight = c.key() == own;
    bars.push_back(std::move(b));
  }
  return bars;
}

std::string Page(const std::string& title, const std::string& body, const v1::Edition& edition) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<title>",
      Html(title), "</title><style>", kStyle, "</style></head><body>\n", body, "<footer><p>",
      Html(edition.attribution()), "</p><p>Generated by ahpl from catalogue edition ",
      Html(edition.id()), ".</p></footer></body></html>\n");
}

std::string Percent(double v) { return absl::StrFormat("%.1f%%", v); }

// A figure of `s` as shown: "not shown" when disclosure control hid it.
template <typename T>
std::string Shown(const v1::ReturnSummary& s, const std::string& path, const T& value) {
  return assessment::IsSuppressed(s, path) ? std::string("not shown") : absl::StrCat(value);
}

std::string ShownPercent(const v1::ReturnSummary& s, const std::string& path, double value) {
  return assessment::IsSuppressed(s, path) ? std::string("not shown") : Percent(value);
}

}  // namespace

std::string Html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string TrustReport(const v1::BenchmarkReturnResponse& benchmark,
                        const v1::EvaluateReturnResponse& evaluation, const v1::Edition& edition) {
  const Labels labels(edition);
  const auto& ret = benchmark.assessment_return();
  const auto& c = evaluation.classification();
  std::string body = absl::StrCat(
      "<h1>AHP leadership self-assessment: ", Html(ret.trust_ods_code()), ", ", Html(ret.cycle()),
      "</h1><p class=\"muted\">Return ", Html(ret.name()), ", version ", ret.version(), ", ",
      Html(v1::ReturnStatus_Name(ret.status())), ". Respondent: ", Html(ret.respondent().name()),
      " (", Html(ret.respondent().role()), ").</p>\n");

  const auto& a = ret.attestation();
  absl::StrAppend(&body, "<h2>Board sign-off</h2>\n");
  if (a.attested_by_name().empty()) {
    absl::StrAppend(&body,
                    "<p class=\"attestation\">Not attested: the board has not signed off "
                    "this return.</p>\n");
  } else {
    absl::StrAppend(&body, "<table class=\"attestation\"><tr><th>Attested by</th><td>",
                    Html(a.attested_by_name()), " (", Html(a.attested_by_role()),
                    ")</td></tr><tr><th>Board meeting</th><td>", Html(a.meeting_date()),
                    "</td></tr><tr><th>Minute</th><td>", Html(a.minute_reference()), "</td></tr>",
                    a.statement().empty() ? ""
                                          : absl::StrCat("<tr><th>Statement</th><td>",
                                                         Html(a.statement()), "</td></tr>"),
                    "<tr><th>Recorded</th><td>", Html(ShowTime(a.attest_time(), ShownZone())),
                    "</td></tr></table>\n");
  }
  absl::StrAppend(&body, "<p>",
                  ret.counting() ? "This is the trust's counting return for the cycle."
                                 : "This return does not count for the trust in the cycle.",
                  "</p>\n");

  absl::StrAppend(&body,
                  "<h2>Where the arrangement sits in Table 1</h2>\n<table><tr><th>Leadership "
                  "typology</th><th>Relationship with trust board</th><th>Typical AfC bands</th>"
                  "<th>Visibility/influence</th><th>Communication</th><th>Contribution to "
                  "improvement</th><th>Exemplars</th></tr>\n");
  for (const auto& row : edition.typology()) {
    std::vector<std::string> bands;
    for (int b : row.typical_bands())
      bands.push_back(labels(v1::Band_Name(static_cast<v1::Band>(b))));
    absl::StrAppend(&body, row.typology() == c.typology() ? "<tr class=\"own\">" : "<tr>", "<td>",
                    Html(row.label()), "</td><td>", Html(row.board_relationship()), "</td><td>",
                    Html(absl::StrJoin(bands, ", ")), "</td><td>", Html(row.visibility_influence()),
                    "</td><td>", Html(row.communication()), "</td><td>",
                    Html(row.improvement_perception()), "</td><td>", Html(row.exemplars()),
                    "</td></tr>\n");
  }
  absl::StrAppend(&body, "</table><p>Why:</p><ul>");
  for (const auto& r : c.reasons()) absl::StrAppend(&body, "<li>", Html(r.explanation()), "</li>");
  absl::StrAppend(&body, "</ul><p class=\"muted\">Ruleset ", Html(c.ruleset_version()), ".</p>\n");

  absl::StrAppend(&body, "<h2>Findings</h2>\n");
  if (evaluation.findings().empty())
    absl::StrAppend(&body, "<p>None of the spec's risks applies.</p>\n");
  else {
    absl::StrAppend(&body, "<table><tr><th>Severity</th><th>Finding</th><th>Section</th></tr>");
    for (const auto& f : evaluation.findings()) {
      const std::string severity = v1::Severity_Name(f.severity()).substr(9);
      absl::StrAppend(&body, "<tr><td class=\"finding-", severity, "\">", Html(severity),
                      "</td><td>", Html(f.explanation()), "</td><td>", Html(labels(f.section_id())),
                      "</td></tr>");
    }
    absl::StrAppend(&body, "</table>\n");
  }

  absl::StrAppend(&body,
                  "<h2>Gaps by section</h2>\n<table><tr><th>Section</th><th>Answered</th>"
                  "<th>Questions showing a gap</th></tr>");
  for (const auto& g : evaluation.section_gaps()) {
    std::vector<std::string> questions;
    for (const auto& q : g.question_ids()) questions.push_back(Html(labels(q)));
    absl::StrAppend(&body, "<tr><td>", Html(labels(g.section_id())), "</td><td>",
                    g.answered_count(), "</td><td>",
                    questions.empty() ? "none" : absl::StrJoin(questions, "<br/>"), "</td></tr>");
  }
  absl::StrAppend(&body, "</table>\n<h2>What the board should consider</h2>\n");
  if (evaluation.recommendations().empty()) absl::StrAppend(&body, "<p>Nothing further.</p>\n");
  for (const auto& r : evaluation.recommendations()) {
    std::string text;
    for (const auto& k : edition.considerations()) {
      if (k.id() == r.consideration_id()) text = k.text();
    }
    std::vector<std::string> why;
    for (const auto& b : r.because_of()) why.push_back(labels(b));
    absl::StrAppend(&body, "<p><strong>", Html(r.title()), "</strong>: ", Html(text),
                    "</p><p class=\"muted\">Because of: ", Html(absl::StrJoin(why, "; ")),
                    "</p>\n");
  }

  const auto& region = benchmark.region();
  const auto& england = benchmark.england();
  absl::StrAppend(
      &body, "<h2>Compared with region ", Html(benchmark.region_code()),
      " and England</h2>\n<table><tr><th></th><th>Region</th><th>England</th></tr>",
      "<tr><td>Returns</td><td>", Shown(region, "returns", region.returns()), "</td><td>",
      Shown(england, "returns", england.returns()), "</td></tr><tr><td>Response rate</td><td>",
      ShownPercent(region, "response_rate_percent", region.response_rate_percent()), "</td><td>",
      ShownPercent(england, "response_rate_percent", england.response_rate_percent()),
      "</td></tr><tr><td>Senior AHP leader at 8c or above</td><td>",
      ShownPercent(region, "share_at_8c_or_above_percent", region.share_at_8c_or_above_percent()),
      "</td><td>",
      ShownPercent(england, "share_at_8c_or_above_percent", england.share_at_8c_or_above_percent()),
      "</td></tr></table>\n");
  const std::string own_typology = v1::Typology_Name(c.typology());
  const std::string own_band = ret.arrangement().has_senior_ahp_leader()
                                   ? v1::Band_Name(ret.arrangement().senior_leader().band())
                                   : "NO_POST";
  absl::StrAppend(&body, BarChart("Typology of returns in England (yours highlighted)",
                                  Bars(england.typology(), labels, own_typology)));
  absl::StrAppend(&body, BarChart("Typology of returns in the region",
                                  Bars(region.typology(), labels, own_typology)));
  absl::StrAppend(&body,
                  BarChart("Band of the most senior AHP leader in England (yours highlighted)",
                           Bars(england.bands(), labels, own_band)));
  absl::StrAppend(&body, "<p class=\"muted\">Counts below ", england.suppress_below(),
                  " are not shown, nor any figure they could be worked out from, so that small "
                  "groups cannot be identified; no other trust is named.</p>\n");
  return Page(absl::StrCat("AHP leadership: ", ret.trust_ods_code(), " ", ret.cycle()), body,
              edition);
}

std::string RegionalReport(const v1::SummarizeReturnsResponse& summary,
                           const v1::ListNonRespondersResponse& not_returned,
                           const v1::Edition& edition) {
  const Labels labels(edition);
  const auto& total = summary.total();
  std::string body = absl::StrCat(
      "<h1>AHP leadership returns, ", Html(total.cycle()), "</h1>\n", "<p class=\"basis\">Counted ",
      Html(BasisWords(total.basis())), "; ",
      total.provisional()
          ? "provisional: the figures may still change (the collection is open, or a late "
            "submission is allowed)."
          : "final.",
      "</p>\n",
      "<table><tr><th>Region</th><th>Trusts</th><th>Returns</th>"
      "<th>Trusts responding</th><th>Response rate</th>"
      "<th>Leader at 8c or above</th><th>Distinct leader titles</th></tr>");
  auto row = [&](const v1::ReturnSummary& s) {
    absl::StrAppend(
        &body, "<tr><td>", Html(s.region_code().empty() ? "England" : s.region_code()), "</td><td>",
        s.trusts_in_register(), "</td><td>", Shown(s, "returns", s.returns()), "</td><td>",
        Shown(s, "trusts_responding", s.trusts_responding()), "</td><td>",
        ShownPercent(s, "response_rate_percent", s.response_rate_percent()), "</td><td>",
        ShownPercent(s, "share_at_8c_or_above_percent", s.share_at_8c_or_above_percent()),
        "</td><td>", Shown(s, "distinct_leader_titles", s.distinct_leader_titles()), " across ",
        Shown(s, "returns_with_title", s.returns_with_title()), "</td></tr>");
  };
  for (const auto& r : summary.regions()) row(r);
  row(total);
  absl::StrAppend(&body, "</table>\n");

  std::vector<Bar> rates;
  for (const auto& r : summary.regions()) {
    rates.push_back({r.region_code(), r.response_rate_percent(),
                     ShownPercent(r, "response_rate_percent", r.response_rate_percent()), false});
  }
  absl::StrAppend(&body, "<h2>Distributions</h2>\n");
  absl::StrAppend(&body, BarChart("Response rate by region", rates));
  absl::StrAppend(&body, BarChart("Typology (Table 1)", Bars(total.typology(), labels)));
  absl::StrAppend(&body,
                  BarChart("Band of the most senior AHP leader", Bars(total.bands(), labels)));
  absl::StrAppend(&body, BarChart("Relationship of the leader with the board",
                                  Bars(total.board_relationships(), labels)));
  absl::StrAppend(&body, BarChart("Findings", Bars(total.findings(), labels)));
  absl::StrAppend(&body, "<h2>Ratings by question</h2>\n");
  for (const auto& q : edition.questions()) {
    std::vector<Bar> bars;
    for (const auto& rq : total.questions()) {
      if (rq.question_id() != q.id()) continue;
      for (const auto& r : rq.ratings()) {
        bars.push_back({labels.Rating(r.key()), static_cast<double>(r.count()),
                        r.suppressed() ? "not shown" : std::to_string(r.count()), false});
      }
    }
    absl::StrAppend(&body, BarChart(labels(q.id()), bars));
  }
  const DisplayZone& zone = ShownZone();
  absl::StrAppend(&body, "<h2>Not yet returned</h2>\n<p>",
                  Html(ChaseHeadline(total.cycle(), not_returned)), " ", Html(zone.note), "</p>\n");
  if (!not_returned.trusts().empty()) {
    absl::StrAppend(&body,
                    "<table class=\"not-returned\"><tr><th>Trust</th><th>ODS code</th>"
                    "<th>Region</th><th>Progress</th><th>Last activity</th></tr>");
    for (const auto& t : not_returned.trusts()) {
      absl::StrAppend(
          &body, "<tr><td>", Html(t.trust_name()), "</td><td>", Html(t.trust_ods_code()),
          "</td><td>", Html(t.region_code()), "</td><td>", Html(ProgressWords(t.progress())),
          "</td><td>",
          t.has_last_activity_time() ? Html(ShowTime(t.last_activity_time(), zone)) : "none",
          "</td></tr>");
    }
    absl::StrAppend(&body, "</table>\n");
  }
  return Page(absl::StrCat("AHP leadership returns ", total.cycle()), body, edition);
}

}  // namespace ahpl::cli
