#include "services/catalogue/catalogue_store.h"

#include <utility>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/json.h"
#include "core/status_macros.h"

namespace ahpl::catalogue {
namespace {

using google::protobuf::util::TimeUtil;

const std::vector<PreparedStatement>& Statements() {
  static const auto* statements = new std::vector<PreparedStatement>{
      {"catalogue_insert_edition",
       "INSERT INTO editions (edition_id, title, question_count, content, content_sha256) "
       "VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (edition_id) DO NOTHING "
       "RETURNING (extract(epoch FROM publish_time) * 1000000)::bigint"},
      {"catalogue_audit_publish",
       "INSERT INTO audit_events (actor, token_id, actor_role, action, resource) "
       "VALUES ($1, $2, $3, 'edition.published', $4)"},
      {"catalogue_edition_digest", "SELECT content_sha256 FROM editions WHERE edition_id = $1"},
      {"catalogue_insert_section",
       "INSERT INTO edition_sections (edition_id, section_id, position, title) "
       "VALUES ($1, $2, $3, $4)"},
      {"catalogue_insert_question",
       "INSERT INTO edition_questions (edition_id, question_id, section_id, position, text, "
       "polarity) VALUES ($1, $2, $3, $4, $5, $6)"},
      {"catalogue_insert_scale_point",
       "INSERT INTO edition_scale_points (edition_id, value, code, label) "
       "VALUES ($1, $2, $3, $4)"},
      {"catalogue_get_edition",
       "SELECT content::text, (extract(epoch FROM publish_time) * 1000000)::bigint "
       "FROM editions WHERE edition_id = $1"},
      {"catalogue_latest_edition",
       "SELECT edition_id FROM editions ORDER BY publish_time DESC, edition_id DESC LIMIT 1"},
      {"catalogue_list_editions",
       "SELECT edition_id, title, (extract(epoch FROM publish_time) * 1000000)::bigint, "
       "question_count FROM editions "
       "WHERE $1::bigint IS NULL OR (publish_time, edition_id) < "
       "(to_timestamp($1::bigint / 1000000.0), $2) "
       "ORDER BY publish_time DESC, edition_id DESC LIMIT $3"},
      {"catalogue_upsert_region",
       "INSERT INTO regions (code, name) VALUES ($1, $2) "
       "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name WHERE regions.name <> EXCLUDED.name"},
      {"catalogue_list_regions",
       "SELECT r.code, r.name, count(t.ods_code)::integer FROM regions r "
       "LEFT JOIN trusts t ON t.region_code = r.code AND t.active "
       "GROUP BY r.code, r.name HAVING count(t.ods_code) > 0 ORDER BY r.code"},
      {"catalogue_region_exists", "SELECT 1 FROM regions WHERE code = $1"},
      {"catalogue_list_trusts",
       "SELECT t.ods_code, t.name, t.region_code, r.name, t.trust_type "
       "FROM trusts t JOIN regions r ON r.code = t.region_code "
       "WHERE t.active AND ($1 = '' OR t.region_code = $1) AND t.ods_code > $2 "
       "ORDER BY t.ods_code LIMIT $3"},
      {"catalogue_count_trusts",
       "SELECT count(*)::integer FROM trusts WHERE active AND ($1 = '' OR region_code = $1)"},
      {"catalogue_get_trust",
       "SELECT t.ods_code, t.name, t.region_code, r.name, t.trust_type "
       "FROM trusts t JOIN regions r ON r.code = t.region_code WHERE t.ods_code = $1"},
  };
  return *statements;
}

// Merge the staged register into trusts; plain statements because they read
// a temporary table that each load creates anew.
constexpr const char* kUpsertTrusts =
    "INSERT INTO trusts (ods_code, name, region_code, trust_type, active) "
    "SELECT ods_code, name, region_code, trust_type, true FROM trust_register_incoming "
    "ON CONFLICT (ods_code) DO UPDATE SET name = EXCLUDED.name, "
    "  region_code = EXCLUDED.region_code, trust_type = EXCLUDED.trust_type, active = true "
    "WHERE (trusts.name, trusts.region_code, trusts.trust_type, trusts.active) IS DISTINCT FROM "
    "  (EXCLUDED.name, EXCLUDED.region_code, EXCLUDED.trust_type, true)";
constexpr const char* kRetireTrusts =
    "UPDATE trusts SET active = false WHERE active AND "
    "NOT EXISTS (SELECT 1 FROM trust_register_incoming i WHERE i.ods_code = trusts.ods_code)";

v1::Trust TrustFromRow(const pqxx::row& row) {
  v1::Trust t;
  t.set_ods_code(row[0].as<std::string>());
  t.set_name(row[1].as<std::string>());
  t.set_region_code(row[2].as<std::string>());
  t.set_region_name(row[3].as<std::string>());
  t.set_trust_type(row[4].as<std::string>());
  return t;
}

std::string EditionKey(int64_t publish_micros, const std::string& id) {
  return absl::StrCat(publish_micros, ":", id);
}

}  // namespace

CatalogueStore::CatalogueStore(PgPool& pool) : pool_(pool) {
  pool_.RegisterStatements(Statements());
}

absl::StatusOr<std::shared_ptr<const v1::Edition>> CatalogueStore::Cache(v1::Edition edition) {
  auto shared = std::make_shared<const v1::Edition>(std::move(edition));
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = editions_.emplace(shared->id(), shared);
  return it->second;
}

std::shared_ptr<const v1::Edition> CatalogueStore::CachedEdition(
    const std::string& edition_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = editions_.find(edition_id);
  return it == editions_.end() ? nullptr : it->second;
}

absl::StatusOr<Published> CatalogueStore::PublishEdition(const v1::Edition& edition,
                                                         const std::string& fingerprint,
                                                         const Principal& actor) {
  v1::Edition content = edition;
  content.clear_publish_time();
  const std::string json = ToJson(content);
  bool created = false;
  int64_t publish_micros = 0;
  RETURN_IF_ERROR(pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto inserted =
        tx.exec_prepared("catalogue_insert_edition", content.id(), content.title(),
                         content.questions_size(), json, fingerprint);
    if (inserted.empty()) {
      const auto digest = tx.exec_prepared("catalogue_edition_digest", content.id());
      if (!digest.empty() && digest[0][0].as<std::string>() == fingerprint) {
        created = false;
        return absl::OkStatus();
      }
      return absl::AlreadyExistsError(absl::StrCat(
          "edition ", content.id(),
          " is already published with different content; published editions never change, "
          "so publish the change under a new edition id"));
    }
    created = true;
    publish_micros = inserted[0][0].as<int64_t>();
    for (const auto& s : content.sections()) {
      tx.exec_prepared("catalogue_insert_section", content.id(), s.id(), s.position(), s.title());
    }
    for (const auto& q : content.questions()) {
      tx.exec_prepared("catalogue_insert_question", content.id(), q.id(), q.section_id(),
                       q.position(), q.text(), static_cast<int>(q.polarity()));
    }
    for (const auto& p : content.scale().points()) {
      tx.exec_prepared("catalogue_insert_scale_point", content.id(), p.value(), p.code(),
                       p.label());
    }
    std::optional<int64_t> actor_token;
    if (actor.token_id != 0) actor_token = actor.token_id;
    tx.exec_prepared("catalogue_audit_publish", actor.name, actor_token,
                     static_cast<int>(actor.role), "editions/" + content.id());
    return absl::OkStatus();
  }));
  if (!created) {
    ASSIGN_OR_RETURN(auto stored, GetEdition(content.id()));
    return Published{std::move(stored), false};
  }
  *content.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(publish_micros);
  ASSIGN_OR_RETURN(auto cached, Cache(std::move(content)));
  return Published{std::move(cached), true};
}

