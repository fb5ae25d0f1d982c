#!/usr/bin/python3
"""Checks the Kubernetes manifests as `kubectl kustomize` renders them.

Renders deploy/k8s/overlays/production and checks the properties issue 13
asks of it on the rendered objects: per service a Deployment and a Service,
native gRPC probes on the plaintext health port, resources, a non-root
read-only security context, TLS; a PodDisruptionBudget each; an autoscaler
for classification; a NetworkPolicy that admits only assessment to
classification's gRPC port; the migration as a Job; Secrets referenced, not
shipped; a service account without an API token; metrics scrape annotations.

  check_kubernetes.py [KUSTOMIZATION_DIR]   (default: the production overlay)
Prints every failed property and exits 1, else says what was checked.
"""

import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOYMENTS = {
    # Deployment: (word in --services, health service name)
    "ahpl-catalogue": ("catalogue", "ahpl.v1.CatalogueService"),
    "ahpl-assessment": ("assessment", "ahpl.v1.AssessmentService"),
    "ahpl-classification": ("classification", "ahpl.v1.ClassificationService"),
}
HEALTH_PORT = 8081
GRPC_PORT = 50051
AHPL_UID = 10001
DATABASE_PASSWORD_SECRET = "ahpl-db-app"
CLASSIFIER_TOKEN_SECRET = "ahpl-classifier-token"


def flag(args, name):
    prefix = "--" + name + "="
    for a in args:
        if a.startswith(prefix):
            return a[len(prefix):]
    return None


def port_of(address):
    return int(address.rsplit(":", 1)[-1]) if address else None


def selects(match_labels, labels):
    """Whether a matchLabels selector (non-empty) selects these labels."""
    return bool(match_labels) and all(labels.get(k) == v for k, v in match_labels.items())


def port_number(port, container):
    """A NetworkPolicy or probe port (number or container port name) as a number."""
    if isinstance(port, int):
        return port
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return p.get("containerPort")
    return None


