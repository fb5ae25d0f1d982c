#include "services/access/auth_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ahpl::access {

std::string PeerKey(absl::string_view peer) {
  if (absl::ConsumePrefix(&peer, "ipv4:")) {
    const size_t colon = peer.rfind(':');
    return std::string(colon == absl::string_view::npos ? peer : peer.substr(0, colon));
  }
  if (!absl::ConsumePrefix(&peer, "ipv6:")) return std::string(peer);
  absl::string_view host = peer;
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
  } else if (absl::StartsWithIgnoreCase(host, "%5B")) {
    host.remove_prefix(3);
    size_t end = host.find("%5D");
    if (end == absl::string_view::npos) end = host.find("%5d");
    host = host.substr(0, end);
  }
  // A zone ("fe80::1%eth0", URI-escaped "%25eth0") does not make another host.
  host = host.substr(0, host.find('%'));
  const std::string text(host);
  in6_addr addr{};
  if (inet_pton(AF_INET6, text.c_str(), &addr) != 1) return absl::StrCat("ipv6:", text);
  char out[INET6_ADDRSTRLEN] = {};
  if (IN6_IS_ADDR_V4MAPPED(&addr)) {
    if (inet_ntop(AF_INET, &addr.s6_addr[12], out, sizeof(out)) == nullptr) return text;
    return out;
  }
  std::memset(&addr.s6_addr[8], 0, 8);
  if (inet_ntop(AF_INET6, &addr, out, sizeof(out)) == nullptr) return text;
  return absl::StrCat(out, "/64");
}

RecentFailures::RecentFailures(size_t capacity, absl::Duration ttl)
    : capacity_(capacity), ttl_(ttl) {}

bool RecentFailures::Contains(const std::string& hash, absl::Time now) const {
  auto it = added_.find(hash);
  return it != added_.end() && now - it->second < ttl_;
}

void RecentFailures::Add(const std::string& hash, absl::Time now) {
  if (capacity_ == 0) return;
  added_[hash] = now;
  order_.emplace_back(hash, now);
  // Forget the oldest (and anything expired) beyond the capacity; the
  // queue also holds stale entries, so it bounds the map.
  while (order_.size() > capacity_ || (!order_.empty() && now - order_.front().second >= ttl_)) {
    auto it = added_.find(order_.front().first);
    if (it != added_.end() && it->second == order_.front().second) added_.erase(it);
    order_.pop_front();
  }
}

void RecentFailures::Remove(const std::string& hash) { added_.erase(hash); }

void RecentFailures::Clear() {
  added_.clear();
  order_.clear();
}

PeerBuckets::PeerBuckets(double burst, double per_second, size_t max_peers)
    : burst_(burst), per_second_(per_second), max_peers_(max_peers) {
  overflow_.tokens = burst_;
}

double PeerBuckets::Level(const Bucket& b, absl::Time now) const {
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.updated));
  return std::min(burst_, b.tokens + elapsed * per_second_);
}

absl::Duration PeerBuckets::WaitFor(double level) const {
  if (level >= 1) return absl::ZeroDuration();
  if (per_second_ <= 0) return absl::InfiniteDuration();
  return absl::Seconds(std::ceil((1 - level) / per_second_));
}

void PeerBuckets::DropIdle(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (Level(it->second, now) >= burst_) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
  last_sweep_ = now;
}

PeerBuckets::Bucket& PeerBuckets::BucketFor(const std::string& peer, absl::Time now) {
  auto it = buckets_.find(peer);
  if (it != buckets_.end()) return it->second;
  // A full table is swept at most once a second, so a crowd of busy peers
  // does not make every new one scan it.
  if (buckets_.size() >= max_peers_ && now - last_sweep_ >= absl::Seconds(1)) DropIdle(now);
  if (buckets_.size() >= max_peers_) return overflow_;
  Bucket& b = buckets_[peer];
  b.tokens = burst_;
  b.updated = now;
  return b;
}

bool PeerBuckets::TryTake(const std::string& peer, absl::Time now, absl::Duration* wait) {
  Bucket& b = BucketFor(peer, now);
  b.tokens = Level(b, now);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  if (wait != nullptr) *wait = WaitFor(b.tokens);
  return false;
}

bool PeerBuckets::HasToken(const std::string& peer, absl::Time now, absl::Duration* wait) const {
  auto it = buckets_.find(peer);
  double level = burst_;
  if (it != buckets_.end()) {
    level = Level(it->second, now);
  } else if (buckets_.size() >= max_peers_ && now - last_sweep_ < absl::Seconds(1)) {
    // (When a sweep is due, TryTake may find room for a bucket of its own.)
    level = Level(overflow_, now);
  }
  if (level >= 1) return true;
  if (wait != nullptr) *wait = WaitFor(level);
  return false;
}

void PeerBuckets::Refund(const std::string& peer, absl::Time now) {
  auto it = buckets_.find(peer);
  Bucket& b = it != buckets_.end() ? it->second : overflow_;
  b.tokens = std::min(burst_, Level(b, now) + 1);
  b.updated = now;
}

}  // namespace ahpl::access
