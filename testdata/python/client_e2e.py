"""The Kubernetes python client (Debian's python3-kubernetes) used as a program would use it against a
cluster. Prints one line per check; any failure raises. Usage: client_e2e.py <kubeconfig>"""
import json
import sys
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()
NS = "py"


def check(name, cond, got=None):
    if not cond:
        raise SystemExit(f"FAILED: {name}" + (f": got {got!r}" if got is not None else ""))
    print(f"ok {name}")


def expect_error(fn, status, reason):
    try:
        fn()
    except ApiException as e:
        body = json.loads(e.body)
        check(f"{status} {reason}", e.status == status and body["reason"] == reason and body["kind"] == "Status")
        return body
    raise SystemExit(f"FAILED: expected {status} {reason}")


core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
check("namespace created", core.read_namespace(NS).status.phase == "Active")

cm = core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cfg", labels={"app": "py"}), data={"a": "1"}))
check("configmap created", cm.metadata.resource_version and cm.data == {"a": "1"})
cm.data["b"] = "2"
cm = core.replace_namespaced_config_map("cfg", NS, cm)
check("configmap replaced", cm.data == {"a": "1", "b": "2"})
cm = core.patch_namespaced_config_map("cfg", NS, {"data": {"c": "3"}})
check("strategic merge patch", cm.data == {"a": "1", "b": "2", "c": "3"})
cm = core.patch_namespaced_config_map("cfg", NS, [{"op": "remove", "path": "/data/a"}])
check("json patch", cm.data == {"b": "2", "c": "3"})
body = expect_error(lambda: core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cfg"))), 409, "AlreadyExists")
check("conflict details", body["details"] == {"name": "cfg", "kind": "configmaps"})
expect_error(lambda: core.read_namespaced_config_map("nope", NS), 404, "NotFound")
body = expect_error(lambda: core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="Bad_Name"))), 422, "Invalid")
check("invalid field path", body["details"]["causes"][0]["field"] == "metadata.name")

secret = core.create_namespaced_secret(NS, client.V1Secret(metadata=client.V1ObjectMeta(name="s"), string_data={"k": "v"}))
check("secret stringData stored as data", secret.data == {"k": "dg=="} and secret.type == "Opaque")

svc = core.create_namespaced_service(NS, client.V1Service(metadata=client.V1ObjectMeta(name="web"), spec=client.V1ServiceSpec(selector={"app": "py"}, ports=[client.V1ServicePort(port=80, target_port=8080)])))
check("service gets a cluster IP", svc.spec.cluster_ip and svc.spec.cluster_ip.startswith("10."))

for i in range(5):
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name=f"page-{i}", labels={"page": "yes"})))
first = core.list_namespaced_config_map(NS, label_selector="page=yes", limit=2)
# with a label selector the server cannot count what is left, so it says nothing (as upstream)
check("limit", len(first.items) == 2 and first.metadata._continue and first.metadata.remaining_item_count is None, (len(first.items), first.metadata))
rest = core.list_namespaced_config_map(NS, label_selector="page=yes", limit=10, _continue=first.metadata._continue)
check("continue", [c.metadata.name for c in rest.items] == ["page-2", "page-3", "page-4"])
check("field selector", [c.metadata.name for c in core.list_namespaced_config_map(NS, field_selector="metadata.name=cfg").items] == ["cfg"])

rv = core.list_namespaced_config_map(NS).metadata.resource_version
core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="watched")))
core.delete_namespaced_config_map("watched", NS)
seen = []
w = watch.Watch()
for ev in w.stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=5):
    seen.append((ev["type"], ev["object"].metadata.name))
    if len(seen) == 2:
        w.stop()
check("watch from a resourceVersion", seen == [("ADDED", "watched"), ("DELETED", "watched")])

dep = apps.create_namespaced_deployment(NS, client.V1Deployment(
    metadata=client.V1ObjectMeta(name="web"),
    spec=client.V1DeploymentSpec(replicas=1, selector=client.V1LabelSelector(match_labels={"app": "web"}),
                                 template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels={"app": "web"}),
                                                                   spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="nginx")])))))
check("deployment defaults", dep.spec.strategy.type == "RollingUpdate" and dep.spec.revision_history_limit == 10)
scale = apps.read_namespaced_deployment_scale("web", NS)
check("scale read", scale.spec.replicas == 1 and scale.status.selector == "app=web")
scale = apps.patch_namespaced_deployment_scale("web", NS, {"spec": {"replicas": 3}})
check("scale patched", scale.spec.replicas == 3 and apps.read_namespaced_deployment("web", NS).spec.replicas == 3)

pod = core.create_namespaced_pod(NS, client.V1Pod(metadata=client.V1ObjectMeta(name="p"), spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox")])))
check("pod created pending", pod.status.phase == "Pending")
core.delete_namespaced_pod("p", NS, body=client.V1DeleteOptions(grace_period_seconds=0))
expect_error(lambda: core.read_namespaced_pod("p", NS), 404, "NotFound")

core.delete_namespaced_config_map("cfg", NS, body=client.V1DeleteOptions(propagation_policy="Foreground"))
held = core.read_namespaced_config_map("cfg", NS)
check("foreground delete leaves a finalizer", held.metadata.deletion_timestamp and "foregroundDeletion" in held.metadata.finalizers)
core.patch_namespaced_config_map("cfg", NS, {"metadata": {"finalizers": None}})
expect_error(lambda: core.read_namespaced_config_map("cfg", NS), 404, "NotFound")

core.delete_namespace(NS)
gone = False
for _ in range(200):
    try:
        core.read_namespace(NS)
    except ApiException as e:
        gone = e.status == 404
        break
    time.sleep(0.05)
check("namespace deleted with its content", gone)
print("done")
