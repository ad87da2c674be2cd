// Trains a small MLP on the embedded digits (8x8 images) with Adam and prints each epoch, then
// predicts the first few images from the final state, as `descent train` and `predict` do.
// Run: ./example_train_digits
#include <cstdio>

#include "descent/core/error.hpp"
#include "descent/ml/trainer.hpp"

int main() {
  using namespace descent;
  try {
    const ml::LabeledData digits = ml::load_labeled("digits");
    ml::TrainCallbacks callbacks;
    callbacks.on_epoch = [](const ml::EpochRecord& e) {
      std::printf("epoch %2lld  train loss %.4f  test loss %.4f  test accuracy %.2f%%\n",
                  static_cast<long long>(e.epoch), e.train_loss, e.test_loss, 100 * e.test_metric);
    };
    const ml::TrainResult result = ml::train(
        digits, {.model = "mlp(hidden=[64], activation=relu)", .optimizer = "adam(lr=0.001)", .batch_size = 32, .epochs = 10},
        callbacks);
    std::printf("%s: %lld parameters, test accuracy %.2f%%\n", result.model.c_str(),
                static_cast<long long>(result.parameters), 100 * result.test_metric);

    const RowMat first = digits.features.topRows(5);
    const ml::Predictions predictions = ml::predict(result.final_state, first);
    for (Index i = 0; i < first.rows(); ++i) {
      std::printf("image %lld: label %.0f, predicted %.0f\n", static_cast<long long>(i), digits.targets[i],
                  predictions.values[static_cast<std::size_t>(i)]);
    }
    return result.test_metric >= 0.9 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "train_digits: %s\n", e.what());
    return 2;
  }
}
