#include "common/redis_invalidations.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/time/clock.h"
#include "common/backoff.h"
#include "common/json_log.h"

namespace kexport {
namespace {

constexpr char kChannel[] = "__redis__:invalidate";
constexpr absl::Duration kPingInterval = absl::Milliseconds(100);

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

bool IsString(const redisReply* reply, absl::string_view text) {
  return reply->type == REDIS_REPLY_STRING &&
         absl::string_view(reply->str, reply->len) == text;
}

int ToPollTimeout(absl::Duration timeout) {
  return static_cast<int>(
      absl::ToInt64Milliseconds(absl::Ceil(
          std::max(timeout, absl::ZeroDuration()), absl::Milliseconds(1))));
}

}  // namespace

void RedisInvalidations::ContextDeleter::operator()(
    redisContext* context) const {
  redisFree(context);
}

RedisInvalidations::RedisInvalidations(Options options, Handlers handlers)
    : options_(std::move(options)),
      handlers_(std::move(handlers)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  thread_ = std::thread([this] { Run(); });
}

RedisInvalidations::~RedisInvalidations() {
  stopping_.store(true);
  uint64_t one = 1;
  // Cannot fail short of a full counter, and the thread also polls stopping_.
  [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof(one));
  thread_.join();
  close(wake_fd_);
}

void RedisInvalidations::Run() {
  Backoff backoff(options_.initial_backoff, options_.max_backoff);
  while (!stopping_.load()) {
    bool healthy = context_ != nullptr ? Pump() : Subscribe();
    if (healthy) {
      backoff.Succeeded();
    } else {
      backoff.Failed(absl::Now());
      Sleep(backoff.current_delay());
    }
  }
}

bool RedisInvalidations::Subscribe() {
  std::unique_ptr<redisContext, ContextDeleter> context(
      redisConnectWithTimeout(options_.host.c_str(), options_.port,
                              absl::ToTimeval(options_.connect_timeout)));
  if (context == nullptr || context->err != 0) {
    return false;
  }
  // Bounds the two commands below; later reads only follow a poll() that saw
  // data, because hiredis 0.14 marks a context failed on a read timeout.
  redisSetTimeout(context.get(), absl::ToTimeval(options_.io_timeout));
  Reply id(static_cast<redisReply*>(redisCommand(context.get(), "CLIENT ID")));
  if (id == nullptr || id->type != REDIS_REPLY_INTEGER) {
    return false;
  }
  Reply subscribed(static_cast<redisReply*>(
      redisCommand(context.get(), "SUBSCRIBE %s", kChannel)));
  if (subscribed == nullptr || subscribed->type != REDIS_REPLY_ARRAY) {
    return false;
  }
  context_ = std::move(context);
  ping_outstanding_ = false;
  ping_sent_ = absl::Now();
  handlers_.subscribed(id->integer);
  return true;
}

bool RedisInvalidations::Pump() {
  absl::Time now = absl::Now();
  absl::Time wake_at = ping_outstanding_ ? ping_sent_ + options_.io_timeout
                                         : ping_sent_ + kPingInterval;
  pollfd fds[2] = {{context_->fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  if (poll(fds, 2, ToPollTimeout(wake_at - now)) < 0 && errno != EINTR) {
    Fail("poll failed");
    return false;
  }
  if (fds[0].revents != 0) {
    if (redisBufferRead(context_.get()) != REDIS_OK) {
      Fail(context_->errstr);
      return false;
    }
    void* raw = nullptr;
    while (true) {
      if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK) {
        Fail(context_->errstr);
        return false;
      }
      if (raw == nullptr) {
        break;
      }
      Reply reply(static_cast<redisReply*>(raw));
      if (!Handle(*reply)) {
        Fail("unexpected message");
        return false;
      }
    }
  }
  // Replies are read before the deadline is judged, so a late wake-up of
  // this thread is not mistaken for a hung Redis.
  now = absl::Now();
  if (ping_outstanding_ && now - ping_sent_ > options_.io_timeout) {
    Fail("heartbeat timed out");
    return false;
  }
  if (!ping_outstanding_ && now - ping_sent_ >= kPingInterval &&
      !SendPing()) {
    Fail(context_->errstr);
    return false;
  }
  return true;
}

bool RedisInvalidations::Handle(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements == 0) {
    return false;
  }
  const redisReply* kind = reply.element[0];
  if (IsString(kind, "pong")) {
    ping_outstanding_ = false;
    return true;
  }
  if (!IsString(kind, "message") || reply.elements != 3) {
    // Only the subscription's own confirmations remain.
    return IsString(kind, "subscribe");
  }
  const redisReply* payload = reply.element[2];
  if (payload->type == REDIS_REPLY_NIL) {
    handlers_.flushed();
    return true;
  }
  if (payload->type != REDIS_REPLY_ARRAY) {
    return false;
  }
  std::vector<std::string> keys;
  keys.reserve(payload->elements);
  for (size_t i = 0; i < payload->elements; ++i) {
    keys.emplace_back(payload->element[i]->str, payload->element[i]->len);
  }
  handlers_.invalidated(keys);
  return true;
}

bool RedisInvalidations::SendPing() {
  if (redisAppendCommand(context_.get(), "PING") != REDIS_OK) {
    return false;
  }
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_.get(), &done) != REDIS_OK) {
      return false;
    }
  }
  ping_outstanding_ = true;
  ping_sent_ = absl::Now();
  handlers_.heartbeat();
  return true;
}

void RedisInvalidations::Fail(absl::string_view why) {
  JsonLog("warn", "cache_invalidations_lost").Add("reason", why).Emit();
  context_.reset();
  handlers_.lost();
}

void RedisInvalidations::Sleep(absl::Duration timeout) {
  pollfd wake = {wake_fd_, POLLIN, 0};
  poll(&wake, 1, ToPollTimeout(timeout));
}

}  // namespace kexport
