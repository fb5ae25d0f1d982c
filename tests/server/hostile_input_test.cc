// Hostile input over real channels: bytes that do not parse, invalid UTF-8,
// out-of-range numbers, oversized strings and repeated fields. Each is
// answered INVALID_ARGUMENT naming the field, with an error of bounded size,
// and a stream that cannot be read never ends OK.
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "ahpl/sdk/assessment_client.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "ahpl/v1/classification.grpc.pb.h"
#include "core/grpc_status.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using testing::SetDeadline;
using testing::ViolatedFields;

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Flat(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// `message` serialized with the (same-length) `marker` replaced by `bytes`:
// protobuf will not serialize invalid UTF-8 itself.
std::string SerializedWith(const google::protobuf::Message& message, const std::string& marker,
                           const std::string& bytes) {
  std::string wire = message.SerializeAsString();
  const size_t at = wire.find(marker);
  EXPECT_NE(at, std::string::npos) << marker;
  if (at != std::string::npos) wire.replace(at, marker.size(), bytes);
  return wire;
}

// A unary call with hand-built request bytes.
grpc::Status RawUnary(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                      const std::string& request, std::string* response = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(context, 30);
  const grpc::ByteBuffer in = Bytes(request);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (response != nullptr) *response = Flat(out);
  return status;
}

// A bidirectional stream that writes hand-built messages in order, then
// half-closes, and collects what comes back.
class RawBidi final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawBidi(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
          std::vector<std::string> messages)
      : stub_(channel), messages_(std::move(messages)) {
    SetDeadline(context_, 60);
    stub_.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartRead(&in_);
    WriteNext();
    StartCall();
  }

  // The call's status, once it is over; `responses` holds what was read.
  grpc::Status Wait() { return done_.get_future().get(); }
  std::vector<std::string> responses;

  void OnWriteDone(bool ok) override {
    if (ok) WriteNext();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    responses.push_back(Flat(in_));
    StartRead(&in_);
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

 private:
  void WriteNext() {
    if (next_ == messages_.size()) {
      StartWritesDone();
      return;
    }
    out_ = Bytes(messages_[next_++]);
    StartWrite(&out_);
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  std::vector<std::string> messages_;
  size_t next_ = 0;
  grpc::ByteBuffer out_;
  grpc::ByteBuffer in_;
  std::promise<grpc::Status> done_;
};

constexpr char kCreateReturn[] = "/ahpl.v1.AssessmentService/CreateReturn";
constexpr char kGetReturn[] = "/ahpl.v1.AssessmentService/GetReturn";
constexpr char kImportReturns[] = "/ahpl.v1.AssessmentService/ImportReturns";
constexpr char kExportReturns[] = "/ahpl.v1.AssessmentService/ExportReturns";
constexpr char kClassifyArrangement[] = "/ahpl.v1.ClassificationService/ClassifyArrangement";
constexpr char kClassifyArrangements[] = "/ahpl.v1.ClassificationService/ClassifyArrangements";

// The size of what an error carries back (message and details).
size_t ErrorSize(const grpc::Status& status) {
  return status.error_message().size() + status.error_details().size();
}

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // An import chunk of `count` drafts with request ids "<tag>-<n>".
  static v1::ImportReturnsRequest Chunk(const std::string& tag, int count) {
    v1::ImportReturnsRequest chunk;
    for (int i = 0; i < count; ++i) {
      auto* item = chunk.add_items();
      item->set_request_id(tag + "-" + std::to_string(i));
      *item->mutable_assessment_return() = assessment::testing::MinimalDraft("RF4");
    }
    return chunk;
  }

  // How many returns are stored whose import request id starts `tag`: each
  // replayed id is answered with its stored return, so count those.
  static int StoredOf(const std::string& tag, int count) {
    auto stub = v1::AssessmentService::NewStub(server_->channel());
    grpc::ClientContext context;
    SetDeadline(context, 60);
    auto stream = stub->ImportReturns(&context);
    v1::ImportReturnsRequest probe = Chunk(tag, count);
    for (auto& item : *probe.mutable_items()) {
      item.mutable_assessment_return()->set_cycle("1999");  // different content, and invalid
    }
    EXPECT_TRUE(stream->Write(probe));
    stream->WritesDone();
    v1::ImportReturnsResponse response;
    int stored = 0;
    while (stream->Read(&response)) {
      for (const auto& r : response.results()) {
        // An id already taken is refused for other content; a new one is
        // refused for the bad cycle. Only the former names a return.
        for (const auto& v : r.violations()) {
          if (v.field() == "request_id") ++stored;
        }
      }
    }
    EXPECT_TRUE(stream->Finish().ok());
    return stored;
  }

  // Creating returns takes a trust token.
  static std::shared_ptr<grpc::Channel> TrustChannel() {
    return server_->ChannelAs(v1::ROLE_TRUST, "RF4");
  }

  static testing::TestServer* server_;
};

testing::TestServer* HostileInputTest::server_ = nullptr;

TEST_F(HostileInputTest, ImportStreamWithAnUnparseableMessageEndsWithItsOrdinal) {
  const std::vector<std::string> messages = {Chunk("unparse-a", 10).SerializeAsString(),
                                             "\x0a\xff\xff\xff\xff\x0f garbage",
                                             Chunk("unparse-c", 10).SerializeAsString()};
  RawBidi call(server_->channel(), kImportReturns, messages);
  const grpc::Status status = call.Wait();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("stream message 1"), std::string::npos)
      << status.error_message();
  // The message before it was imported and answered; nothing after it.
  ASSERT_EQ(call.responses.size(), 1u);
  v1::ImportReturnsResponse first;
  ASSERT_TRUE(first.ParseFromString(call.responses[0]));
  EXPECT_EQ(first.results_size(), 10);
  EXPECT_EQ(StoredOf("unparse-a", 10), 10);
  EXPECT_EQ(StoredOf("unparse-c", 10), 0);
}

