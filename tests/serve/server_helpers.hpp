// A `descent serve` server on a free loopback port for one test, and a client to talk to it;
// SSE parsing of the training stream. Example: TestServer s; auto r =
// s.client().Get("/api/problems");
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "serve/server.hpp"
// After Eigen (through server.hpp): httplib.h brings <resolv.h>, whose _res macro breaks Eigen.
#include <httplib.h>

namespace descent::test {

class TestServer {
 public:
  explicit TestServer(const serve::Limits& limits = {}) : server_(limits) {
    port_ = server_.bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_.run(); });
    // stop() before the accept loop runs would be lost (and the destructor's join wait forever).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // A client with deadlines, so that no test can hang on the server.
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(30, 0);
    c->set_write_timeout(5, 0);
    return c;
  }
  serve::Server& server() { return server_; }
  int port() const { return port_; }

 private:
  serve::Server server_;
  int port_ = 0;
  std::thread thread_;
};

struct Event {
  std::string name;
  nlohmann::json data;
};

// Appends the whole events in `buffer` to `events` and keeps the incomplete rest in `buffer`.
inline void take_events(std::string& buffer, std::vector<Event>& events) {
  for (std::size_t cut; (cut = buffer.find("\n\n")) != std::string::npos;) {
    const std::string block = buffer.substr(0, cut);
    buffer.erase(0, cut + 2);
    Event e;
    std::size_t start = 0;
    while (start < block.size()) {
      std::size_t end = block.find('\n', start);
      if (end == std::string::npos) end = block.size();
      const std::string line = block.substr(start, end - start);
      if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
      if (line.rfind("data: ", 0) == 0) e.data = nlohmann::json::parse(line.substr(6));
      start = end + 1;
    }
    if (!e.name.empty()) events.push_back(std::move(e));
  }
}

}  // namespace descent::test
