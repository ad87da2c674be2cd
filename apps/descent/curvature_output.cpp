#include "curvature_output.hpp"

#include <string>

#include "output.hpp"

namespace descent::cli {

nlohmann::json curvature_json(const optim::Curvature& c) {
  nlohmann::json doc{{"eigenvalues", nlohmann::json::array()},
                     {"converged", c.converged},
                     {"lambda_max", json_num(c.lambda_max)},
                     {"smallest", c.smallest ? json_num(*c.smallest) : nlohmann::json()},
                     {"condition_number", c.condition ? json_num(*c.condition) : nlohmann::json()},
                     {"max_stable_lr", json_num(c.max_stable_lr)},
                     {"iterations", c.iterations}};
  for (double v : c.top) doc["eigenvalues"].push_back(json_num(v));
  return doc;
}

void print_curvature(std::ostream& out, const optim::Curvature& c) {
  Table table({"rank", "eigenvalue", "converged"});
  for (std::size_t i = 0; i < c.top.size(); ++i) {
    table.add_row({std::to_string(i + 1), fmt_num(c.top[i], 10), c.converged[i] ? "yes" : "no"});
  }
  table.print(out);
  out << "\nsmallest eigenvalue: "
      << (c.smallest ? fmt_num(*c.smallest, 10)
                     : std::string("unknown (Lanczos has not converged to it)"))
      << "\ncondition number: "
      << (c.condition ? fmt_num(*c.condition, 6)
                      : std::string("undefined (the smallest eigenvalue is unknown or <= 0)"))
      << '\n';
  if (c.lambda_max > 0) {
    out << "largest stable gd step: lr < 2 / lambda_max = " << fmt_num(c.max_stable_lr, 6)
        << " (gd(lr=auto) takes 1 / lambda_max = " << fmt_num(1 / c.lambda_max, 6) << ")\n";
  } else {
    out << "no positive curvature here: gradient descent has no step-size limit from it\n";
  }
}

}  // namespace descent::cli
