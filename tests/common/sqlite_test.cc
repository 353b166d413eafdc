#include "common/sqlite.h"

#include "common/macros.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"

namespace kexport {
namespace {

const std::vector<Migration> kFirst = {
    {1, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"}};
const std::vector<Migration> kBoth = {
    kFirst[0], {2, "ALTER TABLE items ADD COLUMN note TEXT"}};

absl::StatusOr<int64_t> CountItems(SqliteDatabase& db) {
  ASSIGN_OR_RETURN(SqliteStatement * count, db.Prepare("SELECT COUNT(*) FROM items"));
  ASSIGN_OR_RETURN(bool row, count->Step());
  int64_t n = row ? count->ColumnInt(0) : -1;
  count->Reset();
  return n;
}

TEST(SqliteTest, MigrationsRunOnceInOrder) {
  testing::TempDir dir;
  std::string path = dir.path() + "/db.sqlite";
  {
    auto db = SqliteDatabase::Open(path, kFirst);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ(*(*db)->SchemaVersion(), 1);
    ASSERT_TRUE((*db)->Execute("INSERT INTO items(name) VALUES ('a')").ok());
  }
  auto db = SqliteDatabase::Open(path, kBoth);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(*(*db)->SchemaVersion(), 2);
  EXPECT_EQ(*CountItems(**db), 1);
  EXPECT_TRUE((*db)->Execute("UPDATE items SET note = 'n'").ok());
}

TEST(SqliteTest, UncommittedTransactionRollsBack) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.path() + "/db.sqlite", kFirst);
  ASSERT_TRUE(db.ok());
  {
    SqliteTransaction tx(**db);
    ASSERT_TRUE(tx.begun().ok());
    ASSERT_TRUE((*db)->Execute("INSERT INTO items(name) VALUES ('a')").ok());
  }
  EXPECT_EQ(*CountItems(**db), 0);
  {
    SqliteTransaction tx(**db);
    ASSERT_TRUE((*db)->Execute("INSERT INTO items(name) VALUES ('b')").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  EXPECT_EQ(*CountItems(**db), 1);
}

TEST(SqliteTest, RunsInWalWithFullSync) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.path() + "/db.sqlite", kFirst);
  ASSERT_TRUE(db.ok());
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*(*mode)->Step());
  EXPECT_EQ((*mode)->ColumnText(0), "wal");
  (*mode)->Reset();
  auto sync = (*db)->Prepare("PRAGMA synchronous");
  ASSERT_TRUE(*(*sync)->Step());
  EXPECT_EQ((*sync)->ColumnInt(0), 2);  // FULL
  (*sync)->Reset();
}

TEST(SqliteTest, ColumnBytesAreTheStoredBytes) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.path() + "/db.sqlite", kBoth);
  ASSERT_TRUE(db.ok());
  auto insert = (*db)->Prepare("INSERT INTO items(name, note) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok());
  const std::string body("a\0b\xff", 4);  // a serialized message may hold any byte
  (*insert)->BindBlob(1, body);
  (*insert)->BindNull(2);
  ASSERT_TRUE((*insert)->Run().ok());
  auto read = (*db)->Prepare("SELECT name, note FROM items");
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(*(*read)->Step());
  EXPECT_EQ((*read)->ColumnBytes(0), body);
  EXPECT_EQ((*read)->ColumnText(0), body);
  EXPECT_TRUE((*read)->ColumnBytes(1).empty());
  (*read)->Reset();
}

TEST(SqliteTest, BadSqlIsAnErrorNotACrash) {
  testing::TempDir dir;
  auto db = SqliteDatabase::Open(dir.path() + "/db.sqlite", kFirst);
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Prepare("SELEC nonsense").ok());
  EXPECT_FALSE(SqliteDatabase::Open("/nonexistent/dir/db.sqlite", kFirst).ok());
}

}  // namespace
}  // namespace kexport
