#!/usr/bin/python3
"""Checks deploy/compose/compose.yaml as docker-compose itself reads it.

Runs `docker-compose config` (which validates the file and resolves anchors,
defaults and paths) and checks the properties issue 13 asks of the single-host
deployment on its output: the services, a one-shot migration the others wait
for, read-only non-root containers, health checks, metrics ports, TLS between
the services, classification reachable only from assessment, and secrets as
files that git ignores.

  check_compose.py [COMPOSE_FILE]     (default: the repository's)
Prints every failed property and exits 1, else says what was checked.
"""

import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AHPL_SERVICES = {
    # service: (word in --services, health service name)
    "catalogue": ("catalogue", "ahpl.v1.CatalogueService"),
    "assessment": ("assessment", "ahpl.v1.AssessmentService"),
    "classification": ("classification", "ahpl.v1.ClassificationService"),
}
AHPL_UID = "10001"


def flag(args, name):
    """The value of --name=VALUE in args, or None."""
    prefix = "--" + name + "="
    for a in args:
        if a.startswith(prefix):
            return a[len(prefix):]
    return None


def port_of(address):
    return address.rsplit(":", 1)[-1] if address else None


def secret_path_name(path):
    """The secret name of a /run/secrets/NAME path, else None."""
    if path and path.startswith("/run/secrets/"):
        return path[len("/run/secrets/"):]
    return None


def published_targets(service):
    """Container ports published on the host, as strings."""
    targets = set()
    for p in service.get("ports") or []:
        if isinstance(p, dict):
            targets.add(str(p.get("target")))
        else:
            targets.add(str(p).split("/")[0].rsplit(":", 1)[-1])
    return targets


def check(config, compose_file):
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)

    services = config.get("services") or {}
    secrets = config.get("secrets") or {}
    for name in ["postgres", "migrate", *AHPL_SERVICES, "edge"]:
        expect(name in services, f"no service {name}")
    if failures:
        return failures

    # Secrets: files, under a folder git ignores, every reference defined.
    compose_dir = os.path.dirname(os.path.abspath(compose_file))
    for name, s in secrets.items():
        path = s.get("file")
        expect(path, f"secret {name} is not a file")
        if not path:
            continue
        rel = os.path.relpath(path, compose_dir)
        expect(rel.split(os.sep)[0] == "secrets" and not rel.startswith(".."),
               f"secret {name} is not under the secrets/ folder: {rel}")
    ignore = os.path.join(compose_dir, ".gitignore")
    ignored = open(ignore).read().split() if os.path.exists(ignore) else []
    expect("secrets/" in ignored or "secrets" in ignored,
           "deploy/compose/.gitignore does not ignore secrets/")

    def secret_names(service):
        names = []
        for s in services[service].get("secrets") or []:
            names.append(s["source"] if isinstance(s, dict) else s)
        return names

    for service in services:
        for s in secret_names(service):
            expect(s in secrets, f"{service} uses secret {s}, which is not defined")

    def mounted_secret(service, path, what):
        name = secret_path_name(path)
        expect(name is not None and name in secret_names(service),
               f"{service}: {what} {path} is not one of its secrets")

    # PostgreSQL: a health check the migration waits on.
    expect((services["postgres"].get("healthcheck") or {}).get("test"),
           "postgres has no health check")

    # The migration: one shot, after PostgreSQL is healthy.
    migrate = services["migrate"]
    expect("--migrate_only" in (migrate.get("command") or []), "migrate does not run --migrate_only")
    expect(str(migrate.get("restart", "no")) == "no", "migrate restarts")
    expect(((migrate.get("depends_on") or {}).get("postgres") or {}).get("condition")
           == "service_healthy", "migrate does not wait for a healthy postgres")

    for service in ["migrate", *AHPL_SERVICES]:
        s = services[service]
        expect(s.get("read_only") is True, f"{service} is not read_only")
        user = str(s.get("user", "")).split(":")[0]
        expect(user == AHPL_UID, f"{service} does not run as uid {AHPL_UID} (user: {user or 'unset'})")
        expect("ALL" in (s.get("cap_drop") or []), f"{service} keeps its capabilities")
        expect("no-new-privileges:true" in (s.get("security_opt") or []),
               f"{service} may gain privileges")
        url = (s.get("environment") or {}).get("AHPL_DATABASE_URL", "")
        expect("sslmode=verify-full" in url, f"{service} reaches PostgreSQL without verify-full TLS")

    for service, (word, health_name) in AHPL_SERVICES.items():
        s = services[service]
        args = s.get("command") or []
        depends = s.get("depends_on") or {}
        expect((depends.get("migrate") or {}).get("condition") == "service_completed_successfully",
               f"{service} does not wait for the migration to complete")
        expect(word in (flag(args, "services") or "").split(","),
               f"{service} does not host {word} (--services)")
        expect("--insecure" not in args, f"{service} runs with --insecure")
        for f in ["tls_cert", "tls_key"]:
            expect(flag(args, f), f"{service} serves without --{f}")
            mounted_secret(service, flag(args, f), "--" + f)
        health = port_of(flag(args, "health_listen"))
        expect(health, f"{service} has no --health_listen")
        test = (s.get("healthcheck") or {}).get("test") or []
        expect(not (s.get("healthcheck") or {}).get("disable") and test,
               f"{service} has no health check")
        expect(health and any(str(t).endswith(":" + health) for t in test) and health_name in test,
               f"{service}'s health check does not ask the health port for {health_name}")
        metrics = port_of(flag(args, "metrics_listen"))
        expect(metrics, f"{service} has no --metrics_listen")
        expect(metrics in published_targets(s), f"{service} does not publish its metrics port")

    # Assessment calls classification over TLS with a classifier token.
    assessment_args = services["assessment"].get("command") or []
    target = flag(assessment_args, "classification_target") or ""
    expect(target.split(":")[0] == "classification",
           f"assessment does not call the classification service (--classification_target={target})")
    mounted_secret("assessment", flag(assessment_args, "classification_token_file"),
                   "--classification_token_file")
    mounted_secret("assessment", flag(assessment_args, "classification_ca"), "--classification_ca")
    expect(((services["assessment"].get("depends_on") or {}).get("classification") or {})
           .get("condition") == "service_healthy",
           "assessment does not wait for a healthy classification")

    # Classification: mutual TLS, no gRPC port on the host, and no network
    # shared with any ahpl service but assessment.
    classification = services["classification"]
    classification_args = classification.get("command") or []
    mounted_secret("classification", flag(classification_args, "tls_client_ca"), "--tls_client_ca")
    grpc_port = port_of(flag(classification_args, "listen"))
    expect(grpc_port not in published_targets(classification),
           "classification publishes its gRPC port on the host")
    networks = set(classification.get("networks") or {})
    for other in ["migrate", "catalogue", "edge"]:
        shared = networks & set(services[other].get("networks") or {})
        expect(not shared, f"{other} shares network(s) {sorted(shared)} with classification")
    expect(networks & set(services["assessment"].get("networks") or {}),
           "assessment shares no network with classification")
    for n in networks:
        declared = (config.get("networks") or {}).get(n) or {}
        members = {name for name, s in services.items() if n in (s.get("networks") or {})}
        expect(declared.get("internal") is True or members == {"classification"},
               f"network {n} joins classification to the outside")
    check_edge(config, services, compose_dir, expect)
    return failures