TEST_F(HostileInputTest, ImportStreamWithInvalidUtf8NamesMessageAndField) {
  v1::ImportReturnsRequest bad = Chunk("utf8-b", 10);
  bad.mutable_items(4)->mutable_assessment_return()->mutable_respondent()->set_name("MARKER");
  const std::vector<std::string> messages = {
      Chunk("utf8-a", 10).SerializeAsString(),
      SerializedWith(bad, "MARKER", "\xff\xfe\xfd\xfc\xfb\xfa"),
      Chunk("utf8-c", 10).SerializeAsString()};
  RawBidi call(server_->channel(), kImportReturns, messages);
  const grpc::Status status = call.Wait();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("stream message 1"), std::string::npos);
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"items[4].assessment_return.respondent.name"}));
  EXPECT_EQ(call.responses.size(), 1u);
  EXPECT_EQ(StoredOf("utf8-a", 10), 10);
  EXPECT_EQ(StoredOf("utf8-b", 10), 0);
  EXPECT_EQ(StoredOf("utf8-c", 10), 0);
}

TEST_F(HostileInputTest, ImportMessageOverTheItemLimitIsRefusedByName) {
  v1::ImportReturnsRequest big;
  for (int i = 0; i < 1001; ++i) big.add_items();
  RawBidi call(server_->channel(), kImportReturns, {big.SerializeAsString()});
  const grpc::Status status = call.Wait();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"items"}));
}

TEST_F(HostileInputTest, ClassificationStreamWithABadMessageEndsWithItsOrdinal) {
  v1::ClassifyArrangementsRequest good;
  good.add_arrangements()->set_has_senior_ahp_leader(false);
  v1::ClassifyArrangementsRequest bad;
  bad.add_arrangements()->mutable_senior_leader()->set_job_title("MARKER");
  const std::vector<std::string> messages = {
      good.SerializeAsString(), good.SerializeAsString(),
      SerializedWith(bad, "MARKER", "\xc0\x80\xc0\x80\xc0\x80"), good.SerializeAsString()};
  RawBidi call(server_->channel(), kClassifyArrangements, messages);
  const grpc::Status status = call.Wait();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("stream message 2"), std::string::npos);
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"arrangements[0].senior_leader.job_title"}));
  EXPECT_EQ(call.responses.size(), 2u);
}

