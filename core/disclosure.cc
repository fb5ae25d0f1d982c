#include "core/disclosure.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ahpl/v1/common.pb.h"
#include "core/summary.h"

namespace ahpl::assessment {
namespace {

using Counts = google::protobuf::RepeatedPtrField<v1::Count>;

constexpr char kReturns[] = "returns";
constexpr char kResponding[] = "trusts_responding";
constexpr char kWithLeader[] = "returns_with_leader";
constexpr char kLeaders8c[] = "leaders_at_8c_or_above";
constexpr char kWithTitle[] = "returns_with_title";
constexpr char kRate[] = "response_rate_percent";
constexpr char kShare[] = "share_at_8c_or_above_percent";
constexpr char kDistinct[] = "distinct_leader_titles";
constexpr char kTitles[] = "leader_titles";
// The returns whose titles are in no list (rarer than the threshold
// everywhere): always hidden, but a count without a key, so working it out
// discloses nothing.
constexpr char kOtherTitles[] = "leader_titles[]";

// Scalar counts, each a cell of every summary.
struct Scalar {
  const char* path;
  int64_t (v1::ReturnSummary::*get)() const;
  void (v1::ReturnSummary::*set)(int64_t);
};
const Scalar kScalars[] = {
    {kReturns, &v1::ReturnSummary::returns, &v1::ReturnSummary::set_returns},
    {kResponding, &v1::ReturnSummary::trusts_responding, &v1::ReturnSummary::set_trusts_responding},
    {kWithLeader, &v1::ReturnSummary::returns_with_leader,
     &v1::ReturnSummary::set_returns_with_leader},
    {kLeaders8c, &v1::ReturnSummary::leaders_at_8c_or_above,
     &v1::ReturnSummary::set_leaders_at_8c_or_above},
    {kWithTitle, &v1::ReturnSummary::returns_with_title,
     &v1::ReturnSummary::set_returns_with_title},
};

// The keyed lists with a fixed domain of keys, by path prefix.
struct KeyedList {
  const char* path;
  const Counts& (v1::ReturnSummary::*list)() const;
  Counts* (v1::ReturnSummary::*mutable_list)();
};
const KeyedList kLists[] = {
    {"typology", &v1::ReturnSummary::typology, &v1::ReturnSummary::mutable_typology},
    {"bands", &v1::ReturnSummary::bands, &v1::ReturnSummary::mutable_bands},
    {"board_relationships", &v1::ReturnSummary::board_relationships,
     &v1::ReturnSummary::mutable_board_relationships},
    {"findings", &v1::ReturnSummary::findings, &v1::ReturnSummary::mutable_findings},
};

std::string Path(const std::string& list, const std::string& key) {
  return absl::StrCat(list, "[", key, "]");
}

std::string RatingPath(const std::string& question, const std::string& rating) {
  return absl::StrCat("questions[", question, "][", rating, "]");
}

template <typename Descriptor>
std::vector<std::string> EnumNames(const Descriptor* d) {
  std::vector<std::string> names;
  for (int i = 0; i < d->value_count(); ++i) names.push_back(d->value(i)->name());
  return names;
}

void SortCounts(Counts& counts) {
  std::sort(counts.begin(), counts.end(),
            [](const v1::Count& a, const v1::Count& b) { return a.key() < b.key(); });
}

bool HasKey(const Counts& counts, const std::string& key) {
  return std::any_of(counts.begin(), counts.end(),
                     [&](const v1::Count& c) { return c.key() == key; });
}

void EnsureKeys(Counts& counts, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (!HasKey(counts, key)) AddCount(counts, key, 0);
  }
  SortCounts(counts);
}

double Percent(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

struct Cell {
  int summary;
  std::string path;
  int64_t value;
  bool hidden;
  bool keyless;
  bool title;
  bool margin;
};

// The cells of a whole table, the linear relations between them, and the
// search for a pattern of hidden cells none of which is determined by the
// shown ones.
class Pattern {
 public:
  int Add(int summary, const std::string& path, int64_t value, bool hidden, bool keyless = false,
          bool title = false, bool margin = false) {
    const int id = static_cast<int>(cells_.size());
    cells_.push_back(Cell{summary, path, value, hidden || keyless, keyless, title, margin});
    index_[{summary, path}] = id;
    return id;
  }
  int Find(int summary, const std::string& path) const {
    auto it = index_.find({summary, path});
    return it == index_.end() ? -1 : it->second;
  }
  const Cell& cell(int id) const { return cells_[id]; }
  size_t size() const { return cells_.size(); }
  void Hide(int id) { cells_[id].hidden = true; }
  void HideSummary(int summary) {
    for (auto& c : cells_) {
      if (c.summary == summary) c.hidden = true;
    }
  }
  // The sum of `plus` equals the sum of `minus`.
  void Relation(const std::vector<int>& plus, const std::vector<int>& minus) {
    std::vector<std::pair<int, double>> terms;
    for (int id : plus) terms.emplace_back(id, 1.0);
    for (int id : minus) terms.emplace_back(id, -1.0);
    for (const auto& [id, coefficient] : terms) {
      if (relations_of_.size() <= static_cast<size_t>(id)) relations_of_.resize(id + 1);
      relations_of_[id].push_back(static_cast<int>(relations_.size()));
    }
    relations_.push_back(std::move(terms));
  }
  // `figure` is hidden whenever any of `parts` is.
  void DerivedFrom(int figure, std::vector<int> parts) {
    derived_.emplace_back(figure, std::move(parts));
  }

  void Primary(int below) {
    for (auto& c : cells_) {
      if (c.keyless || c.hidden) continue;
      if (c.title ? c.value < below : (c.value >= 1 && c.value < below)) c.hidden = true;
    }
  }

  // Hides further cells until no relation has exactly one hidden cell and
  // no hidden cell is determined by the shown ones.
  void Complement() {
    for (;;) {
      bool changed = false;
      for (const auto& [figure, parts] : derived_) {
        if (cells_[figure].hidden) continue;
        for (int part : parts) {
          if (cells_[part].hidden) {
            cells_[figure].hidden = true;
            changed = true;
            break;
          }
        }
      }
      for (const auto& relation : relations_) {
        int hidden = 0;
        bool keyless = false;
        std::vector<int> shown;
        for (const auto& [id, coefficient] : relation) {
          if (cells_[id].hidden) {
            ++hidden;
            keyless |= cells_[id].keyless;
          } else {
            shown.push_back(id);
          }
        }
        // A lone hidden keyless count gives nothing away.
        if (hidden == 1 && !keyless && !shown.empty()) {
          Hide(Choose(shown));
          changed = true;
        }
      }
      if (changed) continue;
      std::vector<int> candidates;
      if (!Audit(candidates)) {
        // A hidden cell the reader knows to be zero may as well show.
        const std::vector<bool> known = RevealedZeros();
        for (size_t i = 0; i < cells_.size(); ++i) {
          if (known[i] && !cells_[i].keyless && !cells_[i].title) cells_[i].hidden = false;
        }
        return;
      }
      if (candidates.empty()) return;  // Nothing left to hide; cannot happen.
      Hide(Choose(candidates));
    }
  }

 private:
  // The complementary cell to hide: a region's before England's (the
  // national figures are the ones most read), the one leaving fewest
  // relations with a single hidden cell (each would need another), a
  // non-zero count before a zero (a hidden zero beside a small count tells
  // a reader of bounds more), a keyed cell before a margin, the smallest,
  // then by summary and path.
  int Choose(const std::vector<int>& ids) const {
    auto rank = [&](int id) {
      int lonely = 0;
      for (int r : relations_of_[id]) {
        bool any = false;
        for (const auto& [other, coefficient] : relations_[r]) any |= cells_[other].hidden;
        lonely += any ? 0 : 1;
      }
      const Cell& c = cells_[id];
      return std::make_tuple(c.summary == england_, lonely, c.value == 0, c.margin, c.value,
                             c.summary, c.path);
    };
    return *std::min_element(ids.begin(), ids.end(),
                             [&](int a, int b) { return rank(a) < rank(b); });
  }

  int Root(std::vector<int>& parent, int i) const {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }

  // Looks for a hidden cell that the shown cells determine: a unit vector
  // in the row space of the relations restricted to the hidden cells. When
  // one is found, returns true with the shown cells of the relations of its
  // connected component, nearest first.
  bool Audit(std::vector<int>& candidates) {
    const std::vector<bool> known = RevealedZeros();
    std::vector<int> var(cells_.size(), -1);
    std::vector<int> hidden;
    for (size_t i = 0; i < cells_.size(); ++i) {
      if (cells_[i].hidden && !known[i]) {
        var[i] = static_cast<int>(hidden.size());
        hidden.push_back(static_cast<int>(i));
      }
    }
    std::vector<int> parent(hidden.size());
    std::iota(parent.begin(), parent.end(), 0);
    std::vector<int> used;  // relations with a hidden cell
    for (size_t r = 0; r < relations_.size(); ++r) {
      int first = -1;
      for (const auto& [id, coefficient] : relations_[r]) {
        if (var[id] < 0) continue;
        if (first < 0) {
          first = var[id];
        } else {
          parent[Root(parent, var[id])] = Root(parent, first);
        }
      }
      if (first >= 0) used.push_back(static_cast<int>(r));
    }
    std::map<int, std::vector<int>> component_relations;
    for (int r : used) {
      for (const auto& [id, coefficient] : relations_[r]) {
        if (var[id] >= 0) {
          component_relations[Root(parent, var[id])].push_back(r);
          break;
        }
      }
    }
    std::map<int, std::vector<int>> component_vars;
    for (size_t v = 0; v < hidden.size(); ++v) {
      component_vars[Root(parent, static_cast<int>(v))].push_back(static_cast<int>(v));
    }
    for (const auto& [root, rows] : component_relations) {
      const std::vector<int>& vars = component_vars[root];
      std::map<int, int> column;
      for (size_t j = 0; j < vars.size(); ++j) column[vars[j]] = static_cast<int>(j);
      const size_t n = vars.size();
      std::vector<std::vector<double>> m(rows.size(), std::vector<double>(n, 0.0));
      for (size_t i = 0; i < rows.size(); ++i) {
        for (const auto& [id, coefficient] : relations_[rows[i]]) {
          if (var[id] >= 0) m[i][column[var[id]]] += coefficient;
        }
      }
      std::vector<double> combination;
      const int determined = FirstDetermined(m, n, vars, hidden, combination);
      if (determined < 0) continue;
      // The shown cells the determining combination of relations rests on:
      // hiding any of them breaks it.
      std::map<int, double> net;
      for (size_t j = 0; j < rows.size(); ++j) {
        if (std::fabs(combination[j]) < 1e-9) continue;
        for (const auto& [id, coefficient] : relations_[rows[j]]) {
          if (!cells_[id].hidden && !known[id]) net[id] += combination[j] * coefficient;
        }
      }
      candidates.clear();
      for (const auto& [id, value] : net) {
        if (std::fabs(value) > 1e-9) candidates.push_back(id);
      }
      if (!candidates.empty()) return true;
      // Otherwise shown cells of relations holding the determined cell
      // first, then of the rest of its component.
      std::vector<int> near, far;
      for (int r : rows) {
        bool holds = false;
        for (const auto& [id, coefficient] : relations_[r]) holds |= id == determined;
        for (const auto& [id, coefficient] : relations_[r]) {
          if (!cells_[id].hidden) (holds ? near : far).push_back(id);
        }
      }
      // Hiding a cell already known to be zero protects nothing.
      auto is_known = [&](int id) { return known[id]; };
      near.erase(std::remove_if(near.begin(), near.end(), is_known), near.end());
      far.erase(std::remove_if(far.begin(), far.end(), is_known), far.end());
      candidates = near.empty() ? far : near;
      return true;
    }
    return false;
  }

  // Hidden cells a reader knows to be zero without linear algebra: every
  // count is at least zero, so when the shown cells of a relation balance
  // and its hidden cells all stand on one side, each of them is zero.
  std::vector<bool> RevealedZeros() const {
    std::vector<bool> known(cells_.size(), false);
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& relation : relations_) {
        double shown = 0;
        int sign = 0;
        bool one_side = true, any = false;
        for (const auto& [id, coefficient] : relation) {
          if (!cells_[id].hidden || known[id]) {
            shown += coefficient * static_cast<double>(known[id] ? 0 : cells_[id].value);
          } else {
            const int s = coefficient > 0 ? 1 : -1;
            if (sign != 0 && s != sign) one_side = false;
            sign = s;
            any = true;
          }
        }
        if (!any || !one_side || shown != 0) continue;
        for (const auto& [id, coefficient] : relation) {
          if (cells_[id].hidden && !known[id]) {
            known[id] = true;
            changed = true;
          }
        }
      }
    }
    return known;
  }

