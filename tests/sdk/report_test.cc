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
  summary.mutable_total()->set_basis(v1::SUMMARY_BASIS_PER_TRUST);
  summary.mutable_total()->set_provisional(true);
  v1::ListNonRespondersResponse not_returned;
  not_returned.set_trusts_in_scope(60);
  not_returned.set_trusts_returned(58);
  not_returned.set_state(v1::COLLECTION_STATE_OPEN);
  auto* quiet = not_returned.add_trusts();
  quiet->set_trust_ods_code("RAL");
  quiet->set_trust_name("Royal Free London NHS Foundation Trust");
  quiet->set_region_code("Y56");
  quiet->set_progress(v1::RETURN_PROGRESS_NOTHING_STARTED);
  auto* drafting = not_returned.add_trusts();
  drafting->set_trust_ods_code("RAP");
  drafting->set_trust_name("North Middlesex <University> Hospital");
  drafting->set_region_code("Y56");
  drafting->set_progress(v1::RETURN_PROGRESS_SUBMITTED_NOT_ATTESTED);
  drafting->mutable_last_activity_time()->set_seconds(1561932900);  // 2019-06-30T22:15:00Z
  const std::string html = RegionalReport(summary, not_returned, edition);
  ASSERT_GT(Count(html, "//body"), 0) << html.substr(0, 500);
  // Response rate, typology, bands, board relationships, findings, and one
  // per question.
  EXPECT_EQ(Count(html, "//svg:svg"), 5 + edition.questions_size());
  EXPECT_EQ(Count(html, "//table[1]/tr"), 4) << "header, two regions, England";
  EXPECT_NE(html.find("not shown"), std::string::npos);
  EXPECT_NE(html.find("Open Government Licence"), std::string::npos);
  EXPECT_NE(html.find("Counted per trust; provisional"), std::string::npos);

  EXPECT_EQ(Count(html, "//h2[text()='Not yet returned']"), 1);
  EXPECT_EQ(Count(html, "//table[@class='not-returned']/tr"), 3) << "header and two trusts";
  EXPECT_EQ(Count(html,
                  "//table[@class='not-returned']/tr/td[text()="
                  "'Royal Free London NHS Foundation Trust']"),
            1);
  EXPECT_NE(html.find("North Middlesex &lt;University&gt; Hospital"), std::string::npos);
  EXPECT_NE(html.find("<td>submitted, not attested</td><td>2019-06-30 23:15 BST</td>"),
            std::string::npos)
      << "last activity in Europe/London";
  EXPECT_NE(html.find("<td>nothing started</td><td>none</td>"), std::string::npos);
  EXPECT_NE(html.find("58 of 60 trusts have returned, 2 have not"), std::string::npos);
}

TEST(ReportTest, RegionalReportSaysWhenEveryTrustHasReturned) {
  const auto& edition = classification::testing::Edition2018();
  v1::SummarizeReturnsResponse summary;
  *summary.add_regions() = Summary("Y56", 6);
  *summary.mutable_total() = Summary("", 6);
  v1::ListNonRespondersResponse not_returned;
  not_returned.set_trusts_in_scope(6);
  not_returned.set_trusts_returned(6);
  not_returned.set_state(v1::COLLECTION_STATE_CLOSED);
  const std::string html = RegionalReport(summary, not_returned, edition);
  ASSERT_GT(Count(html, "//body"), 0) << html.substr(0, 500);
  EXPECT_EQ(Count(html, "//table[@class='not-returned']"), 0);
  EXPECT_NE(html.find("(closed): 6 of 6 trusts have returned, 0 have not."), std::string::npos);
  EXPECT_NE(html.find("Counted per return; final."), std::string::npos);
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
  EXPECT_EQ(Count(html, "//p[@class='attestation']"), 1);
  EXPECT_NE(html.find("Not attested"), std::string::npos);
  EXPECT_NE(html.find("does not count"), std::string::npos);

  ret->set_counting(true);
  auto* attestation = ret->mutable_attestation();
  attestation->set_attested_by_name("Dr A <Patel>");
  attestation->set_attested_by_role("Chief executive");
  attestation->set_meeting_date("2019-05-30");
  attestation->set_minute_reference("TB 2019/045");
  attestation->set_statement("Approved by the board.");
  attestation->mutable_attest_time()->set_seconds(1559232000);  // 2019-05-30T16:00:00Z
  const std::string attested = TrustReport(benchmark, evaluation, edition);
  ASSERT_GT(Count(attested, "//body"), 0) << attested.substr(0, 500);
  EXPECT_EQ(Count(attested, "//table[@class='attestation']/tr"), 5);
  EXPECT_EQ(attested.find("Not attested"), std::string::npos);
  EXPECT_NE(attested.find("Dr A &lt;Patel&gt; (Chief executive)"), std::string::npos);
  EXPECT_NE(attested.find("<td>TB 2019/045</td>"), std::string::npos);
  EXPECT_NE(attested.find("<td>2019-05-30 17:00 BST</td>"), std::string::npos);
  EXPECT_NE(attested.find("the trust's counting return"), std::string::npos);
}

}  // namespace
}  // namespace ahpl::cli