TEST_F(HostileInputTest, InvalidUtf8InAUnaryRequestNamesTheField) {
  v1::CreateReturnRequest request;
  request.set_request_id("utf8-unary");
  *request.mutable_assessment_return() = assessment::testing::MinimalDraft("RF4");
  request.mutable_assessment_return()
      ->mutable_arrangement()
      ->mutable_senior_leader()
      ->set_job_title("MARKER");
  const std::string bytes = SerializedWith(request, "MARKER", "ok\xe2\x28\xa1!");
  const grpc::Status status = RawUnary(TrustChannel(), kCreateReturn, bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"assessment_return.arrangement.senior_leader.job_title"}));

  v1::ClassifyArrangementRequest classify;
  classify.mutable_arrangement()->mutable_senior_leader()->set_job_title("MARKER");
  const grpc::Status classified =
      RawUnary(server_->channel(), kClassifyArrangement,
               SerializedWith(classify, "MARKER", "\xff\xff\xff\xff\xff\xff"));
  EXPECT_EQ(classified.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(classified),
            (std::set<std::string>{"arrangement.senior_leader.job_title"}));
}

TEST_F(HostileInputTest, AnUnreadableExportRequestNamesTheField) {
  // A server stream's one request, sent as a client would: one message, then
  // half-close.
  RawBidi garbage(server_->channel(), kExportReturns, {"\x0a\xff\xff\xff"});
  const grpc::Status unreadable = garbage.Wait();
  EXPECT_EQ(unreadable.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << unreadable.error_message();
  EXPECT_TRUE(garbage.responses.empty());

  v1::ExportReturnsRequest request;
  request.mutable_filter()->set_region_code("MARK");
  RawBidi utf8(server_->channel(), kExportReturns, {SerializedWith(request, "MARK", "Y5\xc3\x28")});
  const grpc::Status bad_utf8 = utf8.Wait();
  EXPECT_EQ(bad_utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad_utf8), (std::set<std::string>{"filter.region_code"}));
  EXPECT_TRUE(utf8.responses.empty());

  request.mutable_filter()->set_region_code("Y56");
  RawBidi good(server_->channel(), kExportReturns, {request.SerializeAsString()});
  const grpc::Status ok = good.Wait();
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  for (const std::string& chunk : good.responses) {
    v1::ExportReturnsResponse parsed;
    EXPECT_TRUE(parsed.ParseFromString(chunk));
  }
}

TEST_F(HostileInputTest, UnreadableRequestFromAnUnknownCallerIsUnauthenticated) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  const grpc::Status status = RawUnary(channel, kCreateReturn, "\x0a\xff\xff\xff");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
}

TEST_F(HostileInputTest, GoodRawUnaryRequestsAreAnswered) {
  v1::CreateReturnRequest request;
  request.set_request_id("raw-good");
  *request.mutable_assessment_return() = assessment::testing::MinimalDraft("RF4");
  std::string response_bytes;
  const grpc::Status status =
      RawUnary(TrustChannel(), kCreateReturn, request.SerializeAsString(), &response_bytes);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::CreateReturnResponse response;
  ASSERT_TRUE(response.ParseFromString(response_bytes));
  EXPECT_FALSE(response.assessment_return().name().empty());
}

TEST_F(HostileInputTest, VersionsBeyondThirtyTwoBitsAreInvalidArguments) {
  auto stub = v1::AssessmentService::NewStub(server_->channel());
  for (const int64_t version : {(int64_t{1} << 31) + 1, int64_t{1} << 62}) {
    v1::GetReturnRequest request;
    request.set_name("returns/00000000-0000-0000-0000-000000000001");
    request.set_version(version);
    v1::GetReturnResponse response;
    grpc::ClientContext context;
    SetDeadline(context, 30);
    const grpc::Status status = stub->GetReturn(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << version;
    EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"version"})) << version;
  }
}

