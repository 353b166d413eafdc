#include "common/redis_cache.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
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
      backoff_(options_.initial_backoff, options_.max_backoff) {
  if (options_.near_cache_bytes == 0) {
    return;
  }
  near_ = std::make_unique<NearCache>(options_.near_cache_bytes);
  invalidations_ = std::make_unique<RedisInvalidations>(
      RedisInvalidations::Options{options_.host, options_.port,
                                  options_.connect_timeout, options_.io_timeout,
                                  options_.initial_backoff,
                                  options_.max_backoff},
      InvalidationHandlers());
}

RedisCache::~RedisCache() = default;

RedisInvalidations::Handlers RedisCache::InvalidationHandlers() {
  RedisInvalidations::Handlers handlers;
  handlers.subscribed = [this](int64_t id) {
    std::lock_guard<std::mutex> lock(subscription_mutex_);
    subscriber_session_ = ++sessions_;
    subscriber_id_ = id;
  };
  handlers.invalidated = [this](const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      if (absl::StartsWith(key, options_.key_prefix)) {
        near_->Invalidate(key.substr(options_.key_prefix.size()));
      }
    }
  };
  handlers.flushed = [this] { near_->Clear(); };
  handlers.lost = [this] {
    std::lock_guard<std::mutex> lock(subscription_mutex_);
    subscriber_session_ = 0;
    near_->Disable();
  };
  handlers.heartbeat = [this] {
    // Never waits for the data connection: a call that holds it is checking
    // the connection anyway.
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      CheckClosed();
    }
  };
  return handlers;
}

void RedisCache::CheckClosed() {
  if (connection_ == nullptr) {
    return;
  }
  // Between calls nothing is due on the data connection (RESP2 pushes
  // nothing to it), so anything readable is its close, e.g. on an idle
  // `timeout` or CLIENT KILL.
  pollfd closed = {connection_->fd, POLLIN, 0};
  if (poll(&closed, 1, 0) > 0) {
    Disconnect("connection closed");
  }
}

void RedisCache::Disconnect(absl::string_view why) {
  if (connection_ != nullptr) {
    JsonLog("warn", "cache_unavailable").Add("reason", why).Emit();
  }
  connection_.reset();
  backoff_.Failed(absl::Now());
  purge_needed_ = true;
  tracked_session_ = 0;
  refused_session_ = 0;
  if (near_ != nullptr) {
    near_->Disable();
  }
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
  if (near_ != nullptr && !EnsureTracking()) {
    return false;
  }
  backoff_.Succeeded();
  return true;
}

bool RedisCache::EnsureTracking() {
  uint64_t session = 0;
  int64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(subscription_mutex_);
    session = subscriber_session_;
    id = subscriber_id_;
  }
  if (session == 0 || session == refused_session_) {
    // No subscription yet, or no tracking for it: Redis serves, the near
    // cache stays off.
    return true;
  }
  if (session != tracked_session_) {
    // Redis refuses to turn tracking on twice with the same prefix.
    if (tracked_session_ != 0) {
      if (Command(connection_.get(), {"CLIENT", "TRACKING", "off"}) ==
          nullptr) {
        Disconnect("tracking failed");
        return false;
      }
      tracked_session_ = 0;
    }
    std::vector<std::string> track = {"CLIENT", "TRACKING", "on", "REDIRECT",
                                      std::to_string(id), "BCAST"};
    if (!options_.key_prefix.empty()) {
      track.insert(track.end(), {"PREFIX", options_.key_prefix});
    }
    track.push_back("NOLOOP");
    Reply reply = Command(connection_.get(), track);
    if (reply == nullptr) {
      Disconnect("tracking failed");
      return false;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      // Refused: tracking is not allowed here, or the subscription just went
      // away (its successor comes with a new session and is tried afresh).
      refused_session_ = session;
      JsonLog("warn", "near_cache_off")
          .Add("reason", absl::string_view(reply->str, reply->len))
          .Emit();
      return true;
    }
    tracked_session_ = session;
  }
  std::lock_guard<std::mutex> lock(subscription_mutex_);
  if (subscriber_session_ == tracked_session_ && !near_->enabled()) {
    near_->Enable();
  }
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

std::optional<std::string> RedisCache::Get(const std::string& key, Accept accept) {
  if (near_ != nullptr) {
    if (std::optional<std::string> hit = near_->Get(key)) {
      return hit;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!EnsureReady()) {
    return std::nullopt;
  }
  std::optional<NearCache::Token> token;
  if (near_ != nullptr) {
    // Another caller may have filled it while this one waited for the lock.
    if (std::optional<std::string> hit = near_->Get(key)) {
      return hit;
    }
    token = near_->Begin(key);
  }
  Reply reply = Command(connection_.get(), {"GET", options_.key_prefix + key});
  if (reply == nullptr) {
    Disconnect("get failed");
    return std::nullopt;
  }
  if (reply->type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  std::string value(reply->str, reply->len);
  if (!accept(value)) {
    return std::nullopt;
  }
  if (token.has_value()) {
    near_->Fill(*token, key, value, absl::Now() + options_.near_ttl);
  }
  return value;
}

void RedisCache::Put(const std::string& key, const std::string& value,
                     absl::Duration ttl) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!EnsureReady()) {
    return;
  }
  std::optional<NearCache::Token> token;
  if (near_ != nullptr) {
    token = near_->Begin(key);
  }
  Reply reply = Command(
      connection_.get(),
      {"SET", options_.key_prefix + key, value, "PX",
       std::to_string(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)))});
  if (reply == nullptr) {
    Disconnect("put failed");
    return;
  }
  // On an error reply Redis still holds what the near cache may hold.
  if (token.has_value() && reply->type == REDIS_REPLY_STATUS) {
    near_->Fill(*token, key, value,
                absl::Now() + std::min(ttl, options_.near_ttl));
  }
}

void RedisCache::Invalidate(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (near_ != nullptr) {
    near_->Invalidate(key);
  }
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
