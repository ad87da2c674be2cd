// CSV parsing: delimiters, headers, quotes, missing values, errors naming line and column.
#include "descent/io/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

std::string error_of(std::string_view text, std::string_view name, const CsvOptions& options = {}) {
  try {
    parse_csv(text, name, options);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    return e.what();
  }
  return "no error";
}

TEST(Csv, DetectsAHeaderRow) {
  const Table t = parse_csv("a,b,label\n1,2,0\n3,4,1\n", "t.csv");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "b", "label"}));
  ASSERT_EQ(t.values.rows(), 2);
  EXPECT_EQ(t.values(1, 1), 4.0);
}

TEST(Csv, NumericFirstRowIsData) {
  const Table t = parse_csv("1,2\n3,4\n", "t.csv");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"x0", "x1"}));
  EXPECT_EQ(t.values.rows(), 2);
}

TEST(Csv, HeaderCanBeForced) {
  const Table t = parse_csv("1,2\n3,4\n", "t.csv", {.header = true});
  EXPECT_EQ(t.columns, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(t.values.rows(), 1);
}

TEST(Csv, DetectsSemicolonTabAndWhitespace) {
  EXPECT_EQ(parse_csv("1;2.5\n3;4\n", "s.csv").values(0, 1), 2.5);
  EXPECT_EQ(parse_csv("1\t2.5\n3\t4\n", "t.tsv").values(0, 1), 2.5);
  const Table ws = parse_csv("  1   2.5  \n3 4\n", "w.txt");
  EXPECT_EQ(ws.values.cols(), 2);
  EXPECT_EQ(ws.values(0, 1), 2.5);
}

TEST(Csv, QuotedFieldsHoldDelimitersAndQuotes) {
  const Table t = parse_csv("\"name, with comma\",\"say \"\"hi\"\"\"\n\"1\",2\n", "q.csv");
  EXPECT_EQ(t.columns[0], "name, with comma");
  EXPECT_EQ(t.columns[1], "say \"hi\"");
  EXPECT_EQ(t.values(0, 0), 1.0);
}

TEST(Csv, HandlesCrlfBlankLinesAndSigns) {
  const Table t = parse_csv("x,y\r\n\r\n+1,-2e-3\r\n\n3 , 4\r\n", "c.csv");
  ASSERT_EQ(t.values.rows(), 2);
  EXPECT_EQ(t.values(0, 0), 1.0);
  EXPECT_EQ(t.values(0, 1), -2e-3);
  EXPECT_EQ(t.values(1, 0), 3.0);
}

TEST(Csv, RejectsShortRowNamingItsLine) {
  std::string text = "a,b,c,d,e\n";
  for (int i = 2; i <= 16; ++i) text += "1,2,3,4,0\n";
  text += "1,2,3,0\n";
  EXPECT_EQ(error_of(text, "iris.csv"), "iris.csv:17: expected 5 fields, found 4");
}

TEST(Csv, RejectsNonNumberNamingLineAndColumn) {
  EXPECT_EQ(error_of("a,b\n1,2\n3,abc\n", "data.csv"), "data.csv:3:2: 'abc' is not a number");
}

TEST(Csv, InfinityAndOutOfRangeCellsAreRefusedAlike) {
  EXPECT_EQ(error_of("a,b\n1,2\n3,inf\n", "d.csv"), "d.csv:3:2: 'inf' is not a finite number");
  EXPECT_EQ(error_of("a,b\n1,2\n3,1e999\n", "d.csv"), "d.csv:3:2: '1e999' is not a finite number");
  EXPECT_EQ(error_of("a,b\n1,2\n-inf,3\n", "d.csv"), "d.csv:3:1: '-inf' is not a finite number");
}

TEST(Csv, ATextColumnRefusesInfinityToo) {
  EXPECT_EQ(error_of("a,b\n1,cat\n3,inf\n", "d.csv", {.text_column = "b"}),
            "d.csv:3:2: 'inf' is not a finite number");
}

TEST(Csv, LineNumbersCountBlankLines) {
  EXPECT_EQ(error_of("1,2\n\n\n3,x\n", "d.csv"), "d.csv:4:2: 'x' is not a number");
}

TEST(Csv, MissingValuesAreAnErrorNamingTheLine) {
  EXPECT_EQ(error_of("a,b\n1,2\n3,NA\n", "m.csv"),
            "m.csv:3:2: missing value 'NA' (rows with missing values can be dropped)");
  EXPECT_EQ(error_of("a,b\n1,\n", "m.csv"),
            "m.csv:2:2: missing value (rows with missing values can be dropped)");
}

TEST(Csv, MissingValuesCanBeDropped) {
  CsvOptions options;
  options.drop_missing = true;
  const Table t = parse_csv("a,b\n1,2\n3,NA\n?,4\n5,NaN\n,7\n8,9\n", "m.csv", options);
  ASSERT_EQ(t.values.rows(), 2);
  EXPECT_EQ(t.values(1, 0), 8.0);
}

TEST(Csv, UnterminatedQuoteIsAnError) {
  EXPECT_EQ(error_of("1,\"2\n3,4\n", "u.csv"), "u.csv:1: unterminated quoted field");
}

TEST(Csv, NoDataRowsIsAnError) {
  EXPECT_EQ(error_of("a,b\n", "e.csv"), "e.csv: no data rows");
  EXPECT_EQ(error_of("", "e.csv"), "e.csv: no data rows");
}

TEST(Csv, ATextColumnKeepsItsFieldsAndHoldsNan) {
  CsvOptions options;
  options.text_column = "-1";
  const Table t = parse_csv("x,label\n1,cat\n2,3\n", "t.csv", options);
  EXPECT_EQ(t.text_column, 1);
  EXPECT_EQ(t.text, (std::vector<std::string>{"cat", "3"}));
  EXPECT_TRUE(std::isnan(t.values(0, 1)));
  EXPECT_EQ(t.values(1, 1), 3.0);
}

TEST(Csv, AnUnknownTextColumnNamesTheColumns) {
  CsvOptions options;
  options.text_column = "species";
  EXPECT_EQ(error_of("a,b\n1,2\n", "t.csv", options),
            "t.csv: no column 'species' (columns: a, b; or give a 0-based index)");
}

TEST(Csv, ReadsGzippedFiles) {
  test::TempDir dir;
  write_file_atomic(dir.file("t.csv.gz"), gzip("a,b\n1,2\n"));
  const Table t = read_csv(dir.file("t.csv.gz"));
  EXPECT_EQ(t.values(0, 1), 2.0);
}

}  // namespace
}  // namespace descent::io
