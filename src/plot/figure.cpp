#include "descent/plot/figure.hpp"

namespace descent::plot {

std::vector<std::string> Panel::legend_labels() const {
  std::vector<std::string> labels;
  for (const auto& s : series) {
    if (!s.label.empty()) labels.push_back(s.label);
  }
  for (const auto& p : points) {
    if (!p.label.empty()) labels.push_back(p.label);
  }
  return labels;
}

Panel& Figure::add_panel(std::string panel_title) {
  Panel& panel = panels.emplace_back();
  panel.title = std::move(panel_title);
  return panel;
}

}  // namespace descent::plot
