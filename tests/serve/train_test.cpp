// `descent serve`'s training stream over loopback: events per epoch, cancellation by request
// and by a closed connection, and the refused requests.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server_helpers.hpp"

namespace descent::test {
namespace {

using nlohmann::json;

// Reads a whole training stream; `on_event` may return false to close the connection.
std::vector<Event> stream(const TestServer& s, const std::string& path,
                          const std::function<bool(const Event&)>& on_event = {}) {
  std::vector<Event> events;
  std::string buffer;
  s.client()->Get(path.c_str(), [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    const std::size_t before = events.size();
    take_events(buffer, events);
    for (std::size_t i = before; i < events.size(); ++i) {
      if (on_event && !on_event(events[i])) return false;
    }
    return true;
  });
  return events;
}

std::vector<json> epochs_of(const std::vector<Event>& events) {
  std::vector<json> out;
  for (const auto& e : events) {
    if (e.name == "epoch") out.push_back(e.data);
  }
  return out;
}

TEST(ServeTrain, StreamsOneEventPerEpochThenTheSummary) {
  TestServer s;
  const auto events =
      stream(s, "/api/train?data=iris&model=softmax&epochs=3&optimizer=adam(lr%3D0.01)");
  ASSERT_GE(events.size(), 5u);
  EXPECT_EQ(events.front().name, "start");
  EXPECT_EQ(epochs_of(events).size(), 3u);
  const json first = epochs_of(events)[0];
  for (const char* key : {"epoch", "train_loss", "test_loss", "test_accuracy", "lr", "seconds"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  ASSERT_EQ(events.back().name, "done");
  const json summary = events.back().data;
  EXPECT_EQ(summary["reason"], "max_steps");
  EXPECT_EQ(summary["epochs"].size(), 3u);
  EXPECT_EQ(summary["epochs"][2], epochs_of(events)[2]);
  EXPECT_EQ(summary["optimizer"].get<std::string>().rfind("adam(lr=0.01", 0), 0u);
  EXPECT_TRUE(s.server().wait_no_trainings(std::chrono::seconds(10)));
}

TEST(ServeTrain, ARegressionSetReportsRSquared) {
  TestServer s;
  const auto events = stream(s, "/api/train?data=diabetes&model=linear&epochs=1");
  ASSERT_EQ(epochs_of(events).size(), 1u);
  EXPECT_TRUE(epochs_of(events)[0].contains("test_r2"));
}

TEST(ServeTrain, CancelStopsTheRunOnTheServer) {
  TestServer s;
  const int kEpochs = 1000;  // far more than the test waits for
  bool cancelled = false;
  std::uint64_t id = 0;
  const auto cancelled_events =
      stream(s, "/api/train?data=digits&epochs=" + std::to_string(kEpochs), [&](const Event& e) {
        if (e.name == "start") id = e.data["id"];
        if (e.name == "epoch" && e.data["epoch"] == 3 && !cancelled) {
          const auto r = s.client()->Post(("/api/train/" + std::to_string(id) + "/cancel").c_str());
          cancelled = r && r->status == 200;
        }
        return true;
      });
  ASSERT_TRUE(cancelled);
  ASSERT_EQ(cancelled_events.back().name, "done");
  EXPECT_EQ(cancelled_events.back().data["reason"], "stopped_by_callback");
  EXPECT_GE(epochs_of(cancelled_events).size(), 3u);
  EXPECT_LT(epochs_of(cancelled_events).size(), static_cast<std::size_t>(kEpochs));
}

TEST(ServeTrain, AClosedConnectionStopsItsRun) {
  serve::Limits limits;
  limits.max_trainings = 1;
  TestServer s(limits);
  std::size_t epochs = 0;
  stream(s, "/api/train?data=digits&epochs=1000", [&](const Event& e) {
    if (e.name == "epoch") ++epochs;
    return epochs < 2;  // close after the second epoch
  });
  EXPECT_EQ(epochs, 2u);
  // The run ends within a few batches of the closed connection, far before its 1000 epochs.
  EXPECT_TRUE(s.server().wait_no_trainings(std::chrono::seconds(20)));
  // Its slot is free again: another training starts.
  const auto events = stream(s, "/api/train?data=iris&model=softmax&epochs=1");
  EXPECT_EQ(events.back().name, "done");
}

TEST(ServeTrain, CancellingAnUnknownRunIs404) {
  TestServer s;
  const auto r = s.client()->Post("/api/train/12345/cancel");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["status"], 404);
}

TEST(ServeTrain, BadRequestsAreRefusedBeforeTheStream) {
  TestServer s;
  const std::vector<std::tuple<std::string, int, std::string>> cases{
      {"data=%2Fetc%2Fpasswd", 400, "built-in"},
      {"data=fashion-mnist", 400, "built-in"},
      {"epochs=1001", 413, "epochs"},
      {"epochs=0", 400, "epochs"},
      {"epochs=ten", 400, "integer"},
      {"colour=red", 400, "unknown parameter"},
      {"model=mlp(hidden%3D[5000,5000])", 413, "parameters"},
      {"model=tree", 400, "tree"},
      {"optimizer=adam(lr%3D-1)", 400, "lr"},
      {"model=" + std::string(201, 'm'), 413, "characters"},
  };
  for (const auto& [query, status, says] : cases) {
    const auto r = s.client()->Get(("/api/train?" + query).c_str());
    ASSERT_TRUE(r) << query;
    EXPECT_EQ(r->status, status) << query << ": " << r->body;
    EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find(says), std::string::npos)
        << query << ": " << r->body;
  }
  EXPECT_EQ(s.server().trainings(), 0);
}

TEST(ServeTrain, TrainingsPastTheConcurrentLimitAre429) {
  serve::Limits limits;
  limits.max_trainings = 0;
  TestServer s(limits);
  const auto r = s.client()->Get("/api/train?data=iris&epochs=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
}

TEST(ServeTrain, AnOptimizerTrainCannotUseFailsInTheStream) {
  TestServer s;
  const auto events = stream(s, "/api/train?data=iris&model=softmax&epochs=1&optimizer=lbfgs");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().name, "failed");
  EXPECT_TRUE(events.back().data.contains("error"));
}

}  // namespace
}  // namespace descent::test
