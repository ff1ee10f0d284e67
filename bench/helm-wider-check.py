#!/usr/bin/env python3
"""Wider check of Tide's Helm engine: renders popular public charts (none of them in ../shared/corpus) with
helm v4.1.4 and with `tide helm template`, and compares stdout and exit code.

Charts come from repository snapshots taken with the `fetch` tool (/work/.mirror/OWNER+NAME/repo); nothing of
theirs is committed. Dependencies are vendored from the same snapshots (the same repository first), as unpacked
directories under charts/, the way `helm dependency build` would place them.

    bench/helm-wider-check.py [--work /tmp/helm-wider] [--only NAME...] [--keep-going]

Prints one line per case (match / DIFF / TIDE-FAILS / HELM-FAILS) and a summary; diffs go to WORK/diffs/.
"""
import argparse
import difflib
import os
import subprocess
import sys
import time

import yaml

MIRROR = "/work/.mirror"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELM = os.path.join(ROOT, ".tools", "helm", "helm")
TIDE = os.path.join(ROOT, "src", "Host", "bin", "Release", "net10.0", "tide.dll")

# (case name, repository snapshot, chart path, extra flags)
CHARTS = [
    ("bitnami-nginx", "bitnami+charts", "bitnami/nginx", []),
    ("bitnami-redis", "bitnami+charts", "bitnami/redis", []),
    ("bitnami-postgresql", "bitnami+charts", "bitnami/postgresql", []),
    ("bitnami-mysql", "bitnami+charts", "bitnami/mysql", []),
    ("bitnami-kafka", "bitnami+charts", "bitnami/kafka", []),
    ("bitnami-mongodb", "bitnami+charts", "bitnami/mongodb", []),
    ("bitnami-rabbitmq", "bitnami+charts", "bitnami/rabbitmq", []),
    ("bitnami-wordpress", "bitnami+charts", "bitnami/wordpress", []),
    ("bitnami-keycloak", "bitnami+charts", "bitnami/keycloak", []),
    ("bitnami-minio", "bitnami+charts", "bitnami/minio", []),
    ("bitnami-etcd", "bitnami+charts", "bitnami/etcd", []),
    ("bitnami-argo-cd", "bitnami+charts", "bitnami/argo-cd", []),
    ("bitnami-kube-prometheus", "bitnami+charts", "bitnami/kube-prometheus", []),
    ("bitnami-thanos", "bitnami+charts", "bitnami/thanos", []),
    ("argo-cd", "argoproj+argo-helm", "charts/argo-cd", []),
    ("argo-workflows", "argoproj+argo-helm", "charts/argo-workflows", []),
    ("argo-rollouts", "argoproj+argo-helm", "charts/argo-rollouts", []),
    ("argo-events", "argoproj+argo-helm", "charts/argo-events", []),
    ("kube-prometheus-stack", "prometheus-community+helm-charts", "charts/kube-prometheus-stack", []),
    ("alertmanager", "prometheus-community+helm-charts", "charts/alertmanager", []),
    ("blackbox-exporter", "prometheus-community+helm-charts", "charts/prometheus-blackbox-exporter", []),
    ("prometheus-adapter", "prometheus-community+helm-charts", "charts/prometheus-adapter", []),
    ("pushgateway", "prometheus-community+helm-charts", "charts/prometheus-pushgateway", []),
    ("grafana", "grafana-community+helm-charts", "charts/grafana", []),
    ("loki-distributed", "grafana+helm-charts", "charts/loki-distributed", []),
    ("tempo-distributed", "grafana+helm-charts", "charts/tempo-distributed", []),
    ("promtail", "grafana+helm-charts", "charts/promtail", []),
    ("traefik", "traefik+traefik-helm-chart", "traefik", []),
    ("external-secrets", "external-secrets+external-secrets", "deploy/charts/external-secrets", []),
    ("kyverno-policies", "kyverno+kyverno", "charts/kyverno-policies", []),
    ("vault", "hashicorp+vault-helm", ".", []),
    ("longhorn", "longhorn+longhorn", "chart", []),
    # A few flags users pass, on charts that read them.
    ("kube-prometheus-stack-crds", "prometheus-community+helm-charts", "charts/kube-prometheus-stack",
     ["--include-crds", "--api-versions", "monitoring.coreos.com/v1", "--kube-version", "1.30.0"]),
    ("bitnami-redis-set", "bitnami+charts", "bitnami/redis",
     ["--set", "architecture=standalone,auth.password=secret", "--set-string", "master.count=1"]),
    ("traefik-show-only", "traefik+traefik-helm-chart", "traefik", ["--show-only", "templates/deployment.yaml"]),
    # Non-default values that switch on the larger code paths.
    ("argo-cd-ha", "argoproj+argo-helm", "charts/argo-cd",
     ["--set", "redis-ha.enabled=true,controller.replicas=2,server.autoscaling.enabled=true,repoServer.autoscaling.enabled=true,"
               "applicationSet.replicas=2,server.ingress.enabled=true,server.metrics.enabled=true,server.metrics.serviceMonitor.enabled=true,"
               "dex.enabled=false,notifications.enabled=true"]),
    ("kube-prometheus-stack-custom", "prometheus-community+helm-charts", "charts/kube-prometheus-stack",
     ["--set", "grafana.ingress.enabled=true,prometheus.ingress.enabled=true,prometheus.prometheusSpec.replicas=2,"
               "alertmanager.alertmanagerSpec.replicas=3,prometheusOperator.admissionWebhooks.certManager.enabled=true,"
               "windowsMonitoring.enabled=false,thanosRuler.enabled=true", "--kube-version", "1.29.4"]),
    ("bitnami-postgresql-replication", "bitnami+charts", "bitnami/postgresql",
     ["--set", "architecture=replication,metrics.enabled=true,metrics.serviceMonitor.enabled=true,primary.persistence.enabled=false,"
               "readReplicas.replicaCount=2,networkPolicy.enabled=true,tls.enabled=true,tls.autoGenerated=true"]),
    ("bitnami-kafka-custom", "bitnami+charts", "bitnami/kafka",
     ["--set", "controller.replicaCount=1,broker.replicaCount=2,metrics.jmx.enabled=true,listeners.client.protocol=SASL_SSL,"
               "tls.autoGenerated.enabled=true,externalAccess.enabled=false,provisioning.enabled=true,provisioning.topics[0].name=t1"]),
    ("kube-prometheus-stack-custom2", "prometheus-community+helm-charts", "charts/kube-prometheus-stack",
     ["--set", "prometheus.prometheusSpec.replicas=2,alertmanager.alertmanagerSpec.replicas=3,thanosRuler.enabled=true,"
               "prometheusOperator.admissionWebhooks.certManager.enabled=true,grafana.sidecar.dashboards.enabled=true,"
               "kubeStateMetrics.enabled=false,nodeExporter.enabled=false", "--kube-version", "1.29.4"]),
    ("bitnami-kafka-custom2", "bitnami+charts", "bitnami/kafka",
     ["--set", "controller.replicaCount=1,broker.replicaCount=2,metrics.jmx.enabled=true,provisioning.enabled=true,"
               "provisioning.topics[0].name=t1,networkPolicy.enabled=true"]),
    ("vault-ha", "hashicorp+vault-helm", ".",
     ["--set", "server.ha.enabled=true,server.ha.raft.enabled=true,injector.enabled=false,ui.enabled=true,server.ingress.enabled=true,"
               "csi.enabled=true,serverTelemetry.serviceMonitor.enabled=true"]),
    ("traefik-custom", "traefik+traefik-helm-chart", "traefik",
     ["--set", "ingressRoute.dashboard.enabled=true,service.type=NodePort,metrics.prometheus.serviceMonitor.enabled=true,"
               "autoscaling.enabled=true,autoscaling.maxReplicas=4,providers.kubernetesGateway.enabled=true,resources.limits.memory=512Mi",
      "--api-versions", "monitoring.coreos.com/v1"]),
    ("grafana-custom", "grafana-community+helm-charts", "charts/grafana",
     ["--set", "persistence.enabled=true,ingress.enabled=true,ingress.hosts[0]=g.example.org,sidecar.dashboards.enabled=true,"
               "sidecar.datasources.enabled=true,serviceMonitor.enabled=true,replicas=2,adminPassword=pw,imageRenderer.enabled=true"]),
    ("external-secrets-custom", "external-secrets+external-secrets", "deploy/charts/external-secrets",
     ["--set", "installCRDs=false,webhook.create=false,certController.create=false,serviceMonitor.enabled=true,replicaCount=2,"
               "podDisruptionBudget.enabled=true", "--api-versions", "monitoring.coreos.com/v1/ServiceMonitor"]),
    ("longhorn-custom", "longhorn+longhorn", "chart",
     ["--set", "ingress.enabled=true,ingress.host=lh.example.org,metrics.serviceMonitor.enabled=true,persistence.defaultClassReplicaCount=2,"
               "defaultSettings.backupTarget=s3://b@r/,networkPolicies.enabled=true", "--is-upgrade"]),
]