  // Row-reduces `m` and returns the cell of the first determined
  // non-keyless unknown, or -1.
  int FirstDetermined(std::vector<std::vector<double>>& m, size_t n, const std::vector<int>& vars,
                      const std::vector<int>& hidden, std::vector<double>& combination) const {
    constexpr double kEpsilon = 1e-9;
    // Each row also carries the combination of the original relations it
    // is.
    for (size_t i = 0; i < m.size(); ++i) {
      m[i].resize(n + m.size(), 0.0);
      m[i][n + i] = 1.0;
    }
    const size_t width = n + m.size();
    std::vector<int> pivot_column;
    size_t row = 0;
    for (size_t col = 0; col < n && row < m.size(); ++col) {
      size_t best = row;
      for (size_t i = row + 1; i < m.size(); ++i) {
        if (std::fabs(m[i][col]) > std::fabs(m[best][col])) best = i;
      }
      if (std::fabs(m[best][col]) < kEpsilon) continue;
      std::swap(m[row], m[best]);
      const double p = m[row][col];
      for (size_t j = col; j < width; ++j) m[row][j] /= p;
      for (size_t i = 0; i < m.size(); ++i) {
        if (i == row || std::fabs(m[i][col]) < kEpsilon) continue;
        const double f = m[i][col];
        for (size_t j = col; j < width; ++j) m[i][j] -= f * m[row][j];
      }
      pivot_column.push_back(static_cast<int>(col));
      ++row;
    }
    std::vector<bool> is_pivot(n, false);
    for (int c : pivot_column) is_pivot[c] = true;
    int first = -1;
    for (size_t r = 0; r < pivot_column.size(); ++r) {
      bool alone = true;
      for (size_t j = 0; j < n && alone; ++j) {
        if (!is_pivot[j] && std::fabs(m[r][j]) > kEpsilon) alone = false;
      }
      const int id = hidden[vars[pivot_column[r]]];
      if (alone && !cells_[id].keyless && (first < 0 || id < first)) {
        first = id;
        combination.assign(m[r].begin() + static_cast<long>(n), m[r].end());
      }
    }
    return first;
  }

