#include "common/sqlite_versioned.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/record_version.h"

namespace kexport {

absl::StatusOr<int64_t> WriteVersionedRow(SqliteDatabase& db, const std::string& table,
                                          const RowKey& key, const std::string& record_name,
                                          const std::string& etag, const std::string& body,
                                          const SqlColumns& columns,
                                          int64_t unwritten_versions) {
  ASSIGN_OR_RETURN(int64_t version, VersionFromEtag(etag, record_name));
  std::vector<std::string> names;
  std::vector<std::string> assignments;
  SqlValues values;
  for (const auto& [column, value] : columns) {
    names.push_back(column);
    assignments.push_back(absl::StrCat(column, " = ?"));
    std::visit([&values](const auto& v) { values.Add(v); }, value);
  }
  values.Add(body);
  std::string sql;
  if (version == 0) {
    values.Add(key.value);
    names.push_back("body");
    names.push_back(key.column);
    sql = absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(names, ", "),
                       ", version) VALUES (",
                       absl::StrJoin(std::vector<std::string>(names.size(), "?"), ", "), ", 1)");
  } else {
    assignments.push_back("body = ?");
    assignments.push_back("version = ?");
    values.Add(version + 1);
    values.Add(key.value);
    sql = absl::StrCat("UPDATE ", table, " SET ", absl::StrJoin(assignments, ", "), " WHERE ",
                       key.column, " = ? AND version = ?");
    values.Add(version - unwritten_versions);
  }
  ASSIGN_OR_RETURN(SqliteStatement * statement, db.Prepare(sql));
  values.BindTo(*statement);
  absl::Status written = statement->Run();
  if (absl::IsAlreadyExists(written)) {
    std::string singular = table.substr(0, table.size() - 1);
    return AlreadyExistsError(absl::StrCat(absl::AsciiStrToUpper(singular), "_EXISTS"),
                              absl::StrCat(record_name, " exists already"));
  }
  RETURN_IF_ERROR(written);
  if (statement->Changes() != 1) {
    return RecordChangedError(record_name);
  }
  return version + 1;
}

}  // namespace kexport