def git(repo, *args, **kw):
    gitdir = os.path.join(MIRROR, repo, "repo")
    if os.path.isdir(os.path.join(gitdir, ".git")):
        gitdir = os.path.join(gitdir, ".git")
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True, capture_output=True, **kw).stdout


_index = {}


def chart_index(repo):
    """Chart name -> path of its directory in the snapshot."""
    if repo not in _index:
        found = {}
        dirs = [os.path.dirname(p) or "." for p in git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
                if p.endswith("/Chart.yaml") or p == "Chart.yaml"]
        for d in dirs:
            # Charts nested in another chart's charts/ are that chart's own copies; test fixtures are not charts.
            if "/test" in d or "fixtures" in d or any(d.startswith(o + "/") for o in dirs if o != "."):
                continue
            path = d + "/Chart.yaml" if d != "." else "Chart.yaml"
            if True:
                try:
                    name = yaml.safe_load(git(repo, "show", "HEAD:" + path))["name"]
                except Exception:
                    continue
                found.setdefault(name, d)
        _index[repo] = found
    return _index[repo]


def extract(repo, path, dest):
    os.makedirs(dest, exist_ok=True)
    args = ["archive", "HEAD"] + ([] if path == "." else [path])
    data = git(repo, *args)
    strip = 0 if path == "." else path.count("/") + 1
    subprocess.run(["tar", "-x", "-C", dest, f"--strip-components={strip}"], input=data, check=True)


