#!/usr/bin/python3
"""deploy/k8s manifests agree with the binary they run.

usage: test_deploy.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

Every `ecfacts ...` command line in the manifests parses (its subcommand and
flags, checked by running it with --help), every ECFACTS_* variable set is
one the server documents, probe paths are routes of the server, the Service
selects the replicas' pods and port, and every pod runs non-root on a
read-only root filesystem without privilege escalation. No cluster needed."""
import glob
import os
import re
import shlex
import subprocess
import sys

import yaml

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

K8S = os.path.join(E.REPO, "deploy", "k8s")


def containers(doc):
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec["template"]["spec"]
    return pod, pod.get("containers", [])


def ecfacts_lines(c):
    """Each ecfacts invocation of a container, as an argv without 'ecfacts'."""
    out = []
    if c.get("command", [None])[0] in (None, "/usr/local/bin/ecfacts", "ecfacts") and "args" in c \
            and c.get("command") is None:
        out.append(list(c["args"]))
    for a in c.get("args", []) if c.get("command") else []:
        for line in a.splitlines():
            line = line.split("||")[0].split("&&")[0].strip()
            if line.startswith("ecfacts "):
                out.append(shlex.split(line)[1:])
    return out


def main(tap):
    exe, _ = E.binary_from_argv()
    docs = []
    for path in sorted(glob.glob(os.path.join(K8S, "*.yaml"))):
        with open(path) as f:
            docs.extend(d for d in yaml.safe_load_all(f) if d)
    kinds = sorted({d["kind"] for d in docs})
    tap.eq(kinds, ["ConfigMap", "CronJob", "Deployment", "PersistentVolumeClaim", "Service"],
           "the manifests hold the expected kinds")
    routes = subprocess.run([exe, "routes"], capture_output=True, text=True).stdout.split("\n")
    paths = {ln.split(" ", 1)[1] for ln in routes if " " in ln}
    serve_help = subprocess.run([exe, "serve", "--help"], capture_output=True, text=True).stdout
    env_known = set(re.findall(r"env (ECFACTS_[A-Z_]+)", serve_help)) | {"ECFACTS_TOKEN"}
    deployment = None
    for d in docs:
        if d["kind"] not in ("Deployment", "CronJob"):
            continue
        if d["kind"] == "Deployment":
            deployment = d
        pod, cs = containers(d)
        name = d["metadata"]["name"]
        psc = pod.get("securityContext", {})
        tap.ok(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0,
               "%s: pods run as a non-root user" % name)
        for c in cs:
            sc = c.get("securityContext", {})
            tap.ok(sc.get("readOnlyRootFilesystem") is True and
                   sc.get("allowPrivilegeEscalation") is False and
                   sc.get("capabilities", {}).get("drop") == ["ALL"],
                   "%s/%s: read-only root, no escalation, no capabilities" % (name, c["name"]))
            tap.ok("resources" in c and "requests" in c["resources"],
                   "%s/%s: resource requests set" % (name, c["name"]))
            lines = ecfacts_lines(c)
            tap.ok(len(lines) > 0, "%s/%s: runs ecfacts" % (name, c["name"]))
            for argv in lines:
                p = subprocess.run([exe] + argv + ["--help"], capture_output=True, text=True,
                                   timeout=30)
                tap.eq(p.returncode, 0, "%s: `ecfacts %s` parses" % (name, " ".join(argv)))
            for e in c.get("env", []):
                tap.ok(e["name"] in env_known, "%s: %s is a documented setting" % (name, e["name"]),
                       "one of serve --help's variables", e["name"])
            for probe in ("readinessProbe", "livenessProbe"):
                if probe in c:
                    tap.ok(c[probe]["httpGet"]["path"] in paths,
                           "%s: %s path %s is a route" % (name, probe, c[probe]["httpGet"]["path"]))
    tap.ok(deployment is not None, "there is a replica Deployment")
    if deployment:
        pod, cs = containers(deployment)
        args = cs[0].get("args", [])
        tap.ok("--read-only" in args, "replicas serve snapshots read-only")
        tap.ok(all(v.get("readOnly") for v in cs[0].get("volumeMounts", [])
                   if v["name"] == "snapshots"), "replicas mount the snapshots read-only")
        svc = next(d for d in docs if d["kind"] == "Service")
        labels = pod and deployment["spec"]["template"]["metadata"]["labels"]
        tap.ok(all(labels.get(k) == v for k, v in svc["spec"]["selector"].items()),
               "the Service selects the replica pods")
        ports = {p["name"] for p in cs[0].get("ports", [])}
        tap.ok(all(p["targetPort"] in ports for p in svc["spec"]["ports"]),
               "the Service's targetPort is a named container port")


if __name__ == "__main__":
    E.run_main("deploy", main)
