// Everything of the symbolic module in one include: parse, differentiate, print, evaluate,
// compile. Example: auto g = to_string(diff(parse("x^2 + 2*x + 3"), "x"));  // "2*x + 2"
#pragma once

#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/domain.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/expr.hpp"
#include "descent/symbolic/parser.hpp"
#include "descent/symbolic/printer.hpp"
#include "descent/symbolic/program.hpp"