def vendor(repo, chart_dir):
    meta = yaml.safe_load(open(os.path.join(chart_dir, "Chart.yaml")))
    for dep in meta.get("dependencies") or []:
        name = dep["name"]
        target = os.path.join(chart_dir, "charts", name)
        charts = os.path.join(chart_dir, "charts")
        packed = os.listdir(charts) if os.path.isdir(charts) else []
        if os.path.isdir(target) or any(f.startswith(name + "-") and f.endswith(".tgz") for f in packed):
            continue
        source = None
        for r in [repo] + sorted(os.listdir(MIRROR)):
            if os.path.isdir(os.path.join(MIRROR, r, "repo")) and name in chart_index(r):
                source = (r, chart_index(r)[name])
                break
        if source is None:
            print(f"  cannot vendor {name} for {chart_dir}", file=sys.stderr)
            continue
        extract(source[0], source[1], target)
        vendor(source[0], target)


def run(cmd, stdin=None):
    p = subprocess.run(cmd, capture_output=True, env={**os.environ, "TZ": "UTC", "HELM_CACHE_HOME": "/tmp/helm-wider/h/c",
                                                      "HELM_CONFIG_HOME": "/tmp/helm-wider/h/f", "HELM_DATA_HOME": "/tmp/helm-wider/h/d"})
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/helm-wider")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--all-from", nargs="*", default=[],
                    help="also render every chart of these snapshots (e.g. bitnami+charts), default values")
    args = ap.parse_args()
    cases = list(CHARTS)
    for repo in args.all_from:
        for name, path in sorted(chart_index(repo).items()):
            cases.append((f"{repo.split('+')[0]}-{name}-all", repo, path, []))
    os.makedirs(os.path.join(args.work, "diffs"), exist_ok=True)
    counts = {}
    for name, repo, path, flags in cases:
        if args.only and name not in args.only and not name.endswith("-all"):
            continue
        chart_dir = os.path.join(args.work, "charts", repo + "_" + path.replace("/", "_"))
        if not os.path.isdir(chart_dir):
            extract(repo, path, chart_dir)
            vendor(repo, chart_dir)
        helm = run([HELM, "template", "rel", chart_dir, "-n", "ns", *flags])
        tide = run(["dotnet", TIDE, "helm", "template", "rel", chart_dir, "-n", "ns", *flags])
        # The second helm run comes a second later, so that time-derived lines differ too.
        time.sleep(1)
        again = run([HELM, "template", "rel", chart_dir, "-n", "ns", *flags])
        # Lines that differ between two helm renders carry random or time-derived data (passwords, certificates):
        # they only have to be there, in the same place.
        random = [i for i, (a, b) in enumerate(zip(helm[1].split("\n"), again[1].split("\n"))) if a != b]
        if helm[0] != 0 and tide[0] != 0:
            status = "match(both-fail)" if helm[2] == tide[2] else "DIFF-ERROR"
        elif helm[0] != 0:
            status = "HELM-FAILS"
        elif tide[0] != 0:
            status = "TIDE-FAILS"
        else:
            status = "match" if helm[1] == tide[1] else "DIFF"
            if status == "DIFF" and random and len(helm[1].split("\n")) == len(tide[1].split("\n")):
                a, b = helm[1].split("\n"), tide[1].split("\n")
                for i in random:
                    a[i] = b[i] = ""
                status = "match(random)" if a == b else "DIFF"
        counts[status] = counts.get(status, 0) + 1
        detail = ""
        if status != "match":
            with open(os.path.join(args.work, "diffs", name + ".diff"), "w") as f:
                f.write(f"helm exit {helm[0]}\n{helm[2]}\ntide exit {tide[0]}\n{tide[2]}\n")
                f.writelines(difflib.unified_diff(helm[1].splitlines(True), tide[1].splitlines(True), "helm", "tide", n=2))
            detail = (tide[2] or helm[2]).strip().splitlines()[0][:160] if (tide[2] or helm[2]).strip() else ""
        print(f"{status:18} {name:28} {detail}", flush=True)
    print("summary:", ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