  std::vector<Cell> cells_;
  std::map<std::pair<int, std::string>, int> index_;
  std::vector<std::vector<std::pair<int, double>>> relations_;
  std::vector<std::pair<int, std::vector<int>>> derived_;
  std::vector<std::vector<int>> relations_of_;
  int england_ = -1;

 public:
  void SetEngland(int summary) { england_ = summary; }
};

std::vector<v1::ReturnSummary*> Summaries(DisclosedTable& table) {
  std::vector<v1::ReturnSummary*> all;
  for (auto& r : table.regions) all.push_back(&r);
  all.push_back(&table.england);
  return all;
}

// Lists every key of every fixed domain in every summary, zeros included,
// so that the presence of a key says nothing.
void CompleteDomains(const std::vector<v1::ReturnSummary*>& all) {
  // The enum's names, and any other key a summary holds (a newer server's
  // enum value, say), so that every summary has every cell.
  auto domain = [&](std::vector<std::string> names,
                    const Counts& (v1::ReturnSummary::*list)() const) {
    std::set<std::string> keys(names.begin(), names.end());
    for (const v1::ReturnSummary* s : all) {
      for (const auto& c : (s->*list)()) keys.insert(c.key());
    }
    return std::vector<std::string>(keys.begin(), keys.end());
  };
  std::vector<std::string> band_names = EnumNames(v1::Band_descriptor());
  band_names.push_back("NO_POST");
  const auto typology = domain(EnumNames(v1::Typology_descriptor()), &v1::ReturnSummary::typology);
  const auto bands = domain(std::move(band_names), &v1::ReturnSummary::bands);
  const auto relationships = domain(EnumNames(v1::BoardRelationship_descriptor()),
                                    &v1::ReturnSummary::board_relationships);
  std::set<std::string> findings;
  std::map<std::string, std::set<std::string>> ratings;
  for (const v1::ReturnSummary* s : all) {
    for (const auto& c : s->findings()) findings.insert(c.key());
    for (const auto& q : s->questions()) {
      auto& keys = ratings[q.question_id()];
      for (const auto& c : q.ratings()) keys.insert(c.key());
    }
  }
  const std::vector<std::string> finding_keys(findings.begin(), findings.end());
  for (v1::ReturnSummary* s : all) {
    EnsureKeys(*s->mutable_typology(), typology);
    EnsureKeys(*s->mutable_bands(), bands);
    EnsureKeys(*s->mutable_board_relationships(), relationships);
    EnsureKeys(*s->mutable_findings(), finding_keys);
    for (const auto& [question, keys] : ratings) {
      EnsureKeys(*QuestionRatingsOf(*s, question).mutable_ratings(),
                 std::vector<std::string>(keys.begin(), keys.end()));
    }
    std::sort(s->mutable_questions()->begin(), s->mutable_questions()->end(),
              [](const v1::QuestionRatings& a, const v1::QuestionRatings& b) {
                return a.question_id() < b.question_id();
              });
  }
}

