// What keeps made-up bearer tokens from costing a database lookup each:
// a bounded memory of secrets recently found unknown, and a token bucket
// per caller address for lookups that find nothing. Neither is thread-safe;
// the authenticator holds them under its locks. Times are passed in, so
// tests drive them without sleeping.
#ifndef AHPL_SERVICES_ACCESS_AUTH_THROTTLE_H_
#define AHPL_SERVICES_ACCESS_AUTH_THROTTLE_H_

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ahpl::access {

// The address a failed-lookup budget belongs to, from gRPC's peer string
// ("ipv4:10.1.2.3:5000", "ipv6:[2001:db8::1]:5000", its URI-escaped
// "ipv6:%5B...%5D:5000"): the IPv4 address, or the /64 prefix of an IPv6
// address (one host usually holds a whole /64), an IPv4-mapped IPv6
// address as IPv4; anything else (unix sockets) as given without a port.
std::string PeerKey(absl::string_view peer);

// Hashes of secrets a lookup found unknown, each for `ttl` at most, the
// `capacity` most recent kept (the oldest forgotten first).
class RecentFailures {
 public:
  RecentFailures(size_t capacity, absl::Duration ttl);

  // Whether `hash` was found unknown less than `ttl` before `now`.
  bool Contains(const std::string& hash, absl::Time now) const;
  void Add(const std::string& hash, absl::Time now);
  // Forgets `hash` (a token with that hash was created).
  void Remove(const std::string& hash);
  void Clear();
  size_t size() const { return added_.size(); }

 private:
  const size_t capacity_;
  const absl::Duration ttl_;
  absl::flat_hash_map<std::string, absl::Time> added_;
  // Insertion order, for forgetting the oldest; entries whose time no
  // longer matches `added_` are stale and skipped.
  std::deque<std::pair<std::string, absl::Time>> order_;
};

// A token bucket per peer: `burst` tokens, refilled at `per_second`. At
// most `max_peers` buckets are kept; when that many are busy, further peers
// share one overflow bucket, so memory stays bounded whatever the number of
// addresses calling.
class PeerBuckets {
 public:
  PeerBuckets(double burst, double per_second, size_t max_peers);

  // Takes a token from `peer`'s bucket: true if there was one; otherwise
  // false, with `*wait` (if given) how long until there is one.
  bool TryTake(const std::string& peer, absl::Time now, absl::Duration* wait = nullptr);
  // Whether `peer` has a token now, without taking it.
  bool HasToken(const std::string& peer, absl::Time now, absl::Duration* wait = nullptr) const;
  // Gives back a token taken for a lookup that turned out not to fail.
  void Refund(const std::string& peer, absl::Time now);

  size_t tracked_peers() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  // Tokens in `b` at `now`.
  double Level(const Bucket& b, absl::Time now) const;
  absl::Duration WaitFor(double level) const;
  // `peer`'s bucket, made full if new; the overflow bucket when no room.
  Bucket& BucketFor(const std::string& peer, absl::Time now);
  // Drops buckets that have refilled completely (their peers are idle).
  void DropIdle(absl::Time now);

  const double burst_;
  const double per_second_;
  const size_t max_peers_;
  absl::flat_hash_map<std::string, Bucket> buckets_;
  Bucket overflow_;
  absl::Time last_sweep_ = absl::InfinitePast();
};

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_AUTH_THROTTLE_H_
