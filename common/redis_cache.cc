#include "common/redis_cache.h"

#include <hiredis/hiredis.h>

#include <vector>

#include "absl/time/clock.h"
#include "common/json_log.h"

namespace kexport {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Runs one command given as binary-safe arguments.
Reply Command(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return Reply(static_cast<redisReply*>(redisCommandArgv(
      context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

}  // namespace

void RedisCache::ContextDeleter::operator()(redisContext* context) const {
  redisFree(context);
}

RedisCache::RedisCache(RedisCacheOptions options)
    : options_(std::move(options)),
      backoff_(options_.initial_backoff, options_.max_backoff) {}

RedisCache::~RedisCache() = default;

void RedisCache::Disconnect(absl::string_view why) {
  if (connection_ != nullptr) {
    JsonLog("warn", "cache_unavailable").Add("reason", why).Emit();
  }
  connection_.reset();
  backoff_.Failed(absl::Now());
  purge_needed_ = true;
}

bool RedisCache::EnsureReady() {
  if (connection_ == nullptr) {
    if (!backoff_.ReadyToTry(absl::Now())) {
      return false;
    }
    Connection connection(redisConnectWithTimeout(
        options_.host.c_str(), options_.port,
        absl::ToTimeval(options_.connect_timeout)));
    if (connection == nullptr || connection->err != 0) {
      backoff_.Failed(absl::Now());
      return false;
    }
    redisSetTimeout(connection.get(), absl::ToTimeval(options_.io_timeout));
    connection_ = std::move(connection);
  }
  if (purge_needed_ && !PurgePrefix()) {
    return false;
  }
  backoff_.Succeeded();
  return true;
}

bool RedisCache::PurgePrefix() {
  std::string cursor = "0";
  do {
    Reply reply = Command(connection_.get(),
                          {"SCAN", cursor, "MATCH", options_.key_prefix + "*",
                           "COUNT", "1000"});
    if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY ||
        reply->elements != 2) {
      Disconnect("purge failed");
      return false;
    }
    cursor.assign(reply->element[0]->str, reply->element[0]->len);
    const redisReply* keys = reply->element[1];
    if (keys->elements > 0) {
      std::vector<std::string> del = {"DEL"};
      for (size_t i = 0; i < keys->elements; ++i) {
        del.emplace_back(keys->element[i]->str, keys->element[i]->len);
      }
      Reply deleted = Command(connection_.get(), del);
      if (deleted == nullptr || deleted->type == REDIS_REPLY_ERROR) {
        Disconnect("purge failed");
        return false;
      }
    }
  } while (cursor != "0");
  purge_needed_ = false;
  return true;
}

std::optional<std::string> RedisCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!EnsureReady()) {
    return std::nullopt;
  }
  Reply reply = Command(connection_.get(), {"GET", options_.key_prefix + key});
  if (reply == nullptr) {
    Disconnect("get failed");
    return std::nullopt;
  }
  if (reply->type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  return std::string(reply->str, reply->len);
}

void RedisCache::Put(const std::string& key, const std::string& value,
                     absl::Duration ttl) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!EnsureReady()) {
    return;
  }
  Reply reply = Command(
      connection_.get(),
      {"SET", options_.key_prefix + key, value, "PX",
       std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)))});
  if (reply == nullptr) {
    Disconnect("put failed");
  }
}

void RedisCache::Invalidate(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!EnsureReady()) {
    // Nothing is served before the purge that follows a reconnect.
    return;
  }
  Reply reply = Command(connection_.get(), {"DEL", options_.key_prefix + key});
  if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) {
    Disconnect("invalidate failed");
  }
}

bool RedisCache::connected() {
  std::lock_guard<std::mutex> lock(mutex_);
  return connection_ != nullptr;
}

}  // namespace kexport
