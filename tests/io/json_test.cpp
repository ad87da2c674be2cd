// JSON reading and writing with located errors.
#include "descent/io/json.hpp"

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

TEST(Json, RoundTripsThroughAnAtomicWrite) {
  test::TempDir dir;
  const nlohmann::json doc = {{"lr", 0.01}, {"betas", {0.9, 0.999}}, {"name", "adam"}};
  write_json_atomic(dir.file("a.json"), doc);
  EXPECT_EQ(read_json(dir.file("a.json")), doc);
}

TEST(Json, SyntaxErrorNamesFileLineAndColumn) {
  try {
    parse_json("{\n  \"a\": 1,\n  \"b\": ]\n}", "run.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()).rfind("run.json:3:8: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace descent::io
