// `descent serve`: what it refuses before serving (the server itself: tests/serve, and the page in
// a browser: tests/browser).
#include <gtest/gtest.h>

#include "support/cli.hpp"

namespace descent::test {
namespace {

TEST(CliServe, RefusesAPortOutsideTheTcpRange) {
  const CliResult r = run_cli({"serve", "--port", "65536"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--port"), std::string::npos) << r.err;
}

TEST(CliServe, AnAddressItCannotListenOnIsAnErrorNamingIt) {
  // 192.0.2.1 (TEST-NET-1, RFC 5737) is no address of this machine.
  const CliResult r = run_cli({"serve", "--host", "192.0.2.1", "--port", "0"});
  if (r.err.find("built without cpp-httplib") != std::string::npos) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 192.0.2.1:0"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace descent::test