class Checker:
    def __init__(self, objects):
        self.failures = []
        self.by_kind = {}
        for o in objects:
            self.by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o

    def expect(self, condition, message):
        if not condition:
            self.failures.append(message)

    def kind(self, kind):
        return self.by_kind.get(kind, {})

    def secret_volumes(self, pod):
        """Volume name -> Secret name, for the pod's Secret volumes."""
        return {v["name"]: v["secret"].get("secretName") for v in pod.get("volumes") or []
                if "secret" in v}

    def file_secret(self, pod, container, path):
        """The Secret a file path in the container is mounted from, or None."""
        volumes = self.secret_volumes(pod)
        for m in container.get("volumeMounts") or []:
            mount = m["mountPath"].rstrip("/") + "/"
            if path and path.startswith(mount) and m["name"] in volumes:
                return volumes[m["name"]]
        return None

    def check_pod_security(self, what, pod, container):
        pod_sc = pod.get("securityContext") or {}
        sc = container.get("securityContext") or {}

        def either(key):
            return sc.get(key, pod_sc.get(key))

        self.expect(either("runAsNonRoot") is True, f"{what} may run as root (runAsNonRoot)")
        self.expect(either("runAsUser") == AHPL_UID, f"{what} does not run as uid {AHPL_UID}")
        self.expect(sc.get("readOnlyRootFilesystem") is True,
                    f"{what} has a writable root file system")
        self.expect(sc.get("allowPrivilegeEscalation") is False,
                    f"{what} allows privilege escalation")
        self.expect("ALL" in ((sc.get("capabilities") or {}).get("drop") or []),
                    f"{what} does not drop ALL capabilities")
        self.expect((either("seccompProfile") or {}).get("type") == "RuntimeDefault",
                    f"{what} has no RuntimeDefault seccomp profile")
        self.expect(pod.get("automountServiceAccountToken") is False,
                    f"{what} mounts a service account token")
        account = pod.get("serviceAccountName")
        sa = self.kind("ServiceAccount").get(account)
        self.expect(sa is not None, f"{what} runs as service account {account}, which is not defined")
        if sa is not None:
            self.expect(sa.get("automountServiceAccountToken") is False,
                        f"service account {account} mounts its token")
        resources = container.get("resources") or {}
        for part in ["requests", "limits"]:
            for r in ["cpu", "memory"]:
                self.expect((resources.get(part) or {}).get(r),
                            f"{what} has no {r} {part[:-1] if part == 'limits' else 'request'}")
        env = {e["name"]: e for e in container.get("env") or []}
        ref = ((env.get("PGPASSWORD") or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
        self.expect(ref.get("name") == DATABASE_PASSWORD_SECRET,
                    f"{what} does not take the database password from Secret {DATABASE_PASSWORD_SECRET}")
        url = env.get("AHPL_DATABASE_URL") or {}
        self.expect("valueFrom" in url or "value" in url, f"{what} has no AHPL_DATABASE_URL")
        url_value = url.get("value") or self.config_value(
            ((url.get("valueFrom") or {}).get("configMapKeyRef") or {}))
        self.expect(url_value and "sslmode=verify-full" in url_value,
                    f"{what} reaches PostgreSQL without verify-full TLS")
        root_cert = (url_value or "").partition("sslrootcert=")[2].split("&")[0]
        self.expect(root_cert and self.file_secret(pod, container, root_cert),
                    f"{what}: the database CA {root_cert or '(none)'} is not mounted from a Secret")

    def config_value(self, ref):
        config = self.kind("ConfigMap").get(ref.get("name")) or {}
        return (config.get("data") or {}).get(ref.get("key"))

    def check_deployment(self, name, word, health_name):
        d = self.kind("Deployment").get(name)
        self.expect(d is not None, f"no Deployment {name}")
        if d is None:
            return
        pod = d["spec"]["template"]["spec"]
        labels = d["spec"]["template"]["metadata"].get("labels") or {}
        self.expect(selects(d["spec"]["selector"].get("matchLabels"), labels),
                    f"Deployment {name}'s selector does not select its pods")
        containers = pod.get("containers") or []
        self.expect(len(containers) == 1, f"Deployment {name} has {len(containers)} containers, not 1")
        if not containers:
            return
        c = containers[0]
        what = f"Deployment {name}"
        args = c.get("args") or []
        self.expect(word in (flag(args, "services") or "").split(","),
                    f"{what} does not host {word} (--services)")
        self.check_pod_security(what, pod, c)

        # Probes: the kubelet's own gRPC probe, on the plaintext health port.
        health = port_of(flag(args, "health_listen"))
        self.expect(health == HEALTH_PORT, f"{what} does not serve health on {HEALTH_PORT}")
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"]:
            p = c.get(probe)
            if p is None and probe == "startupProbe":
                continue
            grpc = (p or {}).get("grpc")
            self.expect(grpc is not None, f"{what}'s {probe} is not a gRPC probe")
            if grpc is not None:
                self.expect(port_number(grpc.get("port"), c) == HEALTH_PORT,
                            f"{what}'s {probe} does not call the health port {HEALTH_PORT}")
        readiness = ((c.get("readinessProbe") or {}).get("grpc") or {}).get("service")
        self.expect(readiness == health_name, f"{what}'s readiness asks for {readiness!r}, not {health_name}")

        # Metrics: scraped where the server serves them.
        annotations = d["spec"]["template"]["metadata"].get("annotations") or {}
        metrics = port_of(flag(args, "metrics_listen"))
        self.expect(metrics, f"{what} has no --metrics_listen")
        self.expect(annotations.get("prometheus.io/scrape") == "true"
                    and annotations.get("prometheus.io/port") == str(metrics),
                    f"{what}'s scrape annotations do not name its metrics port {metrics}")

        # TLS from a Secret, no plaintext.
        self.expect("--insecure" not in args, f"{what} runs with --insecure")
        for f in ["tls_cert", "tls_key"]:
            self.expect(self.file_secret(pod, c, flag(args, f)),
                        f"{what}: --{f} is not a file from a Secret")
        image = c.get("image", "")
        self.expect(not image.startswith("localhost/") and not image.endswith(":latest"),
                    f"{what} runs the unreleased image {image}")

        # A Service in front, on the gRPC port, and a disruption budget.
        services = [s for s in self.kind("Service").values()
                    if selects(s["spec"].get("selector"), labels)
                    and any(port_number(p.get("targetPort", p.get("port")), c) == GRPC_PORT
                            for p in s["spec"].get("ports") or [])]
        self.expect(services, f"no Service sends gRPC to {what}'s pods")
        budgets = [b for b in self.kind("PodDisruptionBudget").values()
                   if selects(b["spec"]["selector"].get("matchLabels"), labels)]
        self.expect(budgets, f"no PodDisruptionBudget covers {what}'s pods")
        for b in budgets:
            self.expect("maxUnavailable" in b["spec"] or b["spec"].get("minAvailable") not in (None, 0),
                        f"PodDisruptionBudget {b['metadata']['name']} allows every pod down")

    def check_classification(self):
        deployments = self.kind("Deployment")
        classification = deployments.get("ahpl-classification")
        assessment = deployments.get("ahpl-assessment")
        if classification is None or assessment is None:
            return
        cls_labels = classification["spec"]["template"]["metadata"].get("labels") or {}
        ass_labels = assessment["spec"]["template"]["metadata"].get("labels") or {}
        other_labels = [d["spec"]["template"]["metadata"].get("labels") or {}
                        for n, d in deployments.items() if n != "ahpl-assessment"]
        cls_pod = classification["spec"]["template"]["spec"]
        cls_container = cls_pod["containers"][0]
        cls_args = cls_container.get("args") or []

        # Mutual TLS, and the caller's side of it.
        self.expect(self.file_secret(cls_pod, cls_container, flag(cls_args, "tls_client_ca")),
                    "ahpl-classification does not require client certificates (--tls_client_ca)")
        ass_pod = assessment["spec"]["template"]["spec"]
        ass_container = ass_pod["containers"][0]
        ass_args = ass_container.get("args") or []
        target = flag(ass_args, "classification_target") or ""
        target_host = target.rsplit(":", 1)[0].split("///")[-1].split(".")[0]
        service = self.kind("Service").get(target_host)
        self.expect(service is not None and selects(service["spec"].get("selector"), cls_labels),
                    f"assessment's --classification_target={target} is not classification's Service")
        token_secret = self.file_secret(ass_pod, ass_container, flag(ass_args, "classification_token_file"))
        self.expect(token_secret == CLASSIFIER_TOKEN_SECRET,
                    f"assessment's classifier token is not from Secret {CLASSIFIER_TOKEN_SECRET}")
        self.expect(self.file_secret(ass_pod, ass_container, flag(ass_args, "classification_ca")),
                    "assessment does not verify classification's certificate (--classification_ca)")

        # The autoscaler owns classification's replicas.
        hpas = [h for h in self.kind("HorizontalPodAutoscaler").values()
                if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
                and h["spec"]["scaleTargetRef"].get("name") == "ahpl-classification"]
        self.expect(hpas, "no HorizontalPodAutoscaler scales ahpl-classification")
        for h in hpas:
            self.expect((h["spec"].get("minReplicas") or 1) >= 2,
                        "classification's autoscaler may scale down to one pod")
            self.expect(h["spec"].get("metrics"), "classification's autoscaler has no metric")
        self.expect("replicas" not in classification["spec"],
                    "ahpl-classification sets replicas, which the autoscaler owns")

        # The NetworkPolicy: only assessment reaches the gRPC port.
        policies = [p for p in self.kind("NetworkPolicy").values()
                    if selects(p["spec"].get("podSelector", {}).get("matchLabels"), cls_labels)
                    and "Ingress" in (p["spec"].get("policyTypes") or ["Ingress"])]
        self.expect(policies, "no NetworkPolicy selects classification's pods for ingress")
        admits_assessment = False
        for p in policies:
            name = p["metadata"]["name"]
            for rule in p["spec"].get("ingress") or []:
                ports = [port_number(x.get("port"), cls_container) for x in rule.get("ports") or []]
                if ports and GRPC_PORT not in ports and None not in ports:
                    continue
                peers = rule.get("from") or []
                self.expect(peers, f"NetworkPolicy {name} admits any source to the gRPC port")
                for peer in peers:
                    selector = (peer.get("podSelector") or {}).get("matchLabels")
                    self.expect(set(peer) == {"podSelector"},
                                f"NetworkPolicy {name} admits {sorted(set(peer) - {'podSelector'})} "
                                "to the gRPC port")
                    self.expect(selects(selector, ass_labels)
                                and not any(selects(selector, o) for o in other_labels),
                                f"NetworkPolicy {name} admits pods other than assessment's "
                                f"({selector}) to the gRPC port")
                    if selects(selector, ass_labels):
                        admits_assessment = True
        self.expect(not policies or admits_assessment,
                    "no NetworkPolicy rule admits assessment to classification's gRPC port")

    def check_migration(self):
        jobs = [j for j in self.kind("Job").values()
                if "--migrate_only" in ((j["spec"]["template"]["spec"]["containers"][0]).get("args") or [])]
        self.expect(jobs, "no Job runs ahpl-server --migrate_only")
        for j in jobs:
            pod = j["spec"]["template"]["spec"]
            self.expect(pod.get("restartPolicy") in ("Never", "OnFailure"),
                        f"Job {j['metadata']['name']} has restartPolicy {pod.get('restartPolicy')}")
            self.check_pod_security(f"Job {j['metadata']['name']}", pod, pod["containers"][0])

    def check_no_secret_material(self):
        # Secrets are provided beside the manifests (docs/operations.md):
        # none is rendered, so none is committed.
        for name in self.kind("Secret"):
            self.failures.append(f"the manifests hold Secret {name}: secrets are provided, not committed")

    def run(self):
        for name, (word, health_name) in DEPLOYMENTS.items():
            self.check_deployment(name, word, health_name)
        self.check_classification()
        self.check_migration()
        self.check_no_secret_material()
        namespaces = {o["metadata"].get("namespace") for kind, objects in self.by_kind.items()
                      if kind != "Namespace" for o in objects.values()}
        self.expect(len(namespaces) == 1 and None not in namespaces,
                    f"objects are not all in one namespace: {sorted(map(str, namespaces))}")
        return self.failures


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "deploy/k8s/overlays/production")
    run = subprocess.run(["kubectl", "kustomize", directory], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"kubectl kustomize failed:\n{run.stderr}", file=sys.stderr)
        return 1
    objects = [o for o in yaml.safe_load_all(run.stdout) if o]
    failures = Checker(objects).run()
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if failures:
        return 1
    kinds = sorted({o["kind"] for o in objects})
    print(f"kubernetes: {directory} renders {len(objects)} objects ({', '.join(kinds)}); "
          "probes, resources, security contexts, TLS, budgets, autoscaler, network policy, "
          "migration Job and Secret references hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
