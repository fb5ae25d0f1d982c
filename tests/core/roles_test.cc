#include "core/roles.h"

#include <gtest/gtest.h>

#include <string>

namespace ahpl {
namespace {

TEST(RolesTest, EveryRoleHasAWordThatReadsBack) {
  for (int i = 1; i < v1::Role_descriptor()->value_count(); ++i) {
    const auto role = static_cast<v1::Role>(v1::Role_descriptor()->value(i)->number());
    const std::string word = RoleWord(role);
    EXPECT_EQ(word.find("role"), std::string::npos) << word;
    EXPECT_EQ(RoleFromWord(word), role) << word;
  }
  EXPECT_EQ(RoleWord(v1::ROLE_REGION), "region");
}

TEST(RolesTest, WordsAreReadInAnyCaseWithOrWithoutThePrefix) {
  struct Case {
    const char* word;
    std::optional<v1::Role> role;
  };
  const Case cases[] = {
      {"trust", v1::ROLE_TRUST},
      {"Trust", v1::ROLE_TRUST},
      {"ROLE_ADMIN", v1::ROLE_ADMIN},
      {"role_national", v1::ROLE_NATIONAL},
      {"unspecified", std::nullopt},
      {"ROLE_UNSPECIFIED", std::nullopt},
      {"", std::nullopt},
      {"trusts", std::nullopt},
      {"ROLE_", std::nullopt},
      {" trust", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(RoleFromWord(c.word), c.role) << "'" << c.word << "'";
}

TEST(RolesTest, TheListNamesEveryRoleOnce) {
  EXPECT_EQ(RoleWords(), "trust, region, national, classifier or admin");
}

}  // namespace
}  // namespace ahpl
