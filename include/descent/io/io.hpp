// All of descent's input/output: files (atomic writes, output checks, gzip), CSV, IDX, JSON, data
// sets. Example: #include "descent/io/io.hpp"  then  descent::io::load_dataset("digits")
#pragma once

#include "descent/io/csv.hpp"
#include "descent/io/dataset.hpp"
#include "descent/io/files.hpp"
#include "descent/io/idx.hpp"
#include "descent/io/input.hpp"
#include "descent/io/json.hpp"
#include "descent/io/output_path.hpp"