int64_t TitleCount(const v1::ReturnSummary& s, const std::string& title) {
  for (const auto& c : s.leader_titles()) {
    if (c.key() == title && !c.suppressed()) return c.count();
  }
  return 0;
}

}  // namespace

int EffectiveThreshold(int server_below, int requested_below) {
  return std::max({server_below, requested_below, kMinSuppressBelow});
}

bool IsSuppressed(const v1::ReturnSummary& summary, const std::string& path) {
  return std::find(summary.suppressed_cells().begin(), summary.suppressed_cells().end(), path) !=
         summary.suppressed_cells().end();
}

void ControlDisclosure(DisclosedTable& table, int below) {
  below = std::max(below, kMinSuppressBelow);
  const std::vector<v1::ReturnSummary*> all = Summaries(table);
  const int england = static_cast<int>(all.size()) - 1;
  CompleteDomains(all);

  // Titles that can be listed at all: at or above the threshold somewhere.
  std::set<std::string> titles;
  for (const v1::ReturnSummary* s : all) {
    for (const auto& c : s->leader_titles()) {
      if (!c.suppressed() && c.count() >= below) titles.insert(c.key());
    }
  }

  Pattern p;
  for (int i = 0; i <= england; ++i) {
    const v1::ReturnSummary& s = *all[i];
    for (const Scalar& scalar : kScalars) {
      p.Add(i, scalar.path, (s.*scalar.get)(), IsSuppressed(s, scalar.path), false, false, true);
    }
    for (const KeyedList& list : kLists) {
      for (const auto& c : (s.*list.list)()) {
        p.Add(i, Path(list.path, c.key()), c.count(), c.suppressed());
      }
    }
    for (const auto& q : s.questions()) {
      for (const auto& c : q.ratings()) {
        p.Add(i, RatingPath(q.question_id(), c.key()), c.count(), c.suppressed());
      }
    }
    int64_t listed = 0;
    for (const auto& title : titles) {
      listed += TitleCount(s, title);
      p.Add(i, Path(kTitles, title), TitleCount(s, title), false, false, true);
    }
    p.Add(i, kOtherTitles, std::max<int64_t>(0, s.returns_with_title() - listed), true, true);
  }

  // Relations within each summary, and of each cell across the regions
  // with England's.
  for (int i = 0; i <= england; ++i) {
    const v1::ReturnSummary& s = *all[i];
    auto cells = [&](const char* list, const Counts& counts, const std::set<std::string>& only,
                     bool except) {
      std::vector<int> ids;
      for (const auto& c : counts) {
        if (only.empty() || (only.count(c.key()) > 0) != except) {
          ids.push_back(p.Find(i, Path(list, c.key())));
        }
      }
      return ids;
    };
    const int returns = p.Find(i, kReturns);
    const int with_leader = p.Find(i, kWithLeader);
    // Most trusts send one return: a reader would take one count for the
    // other.
    p.DerivedFrom(p.Find(i, kResponding), {returns});
    p.DerivedFrom(returns, {p.Find(i, kResponding)});
    p.Relation(cells("typology", s.typology(), {}, false), {returns});
    p.Relation(cells("bands", s.bands(), {}, false), {returns});
    p.Relation({with_leader}, cells("bands", s.bands(), {"NO_POST"}, true));
    const std::vector<int> senior =
        cells("bands", s.bands(), {"BAND_8C", "BAND_8D", "BAND_9"}, false);
    p.Relation({p.Find(i, kLeaders8c)}, senior);
    p.DerivedFrom(p.Find(i, kLeaders8c), senior);
    p.Relation(cells("board_relationships", s.board_relationships(), {}, false), {with_leader});
    for (const auto& q : s.questions()) {
      std::vector<int> ids;
      for (const auto& c : q.ratings())
        ids.push_back(p.Find(i, RatingPath(q.question_id(), c.key())));
      p.Relation(ids, {returns});
    }
    std::vector<int> title_ids = {p.Find(i, kOtherTitles)};
    for (const auto& title : titles) title_ids.push_back(p.Find(i, Path(kTitles, title)));
    p.Relation(title_ids, {p.Find(i, kWithTitle)});
  }
  for (size_t id = 0; id < p.size(); ++id) {
    const Cell& c = p.cell(static_cast<int>(id));
    if (c.summary != england) continue;
    std::vector<int> parts;
    for (int i = 0; i < england; ++i) parts.push_back(p.Find(i, c.path));
    p.Relation(parts, {static_cast<int>(id)});
  }

  // Primary suppression: a summary of fewer returns, or of returns from
  // fewer trusts, than the threshold shows nothing; elsewhere every count
  // from 1 to below - 1 is hidden.
  p.SetEngland(england);
  for (int i = 0; i <= england; ++i) {
    auto small = [&](const char* path) {
      const Cell& c = p.cell(p.Find(i, path));
      return !c.hidden && c.value >= 1 && c.value < below;
    };
    if (small(kReturns) || small(kResponding)) p.HideSummary(i);
  }
  p.Primary(below);
  p.Complement();

  // Writes the pattern back; derived figures follow what they derive from.
  for (int i = 0; i <= england; ++i) {
    v1::ReturnSummary& s = *all[i];
    std::vector<std::string> paths;
    auto hidden = [&](const std::string& path) { return p.cell(p.Find(i, path)).hidden; };
    const bool distinct_was_hidden = IsSuppressed(s, kDistinct);
    for (const Scalar& scalar : kScalars) {
      if (hidden(scalar.path)) {
        (s.*scalar.set)(0);
        paths.push_back(scalar.path);
      }
    }
    auto write = [&](Counts& counts, const std::function<std::string(const v1::Count&)>& path) {
      for (auto& c : counts) {
        const std::string cell_path = path(c);
        const bool h = hidden(cell_path);
        c.set_suppressed(h);
        if (h) {
          c.set_count(0);
          paths.push_back(cell_path);
        }
      }
    };
    for (const KeyedList& list : kLists) {
      write(*(s.*list.mutable_list)(),
            [&](const v1::Count& c) { return Path(list.path, c.key()); });
    }
    for (auto& q : *s.mutable_questions()) {
      write(*q.mutable_ratings(),
            [&](const v1::Count& c) { return RatingPath(q.question_id(), c.key()); });
    }
    // Titles: only those shown keep their key; the rest leave no trace.
    bool titles_hidden = IsSuppressed(s, kTitles);
    for (const auto& c : s.leader_titles()) {
      if (c.suppressed() || (c.count() > 0 && titles.count(c.key()) == 0)) titles_hidden = true;
    }
    Counts shown_titles;
    for (const auto& title : titles) {
      const Cell& c = p.cell(p.Find(i, Path(kTitles, title)));
      if (c.hidden) {
        titles_hidden |= c.value > 0;
      } else {
        AddCount(shown_titles, title, c.value);
      }
    }
    *s.mutable_leader_titles() = std::move(shown_titles);
    SortCounts(*s.mutable_leader_titles());
    if (titles_hidden) paths.push_back(kTitles);
    if (distinct_was_hidden || titles_hidden || hidden(kWithTitle)) {
      s.set_distinct_leader_titles(0);
      paths.push_back(kDistinct);
    } else {
      s.set_distinct_leader_titles(s.leader_titles_size());
    }
    if (hidden(kResponding)) {
      s.set_response_rate_percent(0);
      paths.push_back(kRate);
    } else {
      s.set_response_rate_percent(Percent(s.trusts_responding(), s.trusts_in_register()));
    }
    if (hidden(kLeaders8c) || hidden(kWithLeader)) {
      s.set_share_at_8c_or_above_percent(0);
      paths.push_back(kShare);
    } else {
      s.set_share_at_8c_or_above_percent(
          Percent(s.leaders_at_8c_or_above(), s.returns_with_leader()));
    }
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    s.clear_suppressed_cells();
    for (auto& path : paths) s.add_suppressed_cells(std::move(path));
    s.set_suppress_below(std::max(s.suppress_below(), below));
  }
}

