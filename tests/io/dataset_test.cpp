// Built-in data sets load with the right shapes and classes; CSV and IDX files load as data sets.
#include "descent/io/dataset.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

// Shapes and class counts: scikit-learn's documentation of load_digits, load_iris,
// load_breast_cancer, load_wine and load_diabetes.
TEST(Dataset, DigitsIs1797By64With10Classes) {
  const Dataset d = load_dataset("digits");
  EXPECT_EQ(d.features.rows(), 1797);
  EXPECT_EQ(d.features.cols(), 64);
  EXPECT_EQ(d.num_classes, 10);
  EXPECT_EQ(d.task, Task::classification);
  EXPECT_EQ(d.image_height * d.image_width * d.image_channels, 64);
  EXPECT_EQ(d.features.maxCoeff(), 16.0);
  EXPECT_EQ(d.targets[1], 1.0);  // the second row of digits.csv.gz is a 1
}

TEST(Dataset, IrisIs150By4With3Classes) {
  const Dataset d = load_dataset("iris");
  EXPECT_EQ(d.features.rows(), 150);
  EXPECT_EQ(d.features.cols(), 4);
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_EQ(d.class_names[2], "virginica");
  EXPECT_EQ(d.feature_names[0], "sepal length (cm)");
  EXPECT_EQ(d.features(0, 0), 5.1);
  EXPECT_EQ((d.targets.array() == 1.0).count(), 50);
}

TEST(Dataset, BreastCancerIs569By30With2Classes) {
  const Dataset d = load_dataset("breast_cancer");
  EXPECT_EQ(d.features.rows(), 569);
  EXPECT_EQ(d.features.cols(), 30);
  EXPECT_EQ(d.num_classes, 2);
  EXPECT_EQ(d.feature_names[10], "radius error");
  EXPECT_EQ(d.feature_names[29], "worst fractal dimension");
  EXPECT_EQ((d.targets.array() == 0.0).count(), 212);  // malignant
}

TEST(Dataset, WineIs178By13With3Classes) {
  const Dataset d = load_dataset("wine");
  EXPECT_EQ(d.features.rows(), 178);
  EXPECT_EQ(d.features.cols(), 13);
  EXPECT_EQ(d.num_classes, 3);
}

TEST(Dataset, DiabetesIs442By10Regression) {
  const Dataset d = load_dataset("diabetes");
  EXPECT_EQ(d.features.rows(), 442);
  EXPECT_EQ(d.features.cols(), 10);
  EXPECT_EQ(d.task, Task::regression);
  EXPECT_EQ(d.num_classes, 0);
  EXPECT_EQ(d.targets[0], 151.0);
  EXPECT_EQ(d.feature_names[2], "bmi");
}

TEST(Dataset, UnknownNameListsTheBuiltins) {
  try {
    load_dataset("mnist-nope");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_NE(std::string(e.what()).find("digits, iris"), std::string::npos) << e.what();
  }
}

TEST(Dataset, CsvWithIntegerTargetIsClassification) {
  test::TempDir dir;
  std::string text = "f1,species,f2\n";
  for (int i = 0; i < 20; ++i) text += fmt::format("{},{},{}\n", i, 3 + i % 2, -i);
  write_file_atomic(dir.file("d.csv"), text);
  const Dataset d = load_dataset(dir.file("d.csv"), {.target = "species"});
  EXPECT_EQ(d.task, Task::classification);
  EXPECT_EQ(d.num_classes, 2);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(d.targets[1], 1.0);  // label 4 -> class 1
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(d.features(2, 1), -2.0);
}

TEST(Dataset, CsvWithRealTargetIsRegressionAndDefaultsToLastColumn) {
  test::TempDir dir;
  write_file_atomic(dir.file("r.csv"), "1,2,0.5\n3,4,1.5\n5,6,2.25\n");
  const Dataset d = load_dataset(dir.file("r.csv"));
  EXPECT_EQ(d.task, Task::regression);
  EXPECT_EQ(d.targets[2], 2.25);
  EXPECT_EQ(d.features.cols(), 2);
}

TEST(Dataset, CsvTargetByIndexAndBadTargetNamesTheColumns) {
  test::TempDir dir;
  write_file_atomic(dir.file("t.csv"), "a,b\n1.5,0\n2.5,1\n");
  EXPECT_EQ(load_dataset(dir.file("t.csv"), {.target = "0"}).targets[1], 2.5);
  try {
    load_dataset(dir.file("t.csv"), {.target = "c"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("columns: a, b"), std::string::npos) << e.what();
  }
}

TEST(Dataset, CsvWithTextLabelsIsClassificationOverSortedNames) {
  test::TempDir dir;
  write_file_atomic(dir.file("iris.csv"),
                    "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n"
                    "4.9,1.4,setosa\n");
  const Dataset d = load_dataset(dir.file("iris.csv"));
  EXPECT_EQ(d.task, Task::classification);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(d.targets[2], 2.0);
  EXPECT_EQ(d.targets[3], 0.0);
  EXPECT_EQ(d.features(1, 1), 4.7);
}

TEST(Dataset, TextOutsideTheTargetColumnIsStillAnError) {
  test::TempDir dir;
  write_file_atomic(dir.file("bad.csv"), "a,b\n1,x\nfoo,y\n");
  try {
    load_dataset(dir.file("bad.csv"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3:1: 'foo' is not a number"), std::string::npos)
        << e.what();
  }
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

TEST(Dataset, IdxImagesFindTheirLabelsBesideThem) {
  test::TempDir dir;
  std::string images = be32(0x00000803) + be32(3) + be32(2) + be32(2);
  for (int i = 0; i < 12; ++i) images += static_cast<char>(20 * i);
  write_file_atomic(dir.file("toy-images-idx3-ubyte.gz"), gzip(images));
  write_file_atomic(dir.file("toy-labels-idx1-ubyte.gz"),
                    gzip(be32(0x00000801) + be32(3) + std::string("\x00\x02\x01", 3)));
  const Dataset d = load_dataset(dir.file("toy-images-idx3-ubyte.gz"));
  EXPECT_EQ(d.features.rows(), 3);
  EXPECT_EQ(d.features.cols(), 4);
  EXPECT_EQ(d.features(2, 3), 220.0);
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_EQ(d.targets[1], 2.0);
  EXPECT_EQ(d.image_height, 2);
}

TEST(Dataset, FashionMnistHas70000ImagesOf28By28) {
  if (!std::filesystem::exists(std::string(kFashionMnistDir))) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  const Dataset d = load_dataset("fashion-mnist");
  EXPECT_EQ(d.features.rows(), 70000);
  EXPECT_EQ(d.features.cols(), 784);
  EXPECT_EQ(d.num_classes, 10);
  EXPECT_EQ(d.predefined_test_rows, 10000);
  EXPECT_EQ(d.image_height, 28);
  EXPECT_EQ((d.targets.array() == 9.0).count(), 7000);  // 7000 images per class
  EXPECT_LE(d.features.maxCoeff(), 255.0);
}

}  // namespace
}  // namespace descent::io
