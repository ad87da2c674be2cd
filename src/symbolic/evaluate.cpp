// Tree evaluation at a named point (the map overload of evaluate.hpp).
#include "descent/symbolic/evaluate.hpp"

namespace descent::symbolic {

double evaluate(const Expr& f, const std::map<std::string, double>& values) {
  std::vector<std::string> names;
  std::vector<double> numbers;
  for (const auto& [name, value] : values) {
    names.push_back(name);
    numbers.push_back(value);
  }
  return evaluate<double>(f, names, std::span<const double>(numbers));
}

}  // namespace descent::symbolic