DisclosedTable DiscloseCycle(std::vector<v1::ReturnSummary> regions, const std::string& cycle,
                             int server_below, int requested_below) {
  DisclosedTable table;
  table.england.set_cycle(cycle);
  for (v1::ReturnSummary& region : regions) {
    MergeInto(table.england, region);
    Finalize(region);
  }
  Finalize(table.england);
  table.regions = std::move(regions);
  const int server = std::max(server_below, kMinSuppressBelow);
  ControlDisclosure(table, server);
  const int requested = EffectiveThreshold(server, requested_below);
  if (requested > server) ControlDisclosure(table, requested);
  return table;
}

void MergeControlled(v1::ReturnSummary& into, const v1::ReturnSummary& from) {
  if (into.cycle().empty()) into.set_cycle(from.cycle());
  std::set<std::string> hidden(into.suppressed_cells().begin(), into.suppressed_cells().end());
  hidden.insert(from.suppressed_cells().begin(), from.suppressed_cells().end());
  into.set_trusts_in_register(into.trusts_in_register() + from.trusts_in_register());
  for (const Scalar& scalar : kScalars) {
    (into.*scalar.set)(hidden.count(scalar.path) ? 0 : (into.*scalar.get)() + (from.*scalar.get)());
  }
  auto merge = [](Counts& a, const Counts& b) {
    for (const auto& c : b) {
      v1::Count* target = nullptr;
      for (auto& existing : a) {
        if (existing.key() == c.key()) target = &existing;
      }
      if (target == nullptr) {
        target = a.Add();
        target->set_key(c.key());
      }
      const bool h = target->suppressed() || c.suppressed();
      target->set_suppressed(h);
      target->set_count(h ? 0 : target->count() + c.count());
    }
    SortCounts(a);
  };
  for (const KeyedList& list : kLists) {
    merge(*(into.*list.mutable_list)(), (from.*list.list)());
  }
  for (const auto& q : from.questions()) {
    merge(*QuestionRatingsOf(into, q.question_id()).mutable_ratings(), q.ratings());
  }
  // A title one side does not list may be hidden there: its sum is
  // unknown unless that side has no titles at all.
  const bool into_none = into.leader_titles().empty() && !hidden.count(kTitles) &&
                         !IsSuppressed(into, kWithTitle) && into.returns_with_title() == 0;
  const bool from_none = from.leader_titles().empty() && !IsSuppressed(from, kTitles) &&
                         !IsSuppressed(from, kWithTitle) && from.returns_with_title() == 0;
  Counts titles;
  if (from_none) {
    titles = into.leader_titles();
  } else if (into_none) {
    titles = from.leader_titles();
  } else {
    for (const auto& c : into.leader_titles()) {
      bool both = false;
      for (const auto& d : from.leader_titles()) {
        if (d.key() == c.key()) {
          AddCount(titles, c.key(), c.count() + d.count());
          both = true;
        }
      }
      if (!both) hidden.insert(kTitles);
    }
    if (from.leader_titles_size() != titles.size()) hidden.insert(kTitles);
  }
  if (!into_none && !from_none) {
    // Distinct titles do not add up across disjoint returns.
    hidden.insert(kDistinct);
  } else {
    into.set_distinct_leader_titles(into.distinct_leader_titles() + from.distinct_leader_titles());
  }
  *into.mutable_leader_titles() = std::move(titles);
  SortCounts(*into.mutable_leader_titles());
  into.clear_suppressed_cells();
  for (const auto& path : hidden) into.add_suppressed_cells(path);
  into.set_suppress_below(std::max(into.suppress_below(), from.suppress_below()));
}

}  // namespace ahpl::assessment
