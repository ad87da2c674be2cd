// The instruction codes of a compiled Program and their double semantics, shared by the
// interpreter (program.cpp) and the native-code generator (program_jit.cpp), so that both
// compute the same operations (not installed).
#pragma once

#include <cmath>
#include <cstdint>

#include "descent/symbolic/evaluate.hpp"

namespace descent::symbolic::detail {

enum Code : std::uint8_t {
  kAdd, kSub, kMul, kDiv, kNeg, kSquare, kPow,
  kSin, kCos, kTan, kAsin, kAcos, kAtan, kSinh, kCosh, kTanh, kExp, kLog, kSqrt, kAbs,
  kSigmoid, kSoftplus, kSign, kMin, kMax,
};
constexpr int kLastCode = kMax;  // for the dispatch table size

// True for the codes that read two operands.
inline bool is_binary(std::uint8_t code) {
  return code == kAdd || code == kSub || code == kMul || code == kDiv || code == kPow ||
         code == kMin || code == kMax;
}

inline double apply(std::uint8_t code, double a, double b) {
  switch (code) {
    case kAdd: return a + b;
    case kSub: return a - b;
    case kMul: return a * b;
    case kDiv: return a / b;
    case kNeg: return -a;
    case kSquare: return a * a;
    case kPow: return std::pow(a, b);
    case kSin: return std::sin(a);
    case kCos: return std::cos(a);
    case kTan: return std::tan(a);
    case kAsin: return std::asin(a);
    case kAcos: return std::acos(a);
    case kAtan: return std::atan(a);
    case kSinh: return std::sinh(a);
    case kCosh: return std::cosh(a);
    case kTanh: return std::tanh(a);
    case kExp: return std::exp(a);
    case kLog: return std::log(a);
    case kSqrt: return std::sqrt(a);
    case kAbs: return std::fabs(a);
    case kSigmoid: return sigmoid(a);
    case kSoftplus: return softplus(a);
    case kSign: return sign(a);
    case kMin: return min(a, b);
    case kMax: return max(a, b);
    default: return 0.0;
  }
}

}  // namespace descent::symbolic::detail
