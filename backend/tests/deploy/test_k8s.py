"""The rendered overlays carry the intended values: replicas, probes, limits, hardening, secrets."""

from __future__ import annotations

from typing import Any

import pytest

from normogen.config import ConfigError, load_settings
from tests.deploy.tooling import (
    BACKEND,
    CONTAINER_TMP,
    OVERLAYS,
    by_kind,
    documents,
    load_yaml,
)
from tests.support import TEST_JWT_SECRET

Manifests = dict[str, list[dict[str, Any]]]
SECRET_NAME = "normogen-backend-secrets"


def cpu(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def mebibytes(quantity: str) -> float:
    assert quantity.endswith("Mi"), quantity
    return float(quantity[:-2])


def pod(manifests: Manifests, overlay: str) -> dict[str, Any]:
    deployment = by_kind(manifests[overlay], "Deployment", "normogen-backend")
    spec: dict[str, Any] = deployment["spec"]["template"]
    return spec


def container(manifests: Manifests, overlay: str) -> dict[str, Any]:
    containers = pod(manifests, overlay)["spec"]["containers"]
    assert [c["name"] for c in containers] == ["backend"]
    found: dict[str, Any] = containers[0]
    return found


def test_replicas_per_overlay(manifests: Manifests) -> None:
    homelab = by_kind(manifests["homelab"], "Deployment", "normogen-backend")
    production = by_kind(manifests["production"], "Deployment", "normogen-backend")
    assert homelab["spec"]["replicas"] in (1, 2)
    assert production["spec"]["replicas"] == 3
    assert not [d for d in manifests["homelab"] if d["kind"] == "HorizontalPodAutoscaler"]


def test_production_autoscales_and_survives_disruption(manifests: Manifests) -> None:
    hpa = by_kind(manifests["production"], "HorizontalPodAutoscaler")["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "normogen-backend",
    }
    assert hpa["minReplicas"] == 3
    assert hpa["maxReplicas"] > 3
    pdb = by_kind(manifests["production"], "PodDisruptionBudget")["spec"]
    assert pdb["minAvailable"] == 2
    labels = pod(manifests, "production")["metadata"]["labels"]
    assert pdb["selector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_are_as_documented(manifests: Manifests, overlay: str) -> None:
    backend = container(manifests, overlay)
    assert backend["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    live, ready = backend["livenessProbe"], backend["readinessProbe"]
    assert live["httpGet"] == {"path": "/health", "port": "http"}
    assert (live["periodSeconds"], live["timeoutSeconds"]) == (10, 5)
    assert ready["httpGet"] == {"path": "/ready", "port": "http"}
    assert (ready["periodSeconds"], ready["timeoutSeconds"]) == (5, 3)
    start = backend["startupProbe"]
    assert start["httpGet"]["path"] == "/health"
    assert start["periodSeconds"] * start["failureThreshold"] >= 30


def test_homelab_resources(manifests: Manifests) -> None:
    limits = container(manifests, "homelab")["resources"]["limits"]
    assert cpu(limits["cpu"]) == 1.0
    assert mebibytes(limits["memory"]) == 1000


def test_production_resources(manifests: Manifests) -> None:
    resources = container(manifests, "production")["resources"]
    assert cpu(resources["requests"]["cpu"]) == 0.5
    assert cpu(resources["limits"]["cpu"]) == 1.0
    assert mebibytes(resources["requests"]["memory"]) == 256
    assert mebibytes(resources["limits"]["memory"]) == 512


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pod_is_hardened(manifests: Manifests, overlay: str) -> None:
    spec = pod(manifests, overlay)["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 1000
    assert spec["securityContext"]["runAsGroup"] == 1000
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    context = container(manifests, overlay)["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["privileged"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_tmp_is_writable(manifests: Manifests, overlay: str) -> None:
    volumes = {v["name"]: v for v in pod(manifests, overlay)["spec"]["volumes"]}
    mounts = container(manifests, overlay)["volumeMounts"]
    writable = [m["mountPath"] for m in mounts if not m.get("readOnly")]
    assert writable == [CONTAINER_TMP]
    tmp = next(m["name"] for m in mounts if m["mountPath"] == CONTAINER_TMP)
    assert "emptyDir" in volumes[tmp]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_come_from_the_secret_and_the_rest_from_the_configmap(
    manifests: Manifests, overlay: str
) -> None:
    backend = container(manifests, overlay)
    config = by_kind(manifests[overlay], "ConfigMap")
    assert backend["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
    assert not {"JWT_SECRET", "MONGODB_URI"} & set(config["data"])
    # Each secret is a file from the Secret's key of the same name; the server reads NAME_FILE.
    volumes = {v["name"]: v for v in pod(manifests, overlay)["spec"]["volumes"]}
    mount = next(m for m in backend["volumeMounts"] if m["mountPath"].startswith("/var/run"))
    secret = volumes[mount["name"]]["secret"]
    assert secret["secretName"] == SECRET_NAME
    env = {e["name"]: e["value"] for e in backend["env"]}
    for name in ("JWT_SECRET", "MONGODB_URI"):
        assert env[f"{name}_FILE"] == f"{mount['mountPath']}/{name}"
        assert {"key": name, "path": name} in secret["items"]
    assert not [d for d in manifests[overlay] if d["kind"] == "Secret"], "no Secret in git"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_configmap_is_a_valid_configuration(manifests: Manifests, overlay: str) -> None:
    data = by_kind(manifests[overlay], "ConfigMap")["data"]
    settings = load_settings(**data, JWT_SECRET=TEST_JWT_SECRET, MONGODB_URI="mongodb://db:27017")
    assert container(manifests, overlay)["ports"][0]["containerPort"] == settings.SERVER_PORT
    assert not settings.development


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_termination_grace_covers_the_drain(manifests: Manifests, overlay: str) -> None:
    data = by_kind(manifests[overlay], "ConfigMap")["data"]
    budget = float(data["SHUTDOWN_DRAIN_SECONDS"]) + float(data["SHUTDOWN_GRACE_SECONDS"])
    assert pod(manifests, overlay)["spec"]["terminationGracePeriodSeconds"] > budget


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_service_and_ingress_reach_the_pods(manifests: Manifests, overlay: str) -> None:
    docs = manifests[overlay]
    labels = pod(manifests, overlay)["metadata"]["labels"]
    service = by_kind(docs, "Service", "normogen-backend")
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    ingress = by_kind(docs, "Ingress")["spec"]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}
    assert ingress["tls"][0]["hosts"] == [ingress["rules"][0]["host"]]
    assert ingress["tls"][0]["secretName"] == "normogen-tls"
    assert ingress["ingressClassName"] == {"homelab": "traefik", "production": "nginx"}[overlay]
    account = by_kind(docs, "ServiceAccount")
    assert pod(manifests, overlay)["spec"]["serviceAccountName"] == account["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_everything_lives_in_the_normogen_namespace(manifests: Manifests, overlay: str) -> None:
    for doc in manifests[overlay]:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "normogen", doc["kind"]
    image = container(manifests, overlay)["image"]
    assert ":" in image.rsplit("/", 1)[-1]
    assert not image.endswith(":latest")
    assert container(manifests, overlay)["imagePullPolicy"] == "Always"


def test_secret_template_holds_no_real_secret() -> None:
    path = BACKEND / "k8s" / "base" / "secret.example.yaml"
    secret = documents(path.read_text())[0]
    assert secret["metadata"]["name"] == SECRET_NAME
    assert set(secret["stringData"]) == {"JWT_SECRET", "MONGODB_URI"}
    # The placeholder key is one the server refuses: a forgotten secret fails fast.
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_settings(**secret["stringData"])
    kustomization = load_yaml(BACKEND / "k8s" / "base" / "kustomization.yaml")
    assert path.name not in kustomization["resources"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ingress_routes_the_api_only_never_metrics(manifests: Manifests, overlay: str) -> None:
    """Only /api reaches the API: /metrics, /health, /ready and /docs stay inside the cluster;
    everything else (`/`) is the web app, which serves files and never the API's internals."""
    ingress = by_kind(manifests[overlay], "Ingress")["spec"]
    routes = [p for rule in ingress["rules"] for p in rule["http"]["paths"]]
    assert [(p["path"], p["pathType"]) for p in routes] == [("/api", "Prefix"), ("/", "Prefix")]
    assert routes[1]["backend"]["service"] == {"name": "normogen-web", "port": {"name": "http"}}
    paths = [p for p in routes if p["backend"]["service"]["name"] == "normogen-backend"]
    for internal in ("/metrics", "/health", "/ready", "/docs", "/openapi.json"):
        # Prefix matching is per path element: /api never matches these.
        assert not any(internal == p["path"] or internal.startswith(p["path"] + "/") for p in paths)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_web_app_runs_hardened_behind_its_own_service(manifests: Manifests, overlay: str) -> None:
    docs = manifests[overlay]
    web = by_kind(docs, "Deployment", "normogen-web")["spec"]["template"]
    [box] = web["spec"]["containers"]
    assert box["image"].rsplit("/", 1)[-1] == "normogen-web:0.1.0"
    env = {e["name"]: e.get("value") for e in box["env"]}
    assert env["WEB_API_URL"] == "http://normogen-backend:8000"
    assert box["securityContext"]["readOnlyRootFilesystem"] is True
    assert box["securityContext"]["allowPrivilegeEscalation"] is False
    assert box["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert box["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    service = by_kind(docs, "Service", "normogen-web")
    assert service["spec"]["selector"].items() <= web["metadata"]["labels"].items()
    config = by_kind(docs, "ConfigMap")["data"]
    assert config["PUBLIC_WEB_URL"].startswith("https://")
