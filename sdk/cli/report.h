// Self-contained HTML reports (inline CSS and SVG, no network): a trust's
// board report and a regional report.
#ifndef AHPL_SDK_CLI_REPORT_H_
#define AHPL_SDK_CLI_REPORT_H_

#include <string>

#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/catalogue.pb.h"
#include "ahpl/v1/classification.pb.h"

namespace ahpl::cli {

// A board report for one trust's return: its board's attestation (or that
// there is none), its place in Table 1 and why, gaps by section, findings,
// what to consider, and how it compares with its region and England.
std::string TrustReport(const v1::BenchmarkReturnResponse& benchmark,
                        const v1::EvaluateReturnResponse& evaluation, const v1::Edition& edition);

// A report of a cycle's returns by region, with one SVG chart per
// distribution, and the trusts that have not yet returned (by name, with
// how far each has got and its last activity, in Europe/London).
std::string RegionalReport(const v1::SummarizeReturnsResponse& summary,
                           const v1::ListNonRespondersResponse& not_returned,
                           const v1::Edition& edition);

// Escapes text for HTML.
std::string Html(const std::string& text);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_REPORT_H_
