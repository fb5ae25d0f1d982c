// Token secrets: shape, randomness, hashing and the authorization header.
#include "services/access/token_secret.h"

#include <gtest/gtest.h>

#include <set>

namespace ahpl::access {
namespace {

TEST(TokenSecretTest, NewSecretsAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto secret = NewTokenSecret();
    ASSERT_TRUE(secret.ok());
    EXPECT_TRUE(IsWellFormedSecret(*secret)) << *secret;
    EXPECT_EQ(secret->size(), 48u) << "ahpl_ and 256 bits in base64url";
    seen.insert(*secret);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(TokenSecretTest, HashIsSha256OfTheSecret) {
  // SHA-256("abc"), the FIPS 180-2 test vector.
  const std::string hash = HashTokenSecret("abc");
  ASSERT_EQ(hash.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(hash[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(hash[31]), 0xad);
  EXPECT_NE(HashTokenSecret("abd"), hash);
}

TEST(TokenSecretTest, MalformedSecretsAreRecognised) {
  EXPECT_FALSE(IsWellFormedSecret(""));
  EXPECT_FALSE(IsWellFormedSecret("ahpl_short"));
  EXPECT_FALSE(IsWellFormedSecret("xxxx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(IsWellFormedSecret("ahpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  EXPECT_FALSE(IsWellFormedSecret("ahpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'"));
  EXPECT_TRUE(IsWellFormedSecret("ahpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-"));
}

TEST(TokenSecretTest, AuthorizationHeaderNeedsTheBearerScheme) {
  const std::string secret = "ahpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(*SecretFromAuthorization("Bearer " + secret), secret);
  EXPECT_EQ(*SecretFromAuthorization("bearer  " + secret + " "), secret);
  for (const std::string& bad : {std::string(), std::string("Bearer"), "Basic " + secret, secret,
                                 std::string("Bearer ahpl_x")}) {
    auto parsed = SecretFromAuthorization(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
}

}  // namespace
}  // namespace ahpl::access
