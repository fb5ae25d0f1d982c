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

}  // namespace
}  // namespace ahpl
