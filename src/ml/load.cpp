// Kept apart from data.cpp so that code which never loads files does not link io's loaders.
#include "descent/ml/data.hpp"

namespace descent::ml {

LabeledData to_labeled(io::Dataset dataset) {
  LabeledData data;
  data.name = std::move(dataset.name);
  data.shape.inputs = dataset.features.cols();
  data.shape.classification = dataset.task == io::Task::classification;
  data.shape.num_classes = dataset.num_classes;
  if (dataset.image_channels > 0) {
    data.shape.image = {dataset.image_channels, dataset.image_height, dataset.image_width};
  }
  data.features = std::move(dataset.features);
  data.targets = std::move(dataset.targets);
  data.feature_names = std::move(dataset.feature_names);
  data.class_names = std::move(dataset.class_names);
  data.predefined_test_rows = dataset.predefined_test_rows;
  data.content_hash = dataset.content_hash;
  data.target = std::move(dataset.target);
  data.notes = std::move(dataset.notes);
  return data;
}

LabeledData load_labeled(std::string_view name_or_path, const io::DatasetOptions& options) {
  return to_labeled(io::load_dataset(name_or_path, options));
}

}  // namespace descent::ml
