#include "common/page_token.h"

#include "common/errors.h"
#include "gtest/gtest.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport {
namespace {

using registry::v1::ListFirmsRequest;

TEST(PageTokenTest, RoundTripsTheCursor) {
  std::vector<std::string> cursor = {"주식회사", "12:34;5", ""};
  std::string token = EncodePageToken(7, cursor);
  absl::StatusOr<std::vector<std::string>> decoded = DecodePageToken(token, 7);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, cursor);
}

TEST(PageTokenTest, RejectsATokenOfAnotherQuery) {
  std::string token = EncodePageToken(7, {"a"});
  absl::StatusOr<std::vector<std::string>> decoded = DecodePageToken(token, 8);
  ASSERT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(ErrorFieldViolations(decoded.status()).front().field, "page_token");
}

TEST(PageTokenTest, RejectsGarbageAndTruncation) {
  EXPECT_FALSE(DecodePageToken("not base64!", 7).ok());
  std::string token = EncodePageToken(7, {"abcdef"});
  EXPECT_FALSE(DecodePageToken(token.substr(0, token.size() - 3), 7).ok());
}

TEST(PageTokenTest, FingerprintIgnoresPagingButNotTheQuery) {
  ListFirmsRequest a;
  a.mutable_filter()->add_sectors("food");
  ListFirmsRequest b = a;
  b.set_page_size(10);
  b.set_page_token("x");
  EXPECT_EQ(QueryFingerprint(a), QueryFingerprint(b));
  b.set_order_by("create_time");
  EXPECT_NE(QueryFingerprint(a), QueryFingerprint(b));
}

TEST(PageTokenTest, PageSizeDefaultsAndCaps) {
  EXPECT_EQ(*EffectivePageSize(0, 50, 1000), 50);
  EXPECT_EQ(*EffectivePageSize(10, 50, 1000), 10);
  EXPECT_EQ(*EffectivePageSize(5000, 50, 1000), 1000);
  EXPECT_EQ(EffectivePageSize(-1, 50, 1000).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, PageRequestContinuesWhereTheLastPageEnded) {
  ListFirmsRequest request;
  request.mutable_filter()->add_sectors("ai");
  absl::StatusOr<PageRequest> first = ReadPageRequest(request, 0, "");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size, 50);
  EXPECT_TRUE(first->after.empty());
  std::string token = NextPageToken(*first, {"1248100998"});
  request.set_page_token(token);
  request.set_page_size(10);
  absl::StatusOr<PageRequest> second = ReadPageRequest(request, 10, token);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->size, 10);
  EXPECT_EQ(second->after, std::vector<std::string>{"1248100998"});
  EXPECT_EQ(NextPageToken(*second, {}), "");
}

}  // namespace
}  // namespace kexport
