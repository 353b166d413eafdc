#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include "absl/strings/str_cat.h"

namespace kexport::testing {
namespace {

constexpr char kRedisServer[] = KEXPORT_REDIS_SERVER;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
using Context = std::unique_ptr<redisContext, ContextDeleter>;

Context Connect(int port) {
  timeval timeout{0, 300000};
  Context context(redisConnectWithTimeout("127.0.0.1", port, timeout));
  if (context == nullptr || context->err != 0) {
    return nullptr;
  }
  redisSetTimeout(context.get(), timeout);
  return context;
}

}  // namespace

RedisServer::RedisServer(const std::string& dir)
    : dir_(dir), port_(FreePort()) {}

std::string RedisServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

bool RedisServer::Start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kRedisServer, "--port", absl::StrCat(port_),
                               "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", dir_},
      absl::StrCat(dir_, "/redis.log"));
  if (!process_->Start()) {
    return false;
  }
  return WaitUntil([this] { return Ping(); }, absl::Seconds(10));
}

void RedisServer::Kill() {
  if (process_ != nullptr) {
    process_->Kill();
  }
}

void RedisServer::Pause() { process_->Signal(SIGSTOP); }
void RedisServer::Resume() { process_->Signal(SIGCONT); }

bool RedisServer::Ping() const {
  Context context = Connect(port_);
  if (context == nullptr) {
    return false;
  }
  Reply reply(static_cast<redisReply*>(redisCommand(context.get(), "PING")));
  return reply != nullptr && reply->type == REDIS_REPLY_STATUS;
}

std::optional<std::string> RedisServer::Get(const std::string& key) const {
  Context context = Connect(port_);
  if (context == nullptr) {
    return std::nullopt;
  }
  Reply reply(static_cast<redisReply*>(
      redisCommand(context.get(), "GET %b", key.data(), key.size())));
  if (reply == nullptr || reply->type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  return std::string(reply->str, reply->len);
}

bool RedisServer::Set(const std::string& key, const std::string& value) const {
  Context context = Connect(port_);
  if (context == nullptr) {
    return false;
  }
  Reply reply(static_cast<redisReply*>(redisCommand(
      context.get(), "SET %b %b", key.data(), key.size(), value.data(),
      value.size())));
  return reply != nullptr && reply->type == REDIS_REPLY_STATUS;
}

}  // namespace kexport::testing