def check_edge(config, services, compose_dir, expect):
    """The edge: one published address, routing each public service's calls
    over verified TLS, and none to classification."""
    edge = services["edge"]
    expect(edge.get("read_only") is True, "edge is not read_only")
    expect(str(edge.get("user", "0")).split(":")[0] not in ("", "0", "root"), "edge runs as root")
    expect("ALL" in (edge.get("cap_drop") or []), "edge keeps its capabilities")
    expect(published_targets(edge), "edge publishes no port")
    conf_path = None
    for v in edge.get("volumes") or []:
        source = v.get("source") if isinstance(v, dict) else v.split(":")[0]
        if source and source.endswith(".conf"):
            conf_path = source
    expect(conf_path and os.path.exists(conf_path), "edge mounts no nginx configuration")
    if not conf_path or not os.path.exists(conf_path):
        return
    conf = open(conf_path).read()
    routes = {}
    for path, body in re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", conf):
        target = re.search(r"grpc_pass\s+(\S+);", body)
        if target:
            routes[path] = target.group(1)
    expected = {"/ahpl.v1.CatalogueService/": "catalogue", "/ahpl.v1.AccessService/": "catalogue",
                "/ahpl.v1.AssessmentService/": "assessment"}
    for path, service in expected.items():
        target = routes.get(path, "")
        expect(target.startswith(f"grpcs://{service}:"),
               f"edge does not pass {path} to {service} over TLS (grpc_pass {target or 'missing'})")
    for path, target in routes.items():
        expect("classification" not in target, f"edge passes {path} to classification")
    expect(re.search(r"^\s*grpc_ssl_verify\s+on;", conf, re.M),
           "edge does not verify the services' certificates (grpc_ssl_verify on)")
    expect(re.search(r"listen\s+\S+\s+ssl", conf), "edge does not serve TLS")


def main():
    compose_file = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "deploy/compose/compose.yaml")
    env = dict(os.environ)
    for variable in ["AHPL_IMAGE", "AHPL_POSTGRES_IMAGE"]:
        env.pop(variable, None)
    run = subprocess.run(["docker-compose", "-f", compose_file, "config"], capture_output=True,
                         text=True, env=env)
    if run.returncode != 0:
        print(f"docker-compose config failed:\n{run.stderr}", file=sys.stderr)
        return 1
    failures = check(yaml.safe_load(run.stdout), compose_file)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if failures:
        return 1
    print(f"compose: {compose_file} is valid; services, migration, read-only non-root "
          "containers, health checks, metrics ports, TLS, classification's isolation and "
          "secret files hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
