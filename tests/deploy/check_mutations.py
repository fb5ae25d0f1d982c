#!/usr/bin/python3
"""Shows that the deployment checks can fail: breaks one property at a time
in a copy of deploy/compose or deploy/k8s and expects check_compose.py or
check_kubernetes.py to fail on the copy, naming that property.

A mutation whose text is no longer in the file fails this test too, so the
list follows the manifests as they change.
"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (file under the copied folder, text, replacement, expected failure)
COMPOSE = [
    ("compose.yaml", "  read_only: true\n", "  read_only: false\n", "catalogue is not read_only"),
    ("compose.yaml", 'user: "10001:10001"', 'user: "0:0"', "does not run as uid 10001"),
    ("compose.yaml", "    - ALL\n", "    - NET_RAW\n", "keeps its capabilities"),
    ("compose.yaml", "      - --migrate_only\n", "", "migrate does not run --migrate_only"),
    ("compose.yaml", "condition: service_completed_successfully",
     "condition: service_started", "does not wait for the migration to complete"),
    ("compose.yaml", '"127.0.0.1:8081", "ahpl.v1.ClassificationService"',
     '"127.0.0.1:9090", "ahpl.v1.ClassificationService"',
     "classification's health check does not ask the health port"),
    ("compose.yaml", '"127.0.0.1:9093:9090"', '"127.0.0.1:9093:9091"',
     "classification does not publish its metrics port"),
    ("compose.yaml", "      - --tls_client_ca=/run/secrets/ca_cert\n", "",
     "classification: --tls_client_ca None is not one of its secrets"),
    ("compose.yaml", "      - classifier_token\n    ports:", "    ports:",
     "assessment: --classification_token_file /run/secrets/classifier_token is not one of its secrets"),
    ("compose.yaml", "      - front\n      - db-catalogue\n",
     "      - front\n      - db-catalogue\n      - classify\n",
     "catalogue shares network(s) ['classify'] with classification"),
    ("compose.yaml", "  classify:\n    internal: true\n", "  classify: {}\n",
     "network classify joins classification to the outside"),
    ("compose.yaml", "      - --services=access,catalogue\n",
     "      - --services=access,catalogue\n      - --insecure\n", "catalogue runs with --insecure"),
    ("compose.yaml", "file: ./secrets/pgpass", "file: ./pgpass", "secret pgpass is not under the secrets/ folder"),
    ("compose.yaml", "sslmode=verify-full", "sslmode=prefer", "reaches PostgreSQL without verify-full TLS"),
    (".gitignore", "secrets/", "", "does not ignore secrets/"),
    ("edge.conf", "grpc_pass grpcs://assessment:50051;", "grpc_pass grpcs://classification:50051;",
     "edge does not pass /ahpl.v1.AssessmentService/ to assessment"),
    ("edge.conf", "grpc_pass grpcs://catalogue:50051;", "grpc_pass grpc://catalogue:50051;",
     "edge does not pass /ahpl.v1.CatalogueService/ to catalogue over TLS"),
    ("edge.conf", "  grpc_ssl_verify on;", "  grpc_ssl_verify off;",
     "edge does not verify the services' certificates"),
    ("compose.yaml", 'user: "101:101"', 'user: "0:0"', "edge runs as root"),
    ("compose.yaml", "condition: service_healthy", "condition: service_ready",
     "docker-compose config failed"),
]

K8S = [
    ("base/catalogue.yaml", "readinessProbe:\n            grpc:\n              port: 8081",
     "readinessProbe:\n            grpc:\n              port: 50051",
     "ahpl-catalogue's readinessProbe does not call the health port 8081"),
    ("base/assessment.yaml",
     'livenessProbe:\n            grpc:\n              port: 8081\n              service: ""',
     "livenessProbe:\n            tcpSocket:\n              port: 8081",
     "ahpl-assessment's livenessProbe is not a gRPC probe"),
    ("base/classification.yaml",
     "readinessProbe:\n            grpc:\n              port: 8081\n              service: ahpl.v1.ClassificationService",
     "readinessProbe:\n            grpc:\n              port: 8081\n              service: ahpl.v1.AssessmentService",
     "ahpl-classification's readiness asks for"),
    ("base/assessment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
     "ahpl-assessment has a writable root file system"),
    ("base/classification.yaml", "            runAsNonRoot: true", "            runAsNonRoot: false",
     "ahpl-classification may run as root"),
    ("base/catalogue.yaml", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true",
     "ahpl-catalogue allows privilege escalation"),
    ("base/migrate-job.yaml", '            limits:\n              cpu: "1"\n              memory: 512Mi\n', "",
     "Job ahpl-migrate has no cpu limit"),
    ("base/serviceaccount.yaml", "automountServiceAccountToken: false", "automountServiceAccountToken: true",
     "service account ahpl mounts its token"),
    ("base/catalogue.yaml", 'prometheus.io/port: "9090"', 'prometheus.io/port: "9091"',
     "ahpl-catalogue's scrape annotations do not name its metrics port"),
    ("base/disruption-budgets.yaml", "      app.kubernetes.io/component: assessment",
     "      app.kubernetes.io/component: assessor",
     "no PodDisruptionBudget covers Deployment ahpl-assessment's pods"),
    ("base/classification-autoscaler.yaml", "    name: ahpl-classification", "    name: ahpl-catalogue",
     "no HorizontalPodAutoscaler scales ahpl-classification"),
    ("overlays/production/classification.yaml", "spec:\n  template:", "spec:\n  replicas: 3\n  template:",
     "ahpl-classification sets replicas, which the autoscaler owns"),
    ("base/classification-networkpolicy.yaml", "app.kubernetes.io/component: assessment",
     "app.kubernetes.io/component: catalogue", "admits pods other than assessment's"),
    ("base/classification-networkpolicy.yaml", "    - ports:\n        - protocol: TCP\n          port: 8081\n",
     "    - {}\n", "NetworkPolicy ahpl-classification admits any source to the gRPC port"),
    ("base/classification-networkpolicy.yaml", "        - podSelector:\n",
     "        - namespaceSelector: {}\n          podSelector:\n", "admits ['namespaceSelector'] to the gRPC port"),
    ("base/migrate-job.yaml", "            - --migrate_only\n", "", "no Job runs ahpl-server --migrate_only"),
    ("base/assessment.yaml", "secretName: ahpl-classifier-token", "secretName: classifier",
     "assessment's classifier token is not from Secret ahpl-classifier-token"),
    ("base/catalogue.yaml", "name: ahpl-db-app", "name: database",
     "ahpl-catalogue does not take the database password from Secret ahpl-db-app"),
    ("overlays/production/classification.yaml", "            - --tls_client_ca=/etc/ahpl/tls/ca.crt\n", "",
     "ahpl-classification does not require client certificates"),
    ("overlays/production/catalogue.yaml", "            - --tls_key=/etc/ahpl/tls/tls.key\n",
     "            - --tls_key=/etc/ahpl/tls/tls.key\n            - --insecure\n",
     "ahpl-catalogue runs with --insecure"),
    ("overlays/production/assessment.yaml", "--tls_key=/etc/ahpl/tls/tls.key", "--tls_key=/tmp/tls.key",
     "ahpl-assessment: --tls_key is not a file from a Secret"),
    ("overlays/production/kustomization.yaml", "patchesStrategicMerge:",
     "secretGenerator:\n  - name: leaked\n    literals:\n      - password=hunter2\n\npatchesStrategicMerge:",
     "the manifests hold Secret leaked"),
    ("overlays/production/kustomization.yaml", "newTag: v0.1.0", "newTag: latest",
     "runs the unreleased image registry.example.org/ahpl:latest"),
    ("overlays/production/kustomization.yaml", "  - ../../base\n", "  - ../../basis\n",
     "kubectl kustomize failed"),
]


def run_mutation(source, checker, mutation):
    path, old, new, expected = mutation
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, os.path.basename(source))
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("secrets"))
        target = os.path.join(copy, path)
        text = open(target).read()
        if old not in text:
            return f"{path}: the text to break is gone: {old!r}"
        with open(target, "w") as f:
            f.write(text.replace(old, new, 1))
        argument = os.path.join(copy, "compose.yaml") if checker.endswith("compose.py") \
            else os.path.join(copy, "overlays/production")
        run = subprocess.run([sys.executable, checker, argument], capture_output=True, text=True)
        if run.returncode == 0:
            return f"{path}: {old!r} -> {new!r} passed the check (expected: {expected})"
        if expected not in run.stderr:
            return f"{path}: {old!r} -> {new!r} failed, but not with {expected!r}:\n{run.stderr}"
    return None


def main():
    problems = []
    count = 0
    suites = [(os.path.join(ROOT, "deploy/compose"), os.path.join(HERE, "check_compose.py"), COMPOSE),
              (os.path.join(ROOT, "deploy/k8s"), os.path.join(HERE, "check_kubernetes.py"), K8S)]
    for source, checker, mutations in suites:
        for m in mutations:
            count += 1
            problem = run_mutation(source, checker, m)
            if problem:
                problems.append(problem)
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    if problems:
        return 1
    print(f"each of {count} broken manifests fails its check with the expected message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
