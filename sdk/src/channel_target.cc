#include "sdk/src/channel_target.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ahpl::sdk {
namespace {

// One "host:port" of a list.
struct Address {
  std::string host;  // without brackets
  std::string port;
  int family = AF_UNSPEC;  // AF_INET or AF_INET6 for an IP address, else a name
};

int FamilyOf(const std::string& host) {
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return AF_INET;
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return AF_INET6;
  return AF_UNSPEC;
}

// "host:port" or "[v6]:port", with a port from 1 to 65535.
absl::Status ParseAddress(absl::string_view text, Address& out) {
  absl::string_view host;
  absl::string_view port;
  if (absl::StartsWith(text, "[")) {
    const size_t close = text.find(']');
    if (close == absl::string_view::npos || text.substr(close + 1, 1) != ":") {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not [IPv6 address]:port"));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\" has no port: a list takes host:port addresses"));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\": write an IPv6 address in brackets, [address]:port"));
    }
  }
  int number = 0;
  if (host.empty() || !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535 ||
      !std::all_of(port.begin(), port.end(), absl::ascii_isdigit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not host:port with a port from 1 to 65535"));
  }
  out.host = std::string(host);
  out.port = std::string(port);
  out.family = FamilyOf(out.host);
  if (absl::StartsWith(text, "[") && out.family != AF_INET6) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\": only an IPv6 address goes in brackets"));
  }
  return absl::OkStatus();
}

bool HasScheme(absl::string_view target) {
  for (absl::string_view scheme : {"dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:"}) {
    if (absl::StartsWith(target, scheme)) return true;
  }
  return false;
}

bool IsList(absl::string_view target) {
  return !HasScheme(target) && target.find(',') != absl::string_view::npos;
}

std::string Written(int family, const std::string& host, const std::string& port) {
  return family == AF_INET6 ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
}

// The addresses of family `family` that `a` names, written "ip:port".
std::vector<std::string> Resolve(const Address& a, int family) {
  if (a.family != AF_UNSPEC) return {Written(a.family, a.host, a.port)};
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::vector<std::string> out;
  if (getaddrinfo(a.host.c_str(), a.port.c_str(), &hints, &found) != 0) return out;
  for (const addrinfo* i = found; i != nullptr; i = i->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        i->ai_family == AF_INET6
            ? static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(i->ai_addr)->sin6_addr)
            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(i->ai_addr)->sin_addr);
    if (inet_ntop(i->ai_family, raw, text, sizeof text) != nullptr) {
      out.push_back(Written(i->ai_family, text, a.port));
    }
  }
  freeaddrinfo(found);
  return out;
}

}  // namespace

absl::Status CheckChannelTarget(absl::string_view target) {
  if (absl::StripAsciiWhitespace(target).empty()) {
    return absl::InvalidArgumentError("no server address");
  }
  if (!IsList(target)) return absl::OkStatus();
  std::set<int> families;
  for (absl::string_view one : absl::StrSplit(target, ',')) {
    Address a;
    if (one.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", target, "\" has an empty address between its commas"));
    }
    if (absl::Status s = ParseAddress(one, a); !s.ok()) return s;
    if (a.family != AF_UNSPEC) families.insert(a.family);
  }
  if (families.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", target,
                     "\" mixes IPv4 and IPv6 addresses; list addresses of one family, or use "
                     "a DNS name (dns:///NAME:PORT) that resolves to them all"));
  }
  return absl::OkStatus();
}

ChannelTarget ToChannelTarget(const std::string& target, const std::string& tls_server_name) {
  ChannelTarget out;
  out.authority = tls_server_name;
  if (!IsList(target)) {
    out.uri = target;
    return out;
  }
  std::vector<Address> addresses;
  int family = AF_INET;
  bool any_ip = false;
  for (absl::string_view one : absl::StrSplit(target, ',')) {
    Address a;
    if (!ParseAddress(one, a).ok()) continue;
    if (a.family != AF_UNSPEC) {
      family = a.family;
      any_ip = true;
    }
    addresses.push_back(std::move(a));
  }
  if (addresses.empty()) {
    out.uri = target;  // gRPC refuses it, and says so on every call
    return out;
  }
  if (out.authority.empty())
    out.authority = Written(addresses[0].family, addresses[0].host, addresses[0].port);
  std::vector<std::string> resolved;
  std::set<std::string> seen;
  for (const Address& a : addresses) {
    if (a.family != AF_UNSPEC && a.family != family) continue;
    for (std::string& r : Resolve(a, family)) {
      if (seen.insert(r).second) resolved.push_back(std::move(r));
    }
  }
  if (resolved.empty() && !any_ip) {
    out.uri = absl::StrCat("dns:///", addresses[0].host, ":", addresses[0].port);
    return out;
  }
  out.uri = absl::StrCat(family == AF_INET6 ? "ipv6:" : "ipv4:", absl::StrJoin(resolved, ","));
  return out;
}

}  // namespace ahpl::sdk
