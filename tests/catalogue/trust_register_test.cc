#include "services/catalogue/trust_register.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "services/catalogue/catalogue_seed.h"

namespace ahpl::catalogue {
namespace {

constexpr char kHeader[] = "ods_code,name,region_code,region_name,trust_type\n";

// Trusts per region counted straight from the register's source file, without the
// project's parser: the region code is the third field from the end.
std::map<std::string, int> CountsFromSourceFile() {
  std::ifstream in(AHPL_TRUSTS_SOURCE_CSV);
  EXPECT_TRUE(in.good()) << AHPL_TRUSTS_SOURCE_CSV;
  std::map<std::string, int> counts;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t last = line.rfind(',');
    size_t second = line.rfind(',', last - 1);
    size_t third = line.rfind(',', second - 1);
    counts[line.substr(third + 1, second - third - 1)]++;
  }
  return counts;
}

TEST(TrustRegisterTest, ShippedRegisterMatchesItsSourceFile) {
  auto records = ShippedTrustRegister();
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), 202u);
  std::map<std::string, int> counts;
  for (const auto& r : *records) counts[r.region_code]++;
  EXPECT_EQ(counts, CountsFromSourceFile());
  EXPECT_EQ(counts["Y60"], 40);
}

TEST(TrustRegisterTest, ReadsQuotedNames) {
  auto records = ParseTrustRegister(std::string(kHeader) +
                                    "RF4,\"Barking, Havering and Redbridge\",Y56,London,acute\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].name, "Barking, Havering and Redbridge");
  EXPECT_EQ((*records)[0].region_name, "London");
}

TEST(TrustRegisterTest, WrongHeaderIsRefused) {
  auto records = ParseTrustRegister("code,name\nRF4,x\n");
  ASSERT_FALSE(records.ok());
  EXPECT_NE(records.status().message().find("line 1"), std::string::npos);
}

TEST(TrustRegisterTest, ReportsEveryBadLineWithItsNumber) {
  auto records = ParseTrustRegister(std::string(kHeader) +
                                    "RF4,A,Y56,London,acute\n"
                                    "rf!,B,Y56,London,acute\n"
                                    "RAL,C,X56,London,acute\n"
                                    "RF4,D,Y56,London,acute\n"
                                    "RXX,E,Y56,Greater London,acute\n"
                                    "RYY,F,Y56\n");
  ASSERT_FALSE(records.ok());
  const std::string message(records.status().message());
  for (const char* expected :
       {"line 3: ods_code", "line 4: region_code", "line 5: ods_code RF4 appears twice",
        "line 6: region Y56", "line 7: expected 5 fields"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << " in " << message;
  }
}

}  // namespace
}  // namespace ahpl::catalogue
