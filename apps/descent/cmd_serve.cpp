// `descent serve [--port 8080] [--host 127.0.0.1]`: serves the interactive page (type a
// formula, watch optimizers race, train on a built-in data set) and its JSON API (docs/api.md)
// until interrupted. Prints the address; opens no browser. Binds to the loopback address unless
// --host says otherwise.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "args.hpp"
#include "command.hpp"
#include "descent/core/error.hpp"
#ifdef DESCENT_HAVE_SERVE
#include "serve/server.hpp"
#endif

namespace descent::cli {
namespace {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
};

int run_serve(const ServeArgs& a) {
#ifdef DESCENT_HAVE_SERVE
  serve::Server server;
  const int port = server.bind(a.host, a.port);
  const std::string shown = a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host;
  std::cout << fmt::format("descent serve: http://{}:{}/  (Ctrl-C stops)", shown, port)
            << std::endl;
  server.run();
  return 0;
#else
  (void)a;
  throw Error(ErrorCode::bad_usage,
              "serve: this descent was built without cpp-httplib (Debian: libcpp-httplib-dev); "
              "install it and rebuild");
#endif
}

RunFn setup(CLI::App& sub) {
  auto a = std::make_shared<ServeArgs>();
  sub.add_option("--port", a->port, "TCP port (default 8080; 0 picks a free one)")
      ->check(integer_in(0, 65535));
  sub.add_option("--host", a->host,
                 "address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for all)");
  return [a] { return run_serve(*a); };
}

const bool kRegistered = register_command(
    {"serve", "serve the interactive page: formulas, optimizer races, live training", 95, setup});

}  // namespace
}  // namespace descent::cli
