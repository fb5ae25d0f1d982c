#include "core/csv.h"

#include <gtest/gtest.h>

namespace ahpl {
namespace {

TEST(CsvTest, ReadsQuotedFieldsWithCommasAndDoubledQuotes) {
  auto rows = ParseCsv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ((*rows)[1].line, 2);
}

TEST(CsvTest, HandlesCrlfBlankLinesAndMissingFinalNewline) {
  auto rows = ParseCsv("a,b\r\n\r\n1,2\r\n3,");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ((*rows)[1].line, 3);
  EXPECT_EQ((*rows)[2].fields, (std::vector<std::string>{"3", ""}));
}

TEST(CsvTest, KeepsNewlinesInsideQuotesAndCountsLines) {
  auto rows = ParseCsv("\"multi\nline\",x\nnext,y\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].fields[0], "multi\nline");
  EXPECT_EQ((*rows)[1].line, 3);
}

TEST(CsvTest, UnclosedQuoteNamesItsLine) {
  auto rows = ParseCsv("a,b\nc,\"open\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("line 2"), std::string::npos) << rows.status();
}

TEST(CsvTest, TextAfterClosingQuoteIsAnError) {
  auto rows = ParseCsv("\"a\"b,c\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("line 1"), std::string::npos);
}

TEST(CsvWriterTest, NeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x/\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x/\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvCell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(CsvCell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
  EXPECT_EQ(CsvCell("@SUM(1+1)"), "'@SUM(1+1)");
  EXPECT_EQ(CsvCell("\t=1"), "'\t=1");
  EXPECT_EQ(CsvCell("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvCell("-"), "'-");
  EXPECT_EQ(CsvCell("-inf"), "'-inf");
  // Quotes of its own count, so that reading back is exact.
  EXPECT_EQ(CsvCell("'=1"), "''=1");
}

TEST(CsvWriterTest, LeavesPlainNumbersAndOtherTextAlone) {
  for (const char* number : {"-3", "+3", "-2.5", "-.5", "-1.", "-1e5", "+2.5E-3", "0", "12"}) {
    EXPECT_EQ(CsvCell(number), number);
  }
  for (const char* text : {"Head of AHPs", "a=b", " =1", "'quoted'", "", "8c", "returns/1-2"}) {
    EXPECT_EQ(CsvCell(text), text);
  }
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
}

TEST(CsvWriterTest, EveryCellReadsBackAsWritten) {
  const std::vector<std::string> cells = {
      "=1+1", "'=1+1", "''=1",   "-3",         "'-3", "-x",     "@", "'",
      "''",   "\t",    "\r\n=1", "a \"b\", c", "",    "'plain", "+", "line\nbreak"};
  const std::string line = CsvLine(cells);
  auto rows = ParseCsv(line);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u) << line;
  ASSERT_EQ((*rows)[0].fields.size(), cells.size()) << line;
  for (size_t i = 0; i < cells.size(); ++i) {
    EXPECT_EQ(RestoreCsvText((*rows)[0].fields[i]), cells[i]) << i << ": " << line;
  }
  // A row of one empty cell is not a blank line (which ParseCsv skips).
  EXPECT_EQ(CsvLine({""}), "\"\"\n");
  auto one = ParseCsv(CsvLine({""}));
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].fields, std::vector<std::string>{""});
}

TEST(CsvWriterTest, RestoreTakesOffOnlyTheQuoteANeutralisedCellHas) {
  EXPECT_EQ(RestoreCsvText("'=1"), "=1");
  EXPECT_EQ(RestoreCsvText("''-x"), "'-x");
  EXPECT_EQ(RestoreCsvText("'plain"), "'plain");
  EXPECT_EQ(RestoreCsvText("'"), "'");
  EXPECT_EQ(RestoreCsvText("=1"), "=1");
  EXPECT_EQ(RestoreCsvText("-3"), "-3");
}

}  // namespace
}  // namespace ahpl
