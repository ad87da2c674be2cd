// The curvature of a trained model's training loss (`descent train --curvature`): the largest
// eigenvalues of the Hessian of the mean loss over the training rows at the final parameters,
// by Lanczos (optim/curvature.hpp) on Hessian-vector products taken as central differences of
// the full-batch gradient (two passes over the training rows per product; no exact Hessian).
// Example: auto c = ml::training_curvature(data, result.final_state, {.top = 3});
#pragma once

#include "descent/ml/checkpoint.hpp"
#include "descent/ml/data.hpp"
#include "descent/optim/curvature.hpp"

namespace descent::ml {

// Evaluates in double precision (a float model's parameters are widened). The rows are the
// run's training rows, standardized as the trainer did (from the checkpoint's split and scale).
optim::Curvature training_curvature(const LabeledData& data, const Checkpoint& state,
                                    const optim::CurvatureOptions& options = {});

}  // namespace descent::ml
