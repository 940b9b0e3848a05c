#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests, as `kubectl apply` on a cluster would before anything runs.

Usage: validate.py KUBERNETES_VERSION [--trellis-config OUT] FILE...

Each FILE is one or more YAML documents. Built-in kinds are checked against that Kubernetes
version's OpenAPI schemas in strict mode (kubernetes-validate: unknown fields are errors); the
Flux and OpenTelemetry-operator custom resources against the JSON schemas in schemas/, written
from their CRDs' field lists. A kind with no schema is an error. Then the Trellis-specific
rules below. With --trellis-config, the `trellis.yaml` of the rendered ConfigMap is written to
OUT so it can go through `trellis check-config`.
"""
import json
import os
import sys

import jsonschema
import kubernetes_validate
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CUSTOM = {
    ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"): "flux-kustomization-v1.json",
    ("source.toolkit.fluxcd.io/v1", "GitRepository"): "flux-gitrepository-v1.json",
    ("opentelemetry.io/v1alpha1", "Instrumentation"): "otel-instrumentation-v1alpha1.json",
}
# SIGTERM gives the pipeline this long to drain (TrellisService.drainTimeout).
DRAIN_SECONDS = 30


def schema_errors(document, version):
    key = (document.get("apiVersion"), document.get("kind"))
    if key in CUSTOM:
        with open(os.path.join(HERE, "schemas", CUSTOM[key])) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]
    try:
        kubernetes_validate.validate(document, version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}"]
    except kubernetes_validate.SchemaNotFoundError as e:
        return [f"no schema for {key[0]} {key[1]}: {e}"]
    return []


def statefulset_errors(statefulset, services):
    """What Trellis needs of its StatefulSet: see deploy/kubernetes/base/statefulset.yaml."""
    errors = []
    pod = statefulset["spec"]["template"]["spec"]
    container = next(c for c in pod["containers"] if c["name"] == "trellis")
    if pod.get("terminationGracePeriodSeconds", 30) <= DRAIN_SECONDS:
        errors.append(f"terminationGracePeriodSeconds must exceed the {DRAIN_SECONDS} s drain")
    if container.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
        errors.append("liveness probe must GET /healthz")
    if container.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
        errors.append("readiness probe must GET /readyz")
    if "memory" not in container.get("resources", {}).get("limits", {}):
        errors.append("the container needs a memory limit: memory_limiter.limit_percentage reads it from the cgroup")
    security = container.get("securityContext", {})
    if not security.get("readOnlyRootFilesystem") or security.get("allowPrivilegeEscalation") is not False \
            or security.get("capabilities", {}).get("drop") != ["ALL"]:
        errors.append("the container must run read-only, without privilege escalation, all capabilities dropped")
    pod_security = pod.get("securityContext", {})
    if not pod_security.get("runAsNonRoot") or pod_security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        errors.append("the pod must run as non-root with the RuntimeDefault seccomp profile")
    mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
    if "/var/lib/trellis" not in mounts:
        errors.append("the archive's volume must be mounted on /var/lib/trellis")
    ports = {p["name"] for p in container["ports"]}
    for service in services:
        for port in service["spec"]["ports"]:
            if port["targetPort"] not in ports:
                errors.append(f"Service {service['metadata']['name']} targets port {port['targetPort']}, which the container does not name")
            if not port["name"].startswith(("grpc-", "http-")):
                errors.append(f"Service port {port['name']} must be named after its protocol (grpc-…, http-…) for meshes")
    return errors


def main(argv):
    version, files, config_out = argv[0], [], None
    args = iter(argv[1:])
    for arg in args:
        if arg == "--trellis-config":
            config_out = next(args)
        else:
            files.append(arg)
    documents = []
    for path in files:
        with open(path) as f:
            documents += [(path, d) for d in yaml.safe_load_all(f) if d]
    errors = []
    for path, document in documents:
        for error in schema_errors(document, version):
            errors.append(f"{path}: {document.get('kind')} {document.get('metadata', {}).get('name')}: {error}")
    by_kind = {}
    for _, document in documents:
        by_kind.setdefault(document["kind"], []).append(document)
    for statefulset in by_kind.get("StatefulSet", []):
        errors += [f"StatefulSet {statefulset['metadata']['name']}: {e}" for e in statefulset_errors(statefulset, by_kind.get("Service", []))]
    if config_out:
        configs = [c for c in by_kind.get("ConfigMap", []) if "trellis.yaml" in c.get("data", {})]
        if len(configs) != 1:
            errors.append(f"expected one ConfigMap holding trellis.yaml, found {len(configs)}")
        else:
            with open(config_out, "w") as f:
                f.write(configs[0]["data"]["trellis.yaml"])
    for error in errors:
        print(f"validate: {error}", file=sys.stderr)
    print(f"validate: {len(documents)} documents from {len(files)} files, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
