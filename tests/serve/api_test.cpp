// `descent serve` over loopback: the page, every JSON endpoint, every limit, bad input and
// concurrent clients (tests/serve/train_test.cpp: the training stream).
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/problems.hpp"
#include "descent/plot/color.hpp"
#include "server_helpers.hpp"

namespace descent::test {
namespace {

using nlohmann::json;

json body_of(const httplib::Result& r) { return json::parse(r->body); }

httplib::Result post(const TestServer& s, const std::string& path, const json& body) {
  return s.client()->Post(path.c_str(), body.dump(), "application/json");
}

TEST(ServePage, RootServesTheEmbeddedPageWithItsScript) {
  TestServer s;
  const auto page = s.client()->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<canvas id=\"canvas\""), std::string::npos);
  // No CDN: the page may load only from the server itself.
  EXPECT_EQ(page->get_header_value("Content-Security-Policy"), "default-src 'self'");
  const auto script = s.client()->Get("/app.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->body.find("/api/race"), std::string::npos);
}

TEST(ServePage, UnknownPathsAre404WithAJsonMessage) {
  TestServer s;
  for (const char* path : {"/nothing.js", "/api/nothing", "/../etc/passwd"}) {
    const auto r = s.client()->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(body_of(r)["status"], 404) << path;
  }
}

TEST(ServeProblems, ListsTheBuiltInProblemsInTheCliShape) {
  TestServer s;
  const auto r = s.client()->Get("/api/problems");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json problems = body_of(r)["problems"];
  ASSERT_EQ(problems.size(), optim::problems().size());
  EXPECT_EQ(problems[0]["name"], optim::problems()[0].name);
  for (const char* key : {"description", "formula", "variables", "start", "minimizers", "minimum",
                          "optimizer", "steps"}) {
    EXPECT_TRUE(problems[0].contains(key)) << key;
  }
}

TEST(ServeContour, TwoVariablesGiveTheGridLevelsAndThePlotColours) {
  TestServer s;
  const auto r = post(s, "/api/contour",
                      {{"expr", "x^2 + y^2"}, {"range", {-1, 1, -1, 1}}, {"resolution", 11}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json c = body_of(r);
  EXPECT_EQ(c["variables"], json({"x", "y"}));
  EXPECT_EQ(c["grid"]["nx"], 11);
  ASSERT_EQ(c["grid"]["values"].size(), 121u);
  // Node (5, 5) is (0, 0): f = 0, |grad f| = 0; node (10, 10) is (1, 1): f = 2, |grad f| = 2
  // sqrt 2.
  EXPECT_EQ(c["grid"]["values"][5 * 11 + 5], 0.0);
  EXPECT_EQ(c["grid"]["values"][120], 2.0);
  EXPECT_NEAR(c["grid"]["grad_norm"][120].get<double>(), 2.82843, 1e-5);
  ASSERT_EQ(c["colors"].size(), c["levels"].size() + 1);
  // The lowest band as the PNG plots paint it: viridis(0) lightened 20% towards white.
  EXPECT_EQ(c["colors"][0], plot::viridis(0.0).mix(plot::kWhite, 0.2).hex());
  EXPECT_EQ(c["palette"][0], plot::palette(0).hex());
}

TEST(ServeContour, OneVariableGivesTheCurve) {
  TestServer s;
  const auto r =
      post(s, "/api/contour", {{"expr", "x^2"}, {"range", {-2, 2, 0, 1}}, {"resolution", 5}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json c = body_of(r);
  EXPECT_FALSE(c.contains("grid"));
  EXPECT_EQ(c["curve"]["x"], json({-2.0, -1.0, 0.0, 1.0, 2.0}));
  EXPECT_EQ(c["curve"]["f"], json({4.0, 1.0, 0.0, 1.0, 4.0}));
}

TEST(ServeContour, UndefinedValuesAreNull) {
  TestServer s;
  const auto r =
      post(s, "/api/contour", {{"expr", "log(x)"}, {"range", {-1, 1, 0, 1}}, {"resolution", 3}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(body_of(r)["curve"]["f"][0].is_null());  // log(-1)
}

TEST(ServeContour, ABadFormulaIs400WithItsColumn) {
  TestServer s;
  const auto r = post(s, "/api/contour", {{"expr", "x^2 + (y"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const std::string message = body_of(r)["error"];
  EXPECT_NE(message.find("formula:1:9: expected ')' to close '(' opened at column 7"),
            std::string::npos)
      << message;
}

TEST(ServeContour, ThreeVariablesAre400) {
  TestServer s;
  const auto r = post(s, "/api/contour", {{"expr", "x + y + z"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(body_of(r)["error"].get<std::string>().find("1 or 2 variables"), std::string::npos);
}

TEST(ServeRace, TheCourseExampleTakesItsTwoHandWorkedSteps) {
  TestServer s;
  // f = 3x^2 + y^2 from (1, 1), gd lr 0.1: (0.4, 0.8), then (0.16, 0.64).
  const auto r =
      post(s, "/api/race",
           {{"expr", "3*x^2 + y^2"}, {"at", {1, 1}}, {"optimizers", {"gd(lr=0.1)"}}, {"steps", 2}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json run = body_of(r)["runs"][0];
  EXPECT_DOUBLE_EQ(run["x"]["x"].get<double>(), 0.16);
  EXPECT_DOUBLE_EQ(run["x"]["y"].get<double>(), 0.64);
  ASSERT_EQ(run["trace"].size(), 3u);
  EXPECT_DOUBLE_EQ(run["trace"][1]["x"]["x"].get<double>(), 0.4);
  EXPECT_EQ(run["reason"], "max_steps");
}

TEST(ServeRace, EveryRunEndsWhereTheMinimizeDriverEnds) {
  TestServer s;
  const std::vector<std::string> specs{"adam(lr=0.05)", "lbfgs", "newton",
                                       "momentum(lr=0.001, nesterov=true)"};
  const auto r =
      post(s, "/api/race",
           {{"expr", "rosenbrock"}, {"at", {-1.5, 2}}, {"optimizers", specs}, {"steps", 300}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json runs = body_of(r)["runs"];
  const auto& problem = *optim::find_problem("rosenbrock");
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto optimizer = optim::make_optimizer(specs[i]);
    const auto objective = optim::formula_objective(problem.formula, problem.variables);
    Vec start(2);
    start << -1.5, 2.0;
    const RunSummary expected =
        optim::minimize(objective, start, *optimizer, nullptr, {.steps = 300});
    EXPECT_EQ(runs[i]["x"]["x"].get<double>(), expected.x[0]) << specs[i];
    EXPECT_EQ(runs[i]["x"]["y"].get<double>(), expected.x[1]) << specs[i];
    EXPECT_EQ(runs[i]["steps"], expected.steps) << specs[i];
  }
}

TEST(ServeRace, AProblemNameStartsAtItsStandardStart) {
  TestServer s;
  const auto r = post(s, "/api/race", {{"expr", "rosenbrock"}, {"steps", 0}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto& start = optim::find_problem("rosenbrock")->start;
  EXPECT_EQ(body_of(r)["start"], json({start[0], start[1]}));
}

// One bad request per case: the status and a word the message must hold.
struct Refusal {
  const char* what;
  const char* path;
  json body;
  int status;
  const char* says;
};

TEST(ServeLimits, EveryLimitAndBadInputIsRefusedWithItsStatusAndMessage) {
  TestServer s;
  const std::vector<Refusal> cases{
      {"long formula", "/api/contour", {{"expr", std::string(1001, 'x')}}, 413, "characters"},
      {"big grid", "/api/contour", {{"expr", "x^2+y^2"}, {"resolution", 501}}, 413, "resolution"},
      {"tiny grid", "/api/contour", {{"expr", "x^2+y^2"}, {"resolution", 1}}, 400, "resolution"},
      {"many levels", "/api/contour", {{"expr", "x^2+y^2"}, {"levels", 101}}, 413, "levels"},
      {"bad range",
       "/api/contour",
       {{"expr", "x^2+y^2"}, {"range", {1, 0, 0, 1}}},
       400,
       "x_lo < x_hi"},
      {"no expr", "/api/race", json::object(), 400, "expr"},
      {"not an object", "/api/race", json::array(), 400, "object"},
      {"many steps", "/api/race", {{"expr", "x^2"}, {"at", {1}}, {"steps", 100001}}, 413, "steps"},
      {"negative steps", "/api/race", {{"expr", "x^2"}, {"at", {1}}, {"steps", -1}}, 400, "steps"},
      {"many optimizers",
       "/api/race",
       {{"expr", "x^2"}, {"at", {1}}, {"optimizers", std::vector<std::string>(9, "gd")}},
       413,
       "optimizers"},
      {"bad spec",
       "/api/race",
       {{"expr", "x^2"}, {"at", {1}}, {"optimizers", {"adam(betas=[1.2,0.9])"}}},
       400,
       "betas[0] = 1.2"},
      {"bad schedule",
       "/api/race",
       {{"expr", "x^2"}, {"at", {1}}, {"schedule", "warp"}},
       400,
       "warp"},
      {"short start", "/api/race", {{"expr", "x^2+y^2"}, {"at", {1}}}, 400, "2 numbers"},
      {"start as text", "/api/race", {{"expr", "x^2"}, {"at", {"1"}}}, 400, "finite"},
      {"undefined start", "/api/race", {{"expr", "log(x)"}, {"at", {-1}}}, 400, "undefined"},
  };
  for (const auto& c : cases) {
    const auto r = post(s, c.path, c.body);
    ASSERT_TRUE(r) << c.what;
    EXPECT_EQ(r->status, c.status) << c.what << ": " << r->body;
    const json body = body_of(r);
    EXPECT_EQ(body["status"], c.status) << c.what;
    EXPECT_NE(body["error"].get<std::string>().find(c.says), std::string::npos)
        << c.what << ": " << body;
  }
}

TEST(ServeLimits, ABodyThatIsNotJsonIs400) {
  TestServer s;
  const auto r = s.client()->Post("/api/race", "{\"expr\": ", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(body_of(r)["error"].get<std::string>().find("not valid JSON"), std::string::npos);
}

TEST(ServeLimits, ABodyPastThePayloadLimitIs413) {
  TestServer s;
  const auto r = s.client()->Post("/api/race", std::string(64 * 1024 + 1, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(body_of(r)["status"], 413);
}

TEST(ServeLimits, RunsPastTheConcurrentLimitAre429) {
  serve::Limits limits;
  limits.max_runs = 0;  // every run finds the limit reached
  TestServer s(limits);
  const auto r = post(s, "/api/race", {{"expr", "x^2"}, {"at", {1}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_NE(body_of(r)["error"].get<std::string>().find("at once"), std::string::npos);
}

TEST(ServeLimits, ARaceStopsAtItsTimeLimit) {
  serve::Limits limits;
  limits.run_seconds = 0.0;  // stops at the first check (step 0)
  TestServer s(limits);
  const auto r =
      post(s, "/api/race",
           {{"expr", "x^2"}, {"at", {1}}, {"optimizers", {"gd(lr=0.001)"}}, {"steps", 100000}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_of(r)["runs"][0]["reason"], "stopped_by_callback");
}

TEST(ServeConcurrency, ConcurrentClientsGetTheSameAnswerOrA429) {
  TestServer s;
  const json request{
      {"expr", "rosenbrock"}, {"optimizers", {"adam(lr=0.05)", "lbfgs"}}, {"steps", 2000}};
  std::vector<std::future<std::pair<int, std::string>>> answers;
  for (int i = 0; i < 12; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      const auto r = post(s, "/api/race", request);
      return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
    }));
  }
  std::string first;
  int served = 0;
  for (auto& a : answers) {
    const auto [status, body] = a.get();
    ASSERT_TRUE(status == 200 || status == 429) << status << body;
    if (status != 200) continue;
    ++served;
    if (first.empty()) first = body;
    EXPECT_EQ(body, first);
  }
  EXPECT_GE(served, 1);
}

}  // namespace
}  // namespace descent::test