absl::StatusOr<std::shared_ptr<const v1::Edition>> CatalogueStore::GetEdition(
    const std::string& edition_id) {
  if (auto cached = CachedEdition(edition_id)) return cached;
  std::string json;
  int64_t publish_micros = 0;
  bool found = false;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("catalogue_get_edition", edition_id);
    if (r.empty()) return absl::OkStatus();
    found = true;
    json = r[0][0].as<std::string>();
    publish_micros = r[0][1].as<int64_t>();
    return absl::OkStatus();
  }));
  if (!found) return absl::NotFoundError(absl::StrCat("no edition \"", edition_id, "\""));
  v1::Edition edition;
  if (!google::protobuf::util::JsonStringToMessage(json, &edition).ok()) {
    return absl::DataLossError(absl::StrCat("stored edition ", edition_id, " cannot be read"));
  }
  *edition.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(publish_micros);
  return Cache(std::move(edition));
}

absl::StatusOr<std::string> CatalogueStore::LatestEditionId() {
  std::string id;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("catalogue_latest_edition");
    if (!r.empty()) id = r[0][0].as<std::string>();
    return absl::OkStatus();
  }));
  if (id.empty()) return absl::NotFoundError("no edition has been published");
  return id;
}

absl::StatusOr<Page<v1::EditionSummary>> CatalogueStore::ListEditions(const std::string& after_key,
                                                                      int limit) {
  std::optional<int64_t> after_micros;
  std::string after_id;
  if (!after_key.empty()) {
    const size_t colon = after_key.find(':');
    int64_t micros = 0;
    if (colon == std::string::npos || !absl::SimpleAtoi(after_key.substr(0, colon), &micros)) {
      return absl::InvalidArgumentError("page_token: not a page token issued by this service");
    }
    after_micros = micros;
    after_id = after_key.substr(colon + 1);
  }
  Page<v1::EditionSummary> page;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("catalogue_list_editions", after_micros, after_id, limit + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == limit) {
        const auto& last = page.items.back();
        page.last_key =
            EditionKey(TimeUtil::TimestampToMicroseconds(last.publish_time()), last.id());
        break;
      }
      v1::EditionSummary s;
      s.set_id(row[0].as<std::string>());
      s.set_title(row[1].as<std::string>());
      *s.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(row[2].as<int64_t>());
      s.set_question_count(row[3].as<int>());
      page.items.push_back(std::move(s));
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::Status CatalogueStore::ReplaceTrustRegister(const std::vector<TrustRecord>& records) {
  return pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    std::map<std::string, std::string> regions;
    for (const auto& r : records) regions.emplace(r.region_code, r.region_name);
    for (const auto& [code, name] : regions) {
      tx.exec_prepared("catalogue_upsert_region", code, name);
    }
    tx.exec(
        "CREATE TEMP TABLE trust_register_incoming (ods_code text, name text, "
        "region_code text, trust_type text) ON COMMIT DROP");
    pqxx::stream_to stream(
        tx, "trust_register_incoming",
        std::vector<std::string>{"ods_code", "name", "region_code", "trust_type"});
    for (const auto& r : records) {
      stream << std::make_tuple(r.ods_code, r.name, r.region_code, r.trust_type);
    }
    stream.complete();
    tx.exec(kUpsertTrusts);
    tx.exec(kRetireTrusts);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::Region>> CatalogueStore::ListRegions() {
  std::vector<v1::Region> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared("catalogue_list_regions")) {
      v1::Region r;
      r.set_code(row[0].as<std::string>());
      r.set_name(row[1].as<std::string>());
      r.set_trust_count(row[2].as<int>());
      out.push_back(std::move(r));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Page<v1::Trust>> CatalogueStore::ListTrusts(const std::string& region_code,
                                                           const std::string& after_code,
                                                           int limit) {
  Page<v1::Trust> page;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!region_code.empty() && tx.exec_prepared("catalogue_region_exists", region_code).empty()) {
      return absl::NotFoundError(absl::StrCat("no region \"", region_code, "\""));
    }
    page.total = tx.exec_prepared("catalogue_count_trusts", region_code)[0][0].as<int>();
    for (const auto& row :
         tx.exec_prepared("catalogue_list_trusts", region_code, after_code, limit + 1)) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.last_key = page.items.back().ods_code();
        break;
      }
      page.items.push_back(TrustFromRow(row));
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<v1::Trust> CatalogueStore::GetTrust(const std::string& ods_code) {
  std::optional<v1::Trust> trust;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("catalogue_get_trust", ods_code);
    if (!r.empty()) trust = TrustFromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!trust) return absl::NotFoundError(absl::StrCat("no trust with ODS code \"", ods_code, "\""));
  return *trust;
}

}  // namespace ahpl::catalogue
