// Column selection (column_selection.hpp): the CSV header's names, columns chosen by name and by
// index counting from 0, the refusals naming the setting, file and header, the id-like column
// guess, and the record run.json and `ouro metric` write. Hand-made files; every value is known.
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/column_selection.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_text;

template <typename F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(ColumnSelection, HeaderNamesAreKeptQuotesRemoved) {
  TempDir dir;
  write_text(dir / "f.csv", "\"rownames\",eruptions, waiting\n1,3.6,79\n2,1.8,54\n");
  const ArrayTable table = read_array_table(dir / "f.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"rownames", "eruptions", "waiting"}));
  EXPECT_EQ(table.values.cols(), 3);
  write_text(dir / "plain.csv", "1,2\n3,4\n");
  EXPECT_TRUE(read_array_table(dir / "plain.csv").header.empty());
}

TEST(ColumnSelection, HeaderWithAnotherCountThanTheDataIsRefused) {
  TempDir dir;
  write_text(dir / "h.csv", "a,b,c\n1,2\n");
  try {
    read_array_table(dir / "h.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("h.csv:1: the header names 3 columns, but line 2 has 2"));
  }
}

TEST(ColumnSelection, ByNameByIndexAndInTheOrderChosen) {
  TempDir dir;
  write_text(dir / "f.csv", "rownames,eruptions,waiting\n1,3.6,79\n2,1.8,54\n");
  const ArrayTable table = read_array_table(dir / "f.csv");
  const DataColumns named = select_columns(table, {"waiting", "eruptions"}, dir / "f.csv", "truth.columns");
  EXPECT_EQ(named.indices, (std::vector<std::size_t>{2, 1}));
  EXPECT_EQ(named.names, (std::vector<std::string>{"waiting", "eruptions"}));
  ASSERT_EQ(named.values.cols(), 2);
  EXPECT_EQ(named.values(0, 0), 79);
  EXPECT_EQ(named.values(1, 1), 1.8);
  const DataColumns indexed = select_columns(table, {"1", "2"}, dir / "f.csv", "truth.columns");
  EXPECT_EQ(indexed.indices, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(indexed.values(0, 0), 3.6);
  const DataColumns all = select_columns(table, {}, dir / "f.csv", "truth.columns");
  EXPECT_EQ(all.indices, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(all.rows, 2u);
}

TEST(ColumnSelection, RefusalsNameTheSettingFileAndHeader) {
  TempDir dir;
  write_text(dir / "f.csv", "rownames,eruptions,waiting\n1,3.6,79\n2,1.8,54\n");
  const ArrayTable table = read_array_table(dir / "f.csv");
  const auto select = [&](std::vector<std::string> wanted) {
    return config_error([&] { select_columns(table, wanted, dir / "f.csv", "truth.columns"); });
  };
  EXPECT_THAT(select({"eruption"}),
              HasSubstr("truth.columns: 'eruption' is not a column of " + (dir / "f.csv").string() +
                        "; its header names \"rownames\", \"eruptions\", \"waiting\" (or give an index counting "
                        "from 0, 0 to 2)"));
  EXPECT_THAT(select({"3"}), HasSubstr("truth.columns: column 3 is past the last column of"));
  EXPECT_THAT(select({"3"}), HasSubstr("it has 3 columns, counting from 0 (0 to 2)"));
  EXPECT_THAT(select({"1", "eruptions"}), HasSubstr("truth.columns: column 1 ('eruptions') of"));
  EXPECT_THAT(select({"-1"}), HasSubstr("'-1' is not a column"));
  write_text(dir / "plain.csv", "1,2\n3,4\n");
  const ArrayTable plain = read_array_table(dir / "plain.csv");
  EXPECT_THAT(config_error([&] { select_columns(plain, {"x"}, dir / "plain.csv", "--columns"); }),
              HasSubstr("--columns: 'x' is not a column of " + (dir / "plain.csv").string() +
                        ": the file has no header, so columns are chosen by index counting from 0 (0 to 1)"));
}

TEST(ColumnSelection, NonNumericFieldOfAnUnchosenColumnIsStillAnError) {
  TempDir dir;
  write_text(dir / "f.csv", "id,x\nA,1\n");
  try {
    read_columns(dir / "f.csv", {"x"}, "truth.columns");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("f.csv:2:1: 'A' is not a number (column 0 'id' of 2, counting from 0)"));
  }
}

TEST(ColumnSelection, IdLikeColumnsByNameOrByCounting) {
  TempDir dir;
  write_text(dir / "named.csv", "x,ID\n0.5,7\n0.25,3\n");
  EXPECT_EQ(id_like_column(read_array_table(dir / "named.csv")), 1u);
  write_text(dir / "unnamed.csv", ",x\n0.5,7\n0.25,3\n");
  EXPECT_EQ(id_like_column(read_array_table(dir / "unnamed.csv")), 0u);
  write_text(dir / "from1.csv", "0.5,1\n0.25,2\n0.75,3\n");
  EXPECT_EQ(id_like_column(read_array_table(dir / "from1.csv")), 1u);
  write_text(dir / "from0.csv", "0,0.5\n1,0.25\n2,0.75\n");
  EXPECT_EQ(id_like_column(read_array_table(dir / "from0.csv")), 0u);
  // Integers that do not count the rows in file order are data.
  write_text(dir / "data.csv", "x,y\n2,0.5\n1,0.25\n3,0.75\n");
  EXPECT_EQ(id_like_column(read_array_table(dir / "data.csv")), std::nullopt);
}

TEST(ColumnSelection, WarningNamesTheColumnAndTheFix) {
  TempDir dir;
  write_text(dir / "f.csv", "rownames,eruptions,waiting\n1,3.6,79\n2,1.8,54\n");
  const ArrayTable table = read_array_table(dir / "f.csv");
  EXPECT_EQ(id_column_warning(table, 0, dir / "f.csv", "truth.columns"),
            (dir / "f.csv").string() +
                ": column 0 'rownames' (counting from 0) is named like a row number and is read as data; choose "
                "the data columns with truth.columns = [\"eruptions\", \"waiting\"]");
  EXPECT_THAT(id_column_warning(table, 0, dir / "f.csv", "--columns"),
              HasSubstr("choose the data columns with --columns eruptions,waiting"));
  write_text(dir / "p.csv", "1,0.5\n2,0.25\n");
  EXPECT_THAT(id_column_warning(read_array_table(dir / "p.csv"), 0, dir / "p.csv", "truth.columns"),
              HasSubstr(": column 0 (counting from 0) counts the rows and is read as data; choose the data columns "
                        "with truth.columns = [1]"));
}

TEST(ColumnSelection, RecordStatesFileRowsColumnsAndDimension) {
  TempDir dir;
  write_text(dir / "f.csv", "rownames,eruptions,waiting\n1,3.6,79\n2,1.8,54\n3,3.3,74\n");
  const nlohmann::json record = columns_record(read_columns(dir / "f.csv", {"waiting"}, "truth.columns"));
  EXPECT_EQ(record, nlohmann::json::parse(R"({"file": ")" + (dir / "f.csv").string() +
                                          R"(", "rows": 3, "columns": [{"index": 2, "name": "waiting"}], "dim": 1})"));
  write_text(dir / "p.csv", "1,2\n3,4\n");
  EXPECT_EQ(columns_record(read_columns(dir / "p.csv", {"1"}, "--columns"))["columns"],
            nlohmann::json::parse(R"([{"index": 1}])"));
}

}  // namespace
}  // namespace ouro
