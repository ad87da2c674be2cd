#include "common/run_json.hpp"

#include <cmath>

namespace descent::apps {

nlohmann::json json_num(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

nlohmann::json point_json(const std::vector<std::string>& names, const Vec& x) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size() && static_cast<Index>(i) < x.size(); ++i) {
    out[names[i]] = json_num(x[static_cast<Index>(i)]);
  }
  return out;
}

nlohmann::json run_json(const std::vector<std::string>& variables,
                        const optim::Optimizer& optimizer, const optim::Schedule& schedule,
                        const RunSummary& s) {
  nlohmann::json doc{
      {"optimizer", optimizer.spec()},
      {"schedule", schedule.spec()},
      {"x", point_json(variables, s.x)},
      {"f", json_num(s.f)},
      {"grad_norm", json_num(s.grad_norm)},
      {"steps", s.steps},
      {"evaluations", s.evaluations},
      {"converged", s.converged()},
      {"reason", std::string(to_string(s.reason))},
      {"message", s.message},
      {"best",
       {{"x", point_json(variables, s.best_x)}, {"f", json_num(s.best_f)}, {"step", s.best_step}}}};
  if (!s.trace.empty()) {
    auto& trace = doc["trace"] = nlohmann::json::array();
    for (const auto& p : s.trace) {
      trace.push_back({{"step", p.step},
                       {"x", point_json(variables, p.x)},
                       {"f", json_num(p.f)},
                       {"grad_norm", json_num(p.grad_norm)},
                       {"lr", json_num(p.lr)}});
    }
  }
  return doc;
}

}  // namespace descent::apps