TEST_F(HostileInputTest, AnOversizedStringIsNamedInABoundedError) {
  auto stub = v1::AssessmentService::NewStub(TrustChannel());
  v1::CreateReturnRequest request;
  request.set_request_id("big-string");
  *request.mutable_assessment_return() = assessment::testing::MinimalDraft("RF4");
  request.mutable_assessment_return()->mutable_respondent()->set_name(std::string(200 << 10, 'n'));
  v1::CreateReturnResponse response;
  grpc::ClientContext context;
  SetDeadline(context, 30);
  const grpc::Status status = stub->CreateReturn(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"assessment_return.respondent.name"}));
  EXPECT_LT(ErrorSize(status), 5000u);

  // A long value under the edge limit that a validation quotes back.
  v1::GetReturnRequest get;
  std::string long_name = "returns/";
  for (int i = 0; i < 2000; ++i) long_name += "\xc3\xa9";
  get.set_name(long_name);
  v1::GetReturnResponse got;
  grpc::ClientContext get_context;
  SetDeadline(get_context, 30);
  const grpc::Status get_status = stub->GetReturn(&get_context, get, &got);
  EXPECT_EQ(get_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << get_status.error_message();
  EXPECT_LT(ErrorSize(get_status), 5000u);
}

TEST_F(HostileInputTest, AMillionEntryRepeatedFieldIsNamed) {
  v1::ClassifyArrangementRequest classify;
  for (int i = 0; i < 1000000; ++i) {
    classify.mutable_arrangement()->add_professions_employed(v1::PROFESSION_DIETITIAN);
  }
  auto stub = v1::ClassificationService::NewStub(server_->channel());
  v1::ClassifyArrangementResponse classified;
  grpc::ClientContext context;
  SetDeadline(context, 30);
  const grpc::Status status = stub->ClassifyArrangement(&context, classify, &classified);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"arrangement.professions_employed"}));

  v1::CreateReturnRequest create;
  create.set_request_id("million-answers");
  for (int i = 0; i < 1000000; ++i) create.mutable_assessment_return()->add_answers();
  auto assessment_stub = v1::AssessmentService::NewStub(TrustChannel());
  v1::CreateReturnResponse created;
  grpc::ClientContext create_context;
  SetDeadline(create_context, 30);
  const grpc::Status create_status =
      assessment_stub->CreateReturn(&create_context, create, &created);
  EXPECT_EQ(create_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(create_status), (std::set<std::string>{"assessment_return.answers"}));
}

// An import service that answers only the first chunk and ends OK: the SDK
// must not take that for a finished import.
class ShortImportService final : public v1::AssessmentService::CallbackService {
  grpc::ServerBidiReactor<v1::ImportReturnsRequest, v1::ImportReturnsResponse>* ImportReturns(
      grpc::CallbackServerContext*) override {
    class Reactor final
        : public grpc::ServerBidiReactor<v1::ImportReturnsRequest, v1::ImportReturnsResponse> {
     public:
      Reactor() { StartRead(&request_); }
      void OnReadDone(bool ok) override {
        if (!ok) {
          Finish(grpc::Status::OK);
          return;
        }
        if (answered_) {
          StartRead(&request_);
          return;
        }
        answered_ = true;
        for (int i = 0; i < request_.items_size(); ++i) {
          auto* r = response_.add_results();
          r->set_index(i);
          r->set_name("returns/x");
        }
        StartWrite(&response_);
      }
      void OnWriteDone(bool) override { StartRead(&request_); }
      void OnDone() override { delete this; }

     private:
      v1::ImportReturnsRequest request_;
      v1::ImportReturnsResponse response_;
      bool answered_ = false;
    };
    return new Reactor();
  }
};

TEST(SdkImportTest, AShortResultSetIsAnError) {
  ShortImportService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  sdk::ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(port);
  options.token = "unused";
  sdk::AssessmentClient client(options);
  std::vector<v1::ImportItem> items(30);
  for (int i = 0; i < 30; ++i) items[i].set_request_id("short-" + std::to_string(i));
  auto report = client.Import(items, {}, 10);
  EXPECT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("10 of 30"), absl::string_view::npos) << report.status();
  server->Shutdown();
}

}  // namespace
}  // namespace ahpl
