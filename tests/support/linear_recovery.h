// An adversary for disclosure tests: unknowns named by strings, linear
// equations over them (what was shown, and relations known to hold), and
// which unknowns those equations determine (the unit vector of the unknown
// lies in the row space of the equation matrix). Gaussian elimination with
// partial pivoting over doubles: the coefficients are small integers, so the
// tolerance is safe at these sizes.
#ifndef AHPL_TESTS_SUPPORT_LINEAR_RECOVERY_H_
#define AHPL_TESTS_SUPPORT_LINEAR_RECOVERY_H_

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ahpl::testing {

class LinearRecovery {
 public:
  // Sum of coefficient * unknown = constant (the constant does not matter
  // for what is determined, only the coefficients do).
  void Equation(const std::map<std::string, double>& terms) {
    std::vector<std::pair<int, double>> row;
    for (const auto& [name, coefficient] : terms) row.emplace_back(Id(name), coefficient);
    rows_.push_back(std::move(row));
  }
  // The unknown `name` was shown.
  void Shown(const std::string& name) { Equation({{name, 1.0}}); }

  // The unknowns the equations determine.
  std::set<std::string> Determined() const {
    const size_t n = names_.size();
    std::vector<std::vector<double>> m(rows_.size(), std::vector<double>(n, 0.0));
    for (size_t i = 0; i < rows_.size(); ++i) {
      for (const auto& [id, coefficient] : rows_[i]) m[i][id] += coefficient;
    }
    constexpr double kEpsilon = 1e-9;
    std::vector<size_t> pivots;
    size_t row = 0;
    for (size_t col = 0; col < n && row < m.size(); ++col) {
      size_t best = row;
      for (size_t i = row + 1; i < m.size(); ++i) {
        if (std::fabs(m[i][col]) > std::fabs(m[best][col])) best = i;
      }
      if (std::fabs(m[best][col]) < kEpsilon) continue;
      std::swap(m[row], m[best]);
      const double p = m[row][col];
      for (size_t j = col; j < n; ++j) m[row][j] /= p;
      for (size_t i = 0; i < m.size(); ++i) {
        if (i == row || std::fabs(m[i][col]) < kEpsilon) continue;
        const double f = m[i][col];
        for (size_t j = col; j < n; ++j) m[i][j] -= f * m[row][j];
      }
      pivots.push_back(col);
      ++row;
    }
    std::vector<bool> is_pivot(n, false);
    for (size_t c : pivots) is_pivot[c] = true;
    std::set<std::string> out;
    for (size_t r = 0; r < pivots.size(); ++r) {
      bool alone = true;
      for (size_t j = 0; j < n && alone; ++j) {
        if (!is_pivot[j] && std::fabs(m[r][j]) > kEpsilon) alone = false;
      }
      if (alone) out.insert(names_[pivots[r]]);
    }
    return out;
  }

 private:
  int Id(const std::string& name) {
    auto [it, added] = ids_.emplace(name, static_cast<int>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
  }

  std::map<std::string, int> ids_;
  std::vector<std::string> names_;
  std::vector<std::vector<std::pair<int, double>>> rows_;
};

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_LINEAR_RECOVERY_H_
