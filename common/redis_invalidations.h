// The invalidations Redis sends a client that tracks keys (CLIENT TRACKING
// ... REDIRECT <id>, RESP2), heard on a connection and thread of their own:
// it subscribes to `__redis__:invalidate`, hands each message to a handler,
// and PINGs every 100 ms so that a dead or hung Redis is noticed within about
// 100 ms + io_timeout even when no message is due. After a failure it
// reconnects with backoff. The destructor stops and joins the thread.
//
//   RedisInvalidations::Handlers handlers;
//   handlers.subscribed = [&](int64_t id) { /* CLIENT TRACKING ... REDIRECT id */ };
//   handlers.invalidated = [&](const std::vector<std::string>& keys) { ... };
//   handlers.flushed = [&] { ... };
//   handlers.lost = [&] { /* stop trusting what the invalidations guarded */ };
//   handlers.heartbeat = [&] { /* check the tracking connection too */ };
//   RedisInvalidations invalidations(options, std::move(handlers));
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct redisContext;
struct redisReply;

namespace kexport {

class RedisInvalidations final {
 public:
  struct Options {
    std::string host;
    int port = 0;
    absl::Duration connect_timeout;
    absl::Duration io_timeout;
    absl::Duration initial_backoff;
    absl::Duration max_backoff;
  };
  // Called on the listening thread, never two at once.
  struct Handlers {
    // Subscribed as Redis client `id`, the id to redirect tracking to.
    std::function<void(int64_t id)> subscribed;
    // These keys (full names) changed.
    std::function<void(const std::vector<std::string>& keys)> invalidated;
    // Any key may have changed (FLUSHALL, FLUSHDB).
    std::function<void()> flushed;
    // The connection failed: invalidations are lost until subscribed again.
    std::function<void()> lost;
    // With each PING, about every 100 ms while subscribed.
    std::function<void()> heartbeat;
  };

  RedisInvalidations(Options options, Handlers handlers);
  ~RedisInvalidations();
  RedisInvalidations(const RedisInvalidations&) = delete;
  RedisInvalidations& operator=(const RedisInvalidations&) = delete;

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };

  void Run();
  bool Subscribe();
  // Waits for messages, the next heartbeat or the stop signal; false when
  // the connection failed.
  bool Pump();
  bool Handle(const redisReply& reply);
  bool SendPing();
  void Fail(absl::string_view why);
  // Sleeps up to `timeout` or until the destructor wakes the thread.
  void Sleep(absl::Duration timeout);

  const Options options_;
  const Handlers handlers_;
  std::unique_ptr<redisContext, ContextDeleter> context_;
  absl::Time ping_sent_;
  bool ping_outstanding_ = false;
  // An eventfd the destructor writes to wake the thread out of poll().
  const int wake_fd_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace kexport
