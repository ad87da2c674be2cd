// The HTTP server of `descent serve`: the embedded page (web/) and the JSON API (api.hpp,
// docs/api.md) over cpp-httplib, with a bounded pool of worker threads, payload limits,
// timeouts, a cap on runs computing at once, and training streams that stop when cancelled or
// when their connection closes.
// Example: Server s; int port = s.bind("127.0.0.1", 0); std::thread t([&] { s.run(); }); ...
// s.stop();
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "serve/api.hpp"

namespace descent::serve {

class Server {
 public:
  explicit Server(const Limits& limits = {});
  ~Server();  // stops the server and waits for its threads
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds to host:port (port 0: a free port the system picks) and returns the port. Throws
  // descent::Error (io) when the address cannot be bound (in use, not this machine's).
  int bind(const std::string& host, int port);
  // Serves until stop(); call after bind().
  void run();
  // Whether run() is accepting connections (stop() before then is lost: wait for this first).
  bool running() const;
  // Stops serving: running races and trainings are asked to stop; run() then returns.
  void stop();

  // Training streams running now, and a wait (up to `timeout`) until none is.
  int trainings() const;
  bool wait_no_trainings(std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::serve
