// The HTML reports: well-formed (checked by libxml2's parser), one SVG
// chart per distribution, text escaped.
#include "sdk/cli/report.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "tests/classification/fixtures.h"

namespace ahpl::cli {
namespace {

// Parses `html` as XML (stricter than HTML5) and counts `xpath` matches;
// -1 when it does not parse.
int Count(const std::string& html, const char* xpath) {
  xmlDocPtr doc = xmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) return -1;
  xmlXPathContextPtr context = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(context, BAD_CAST "svg", BAD_CAST "http://www.w3.org/2000/svg");
  xmlXPathObjectPtr result = xmlXPathEvalExpression(BAD_CAST xpath, context);
  const int n = result && result->nodesetval ? result->nodesetval->nodeNr : 0;
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(context);
  xmlFreeDoc(doc);
  return n;
}

v1::ReturnSummary Summary(const std::string& region, int returns) {
  v1::ReturnSummary s;
  s.set_region_code(region);
  s.set_cycle("2018-19");
  s.set_trusts_in_register(30);
  s.set_returns(returns);
  s.set_trusts_responding(returns);
  s.set_response_rate_percent(100.0 * returns / 30);
  auto* t = s.add_typology();
  t->set_key("TYPOLOGY_PARTIAL_MULTIPROFESSIONAL");
  t->set_count(returns);
  auto* b = s.add_bands();
  b->set_key("BAND_8A");
  b->set_suppressed(true);
  auto* f = s.add_findings();
  f->set_key("LEADER_BELOW_8C");
  f->set_count(2);
  auto* q = s.add_questions();
  q->set_question_id("concepts.identify-leader");
  auto* r = q->add_ratings();
  r->set_key("4");
  r->set_count(returns);
  return s;
}

TEST(ReportTest, RegionalReportIsWellFormedWithAChartPerDistribution) {
  const auto& edition = classification::testing::Edition2018();
  v1::SummarizeReturnsResponse summary;
  *summary.add_regions() = Summary("Y56", 6);
  *summary.add_regions() = Summary("Y58", 3);
  *summary.mutable_total() = Summary("", 9);
  const std::string html = RegionalReport(summary, edition);
  ASSERT_GT(Count(html, "//body"), 0) << html.substr(0, 500);
  // Response rate, typology, bands, board relationships, findings, and one
  // per question.
  EXPECT_EQ(Count(html, "//svg:svg"), 5 + edition.questions_size());
  EXPECT_EQ(Count(html, "//table[1]/tr"), 4) << "header, two regions, England";
  EXPECT_NE(html.find("not shown"), std::string::npos);
  EXPECT_NE(html.find("Open Government Licence"), std::string::npos);
}

TEST(ReportTest, TrustReportHighlightsItsRowAndEscapesText) {
  const auto& edition = classification::testing::Edition2018();
  v1::BenchmarkReturnResponse benchmark;
  auto* ret = benchmark.mutable_assessment_return();
  ret->set_name("returns/x");
  ret->set_trust_ods_code("RF4");
  ret->set_cycle("2018-19");
  ret->mutable_respondent()->set_name("<script>alert('x')</script> & Co");
  benchmark.set_region_code("Y56");
  *benchmark.mutable_region() = Summary("Y56", 6);
  *benchmark.mutable_england() = Summary("", 9);
  v1::EvaluateReturnResponse evaluation;
  evaluation.mutable_classification()->set_typology(v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL);
  evaluation.mutable_classification()->add_reasons()->set_explanation("Leads 2 of 5 professions.");
  auto* finding = evaluation.add_findings();
  finding->set_code("LEADER_BELOW_8C");
  finding->set_severity(v1::SEVERITY_WARNING);
  finding->set_section_id("consequences");
  finding->set_explanation("Below 8c.");
  auto* gap = evaluation.add_section_gaps();
  gap->set_section_id("challenges");
  gap->add_question_ids("challenges.senior-capacity");
  auto* rec = evaluation.add_recommendations();
  rec->set_consideration_id("appoint-strategic-senior-ahp");
  rec->set_title("Appointing a senior AHP with a strategic focus");
  rec->add_because_of("LEADER_BELOW_8C");
  const std::string html = TrustReport(benchmark, evaluation, edition);
  ASSERT_GT(Count(html, "//body"), 0) << html.substr(0, 500);
  EXPECT_EQ(Count(html, "//tr[@class='own']"), 1);
  EXPECT_NE(html.find("Partial multiprofessional"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(Count(html, "//svg:svg"), 3);
  EXPECT_NE(html.find("senior roles are by their nature more strategic"), std::string::npos)
      << "the consideration's text is quoted";
}

}  // namespace
}  // namespace ahpl::cli
