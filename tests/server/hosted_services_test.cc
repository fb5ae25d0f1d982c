#include "services/server/hosted_services.h"

#include <gtest/gtest.h>

namespace ahpl {
namespace {

std::vector<std::string> Names(const std::vector<ServiceFactory>& factories) {
  std::vector<std::string> names;
  for (const auto& f : factories) names.push_back(f.name);
  return names;
}

TEST(SelectServicesTest, AllAndEmptyMeanEveryService) {
  auto all = SelectServices("all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Names(*all), Names(AllServiceFactories()));
  EXPECT_EQ(Names(*SelectServices("")), Names(AllServiceFactories()));
}

TEST(SelectServicesTest, PicksNamedServices) {
  auto chosen = SelectServices(" catalogue ");
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(Names(*chosen), std::vector<std::string>{"catalogue"});
  EXPECT_EQ((*chosen)[0].grpc_name, "ahpl.v1.CatalogueService");
}

TEST(SelectServicesTest, UnknownOrRepeatedNamesAreRefusedWithTheKnownOnes) {
  auto unknown = SelectServices("catalogue,billing");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("billing"), absl::string_view::npos);
  EXPECT_NE(unknown.status().message().find("known: all, access, catalogue"),
            absl::string_view::npos);
  EXPECT_FALSE(SelectServices("catalogue,catalogue").ok());
}

}  // namespace
}  // namespace ahpl
