#!/usr/bin/env bash
# Checks deploy/ without a cluster (make test):
#   - `kubectl kustomize` builds the base and every overlay; the result, the Flux resources and
#     the Instrumentation validate (validate.py: Kubernetes schemas, strict; CRD schemas here);
#   - the trellis.yaml each build puts in its ConfigMap passes `trellis check-config`;
#   - scripts/check-container-recipe runs the container recipe's runtime stage.
# Creates (or reuses) the venv .venv-deploy from requirements.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
trellis="${TRELLIS_BIN:-$root/.build/debug/trellis}"
kubernetes_version=1.33.0
venv="$root/.venv-deploy"

"$root/scripts/venv" "$venv" "$here/requirements.txt"

kustomize_version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')"
if [[ -z "$kustomize_version" ]] || (( kustomize_version < 5 )); then
    echo "deploy: kubectl $(kubectl version --client 2>/dev/null | head -1) has no kustomize v5; the manifests use components and labels (kustomize v5, kubectl 1.27+)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/secrets"
echo "deploy-check-token" > "$work/secrets/query-token"

for dir in base overlays/minikube overlays/production; do
    name="${dir//\//-}"
    kubectl kustomize "$root/deploy/kubernetes/$dir" > "$work/$name.yaml"
    "$venv/bin/python" "$here/validate.py" "$kubernetes_version" --trellis-config "$work/$name-trellis.yaml" "$work/$name.yaml"
    # The Secret's mount point, here a temporary folder.
    sed -i "s|/var/run/secrets/trellis/|$work/secrets/|" "$work/$name-trellis.yaml"
    "$trellis" check-config "$work/$name-trellis.yaml"
done

kubectl kustomize "$root/deploy/flux/instrumentation" > "$work/instrumentation.yaml"
kubectl kustomize "$root/deploy/flux/clusters/production/secrets" > "$work/secrets.yaml"
"$venv/bin/python" "$here/validate.py" "$kubernetes_version" "$work/instrumentation.yaml" "$work/secrets.yaml" \
    "$root"/deploy/flux/clusters/*/*.yaml "$root"/deploy/flux/sources/*.yaml

"$root/scripts/check-container-recipe"
echo "deploy: ok"
