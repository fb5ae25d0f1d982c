#include "services/common/page_token.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "core/field_violations.h"
#include "tests/support/status_matchers.h"

namespace ahpl {
namespace {

PageTokenCodec Codec(char fill = 'k') {
  auto codec = PageTokenCodec::Create(std::string(32, fill));
  EXPECT_TRUE(codec.ok());
  return *std::move(codec);
}

void ExpectRefused(const absl::Status& status, const std::string& token) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << token;
  EXPECT_EQ(testing::ViolatedFields(status), (std::set<std::string>{"page_token"})) << token;
  // (A cut to a few characters may well occur in any sentence.)
  if (token.size() >= 8) {
    EXPECT_EQ(std::string(status.message()).find(token), std::string::npos)
        << "the message repeats the token";
    auto bad_request = BadRequestOf(status);
    ASSERT_TRUE(bad_request.has_value());
    for (const auto& v : bad_request->field_violations()) {
      EXPECT_EQ(v.description().find(token), std::string::npos);
    }
  }
}

TEST(PageTokenTest, RoundTripsUnderTheSameFilter) {
  const std::string token = Codec().Encode("trusts:Y56", "RAL");
  auto key = Codec().Decode(token, "trusts:Y56");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "RAL");
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  auto key = Codec().Decode("", "anything");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "");
  auto number = Codec().DecodeNumeric("", "anything");
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(*number, 0);
}

TEST(PageTokenTest, RefusesShortKeys) {
  EXPECT_FALSE(PageTokenCodec::Create(std::string(31, 'k')).ok());
  EXPECT_FALSE(PageTokenCodec::Create("").ok());
}

TEST(PageTokenTest, RefusesATokenIssuedForAnotherFilter) {
  const std::string token = Codec().Encode("trusts:Y56", "RAL");
  auto key = Codec().Decode(token, "trusts:Y58");
  ASSERT_FALSE(key.ok());
  ExpectRefused(key.status(), token);
  // The filter's boundary is part of what is signed.
  const std::string split = Codec().Encode("trusts:Y5", "6RAL");
  EXPECT_FALSE(Codec().Decode(split, "trusts:Y56").ok());
}

TEST(PageTokenTest, RefusesATokenSignedWithAnotherKey) {
  const std::string token = Codec('a').Encode("tokens:all", "17");
  ExpectRefused(Codec('b').Decode(token, "tokens:all").status(), token);
}

TEST(PageTokenTest, RefusesEveryAlteredCharacterAndEveryTruncation) {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Encode("returns:filter", "123456");
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = alphabet[(alphabet.find(token[i]) + 1) % alphabet.size()];
    ExpectRefused(codec.Decode(altered, "returns:filter").status(), altered);
  }
  for (size_t n = 1; n < token.size(); ++n) {
    const std::string cut = token.substr(0, n);
    ExpectRefused(codec.Decode(cut, "returns:filter").status(), cut);
  }
  ExpectRefused(codec.Decode(token + "A", "returns:filter").status(), token + "A");
  ExpectRefused(codec.Decode(token + "=", "returns:filter").status(), token + "=");
}

TEST(PageTokenTest, RefusesUnsignedTokensOfTheOldFormat) {
  // "p1", the filter and the key, unsigned: what servers issued before.
  const std::string old = absl::WebSafeBase64Escape("p1\x1ftrusts:\x1fRAL");
  ExpectRefused(Codec().Decode(old, "trusts:").status(), old);
}

TEST(PageTokenTest, RefusesGarbage) {
  for (const std::string& bad : std::vector<std::string>{
           "!!!", "bm90IGEgdG9rZW4", "cDEfdHJ1c3RzOh8", std::string(5000, 'A')}) {
    ExpectRefused(Codec().Decode(bad, "trusts:").status(), bad);
  }
}

TEST(PageTokenTest, NumericKeysMustBeNonNegativeNumbers) {
  const PageTokenCodec codec = Codec();
  auto ok = codec.DecodeNumeric(codec.Encode("f", "42"), "f");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  // Signed correctly, but not a key this service issues.
  for (const char* key : {"-1", "-9223372036854775808", "+5", " 5", "5x", "99999999999999999999"}) {
    const std::string token = codec.Encode("f", key);
    ExpectRefused(codec.DecodeNumeric(token, "f").status(), token);
  }
}

TEST(PageTokenTest, ClampsPageSizes) {
  EXPECT_EQ(ClampPageSize(0, 50, 500), 50);
  EXPECT_EQ(ClampPageSize(-3, 50, 500), 50);
  EXPECT_EQ(ClampPageSize(20, 50, 500), 20);
  EXPECT_EQ(ClampPageSize(9000, 50, 500), 500);
}

}  // namespace
}  // namespace ahpl
