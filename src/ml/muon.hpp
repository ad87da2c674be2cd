// Muon (Keller Jordan et al. 2024, github.com/KellerJordan/Muon) for train's weight matrices
// (private to ml): SGD momentum whose update of each matrix is orthogonalized by five quintic
// Newton-Schulz steps. The Stepper gives it the hidden layers' weight matrices and the rest (the
// output layer, every bias) to AdamW with muon's adam_* options, as the authors'
// MuonWithAuxAdam does. Example spec: muon(lr=0.02, momentum=0.95, adam_lr=3e-4).
#pragma once

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/core/spec.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::ml::detail {

// The canonical muon spec with every key (lr, momentum, weight_decay, nesterov, ns_steps, adam_lr,
// adam_betas, adam_eps, adam_weight_decay). Throws descent::Error (bad_usage) for unknown keys
// and values out of range.
Spec muon_spec(std::string_view text);

// The Muon rule over matrices laid end to end (rows x cols each, row-major), from a canonical
// spec. With no matrices it only names the rule (Stepper's base).
std::unique_ptr<optim::Optimizer> make_muon(const Spec& spec,
                                            std::vector<std::pair<Index, Index>> matrices);

// The AdamW spec muon's other parameters take: adamw(lr=adam_lr, betas=adam_betas, ...).
std::string muon_adamw_spec(const Spec& spec);

// Newton-Schulz orthogonalization as the authors' zeropower_via_newtonschulz5 (in float64, not
// bfloat16): g (rows x cols, row-major) is replaced by about U V^T of its SVD.
void newton_schulz5(double* g, Index rows, Index cols, int steps);

}  // namespace descent::ml::detail
