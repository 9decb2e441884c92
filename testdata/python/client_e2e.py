"""Drives the official Kubernetes python client (Debian's python3-kubernetes) against a cluster.

Usage: /usr/bin/python3 client_e2e.py <kubeconfig>
Prints one line per observation; src/e2e/python-client.test.ts compares them with what kube-apiserver answers.
"""
import ipaddress
import json
import sys
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

NS = 'py-e2e'


def out(*parts):
    print(' '.join(str(p) for p in parts), flush=True)


def failure(fn, *args, **kwargs):
    """The ApiException a call raises, as (status, HTTP reason, Status body)."""
    try:
        fn(*args, **kwargs)
    except ApiException as e:
        return e.status, e.reason, json.loads(e.body)
    raise AssertionError('%s did not fail' % fn.__name__)


def show_failure(label, fn, *args, **kwargs):
    status, reason, body = failure(fn, *args, **kwargs)
    details = body.get('details', {})
    out(label, status, reason, body['kind'], body['status'], body['reason'], body['code'])
    # only the first line: upstream appends go-cmp diffs whose spacing is randomised on purpose
    out(label, 'message', body['message'].split('\n')[0])
    for cause in details.get('causes', []):
        cause['message'] = cause.get('message', '').split('\n')[0]
    out(label, 'details', json.dumps(details, sort_keys=True))


def sorted_dict(d):
    return json.dumps(d or {}, sort_keys=True)


def merge_patch(api_client, path, body, response_type):
    """A JSON merge patch: the generated methods send dicts as strategic merge patches."""
    return api_client.call_api(
        path, 'PATCH', header_params={'Content-Type': 'application/merge-patch+json', 'Accept': 'application/json'},
        body=body, response_type=response_type, auth_settings=['BearerToken'], _return_http_data_only=True)


def namespaces(core):
    ns, status, _ = core.create_namespace_with_http_info(
        client.V1Namespace(metadata=client.V1ObjectMeta(name=NS, labels={'team': 'py'})))
    out('namespace create', status, ns.metadata.name, ns.status.phase, sorted_dict(ns.metadata.labels))
    ns = core.patch_namespace(NS, {'metadata': {'labels': {'tier': 'test'}}})
    out('namespace patch', sorted_dict(ns.metadata.labels))
    ns = core.read_namespace(NS)
    out('namespace read', ns.spec.finalizers, ns.status.phase)
    show_failure('namespace create again', core.create_namespace, client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))


def configmaps(core, api_client):
    cm, status, _ = core.create_namespaced_config_map_with_http_info(
        NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name='cfg'), data={'a': '1'}))
    out('configmap create', status, cm.metadata.name, cm.metadata.namespace, sorted_dict(cm.data))
    stale = cm.metadata.resource_version
    cm.data = {'a': '2', 'b': 'x'}
    cm = core.replace_namespaced_config_map('cfg', NS, cm)
    out('configmap replace', sorted_dict(cm.data), cm.metadata.resource_version != stale)
    cm = core.patch_namespaced_config_map('cfg', NS, {'data': {'c': '3'}})
    out('configmap strategic patch', sorted_dict(cm.data))
    cm = merge_patch(api_client, '/api/v1/namespaces/%s/configmaps/cfg' % NS, {'data': {'b': None}}, 'V1ConfigMap')
    out('configmap merge patch', sorted_dict(cm.data))
    cm = core.patch_namespaced_config_map('cfg', NS, [
        {'op': 'replace', 'path': '/data/a', 'value': '4'},
        {'op': 'add', 'path': '/data/d', 'value': '5'},
        {'op': 'remove', 'path': '/data/c'},
    ])
    out('configmap json patch', sorted_dict(cm.data))
    cm = core.read_namespaced_config_map('cfg', NS)
    out('configmap read', sorted_dict(cm.data))
    old = client.V1ConfigMap(metadata=client.V1ObjectMeta(name='cfg', resource_version=stale), data={'a': 'stale'})
    show_failure('configmap stale replace', core.replace_namespaced_config_map, 'cfg', NS, old)
    show_failure('configmap bad json patch', core.patch_namespaced_config_map, 'cfg', NS, [{'op': 'test', 'path': '/data/a', 'value': 'nope'}])
    show_failure('configmap invalid', core.create_namespaced_config_map, NS,
                 client.V1ConfigMap(metadata=client.V1ObjectMeta(name='Bad_Name'), data={'k': 'v'}))
    st = core.delete_namespaced_config_map('cfg', NS)
    out('configmap delete', st.kind, st.status, st.details.name, st.details.kind)
    show_failure('configmap read deleted', core.read_namespaced_config_map, 'cfg', NS)
    show_failure('configmap delete deleted', core.delete_namespaced_config_map, 'cfg', NS)


def secrets(core):
    s = core.create_namespaced_secret(NS, client.V1Secret(
        metadata=client.V1ObjectMeta(name='creds'), string_data={'user': 'admin'}, type='Opaque'))
    out('secret create', s.type, sorted_dict(s.data), s.string_data)
    s = core.patch_namespaced_secret('creds', NS, {'stringData': {'pass': 's3cret'}})
    out('secret patch', sorted_dict(s.data))
    s.data['user'] = 'cm9vdA=='
    s = core.replace_namespaced_secret('creds', NS, s)
    out('secret replace', sorted_dict(s.data))
    show_failure('secret invalid type change', core.patch_namespaced_secret, 'creds', NS, {'type': 'kubernetes.io/tls'})
    st = core.delete_namespaced_secret('creds', NS, body=client.V1DeleteOptions(grace_period_seconds=0))
    out('secret delete', st.status, st.details.name, st.details.kind)


def services(core):
    svc, status, _ = core.create_namespaced_service_with_http_info(NS, client.V1Service(
        metadata=client.V1ObjectMeta(name='web', labels={'app': 'web'}),
        spec=client.V1ServiceSpec(selector={'app': 'web'}, ports=[client.V1ServicePort(name='http', port=80, target_port=8080)])))
    ip = ipaddress.ip_address(svc.spec.cluster_ip)
    out('service create', status, svc.spec.type, ip in ipaddress.ip_network('10.96.0.0/12'), svc.spec.cluster_i_ps == [svc.spec.cluster_ip],
        repr(svc.spec.session_affinity), svc.spec.ip_families, svc.spec.ip_family_policy, svc.spec.internal_traffic_policy)
    out('service ports', [(p.name, p.protocol, p.port, p.target_port) for p in svc.spec.ports])
    svc = core.patch_namespaced_service('web', NS, {'spec': {'ports': [{'name': 'https', 'port': 443, 'targetPort': 8443}]}})
    out('service strategic patch', [(p.name, p.port, p.target_port) for p in svc.spec.ports])
    show_failure('service cluster ip change', core.patch_namespaced_service, 'web', NS, {'spec': {'clusterIP': '10.96.0.1'}})
    st = core.delete_namespaced_service('web', NS)
    # services answer a DELETE with the deleted object, which the client reads as a V1Status
    out('service delete', st.kind, st.api_version)


def pods(core):
    pod, status, _ = core.create_namespaced_pod_with_http_info(NS, client.V1Pod(
        metadata=client.V1ObjectMeta(name='p1', labels={'app': 'p', 'n': '1'}),
        spec=client.V1PodSpec(containers=[client.V1Container(name='c', image='busybox:1.36', command=['sleep', '3600'])])))
    c = pod.spec.containers[0]
    out('pod create', status, pod.metadata.name, pod.spec.restart_policy, pod.spec.dns_policy, pod.spec.scheduler_name,
        pod.spec.termination_grace_period_seconds, pod.spec.service_account_name, pod.spec.priority, pod.spec.preemption_policy)
    out('pod enableServiceLinks', pod.spec.enable_service_links)
    out('pod container', c.image_pull_policy, c.termination_message_path, c.termination_message_policy)
    out('pod tolerations', sorted((t.key, t.effect, t.toleration_seconds) for t in pod.spec.tolerations or []))
    core.create_namespaced_pod(NS, client.V1Pod(
        metadata=client.V1ObjectMeta(name='p2', labels={'app': 'p', 'n': '2'}),
        spec=client.V1PodSpec(containers=[client.V1Container(name='c', image='busybox:1.36')])))
    names = lambda l: [i.metadata.name for i in l.items]
    out('pod list app=p', names(core.list_namespaced_pod(NS, label_selector='app=p')))
    out('pod list n!=1', names(core.list_namespaced_pod(NS, label_selector='app=p,n!=1')))
    out('pod list name=p1', names(core.list_namespaced_pod(NS, field_selector='metadata.name=p1')))
    out('pod list all namespaces', names(core.list_pod_for_all_namespaces(label_selector='app=p')))
    pod = core.patch_namespaced_pod('p1', NS, {'metadata': {'labels': {'n': None, 'x': 'y'}}})
    out('pod patch labels', sorted_dict(pod.metadata.labels))
    show_failure('pod immutable image change', core.patch_namespaced_pod, 'p1', NS,
                 {'spec': {'containers': [{'name': 'c', 'command': ['true']}]}})
    for name in ('p1', 'p2'):
        p = core.delete_namespaced_pod(name, NS, body=client.V1DeleteOptions(grace_period_seconds=0))
        out('pod delete', p.metadata.name, p.kind)
    show_failure('pod read deleted', core.read_namespaced_pod, 'p1', NS)


def deployments(apps):
    labels = {'app': 'web'}
    dep = apps.create_namespaced_deployment(NS, client.V1Deployment(
        metadata=client.V1ObjectMeta(name='web'),
        spec=client.V1DeploymentSpec(
            replicas=2, selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name='web', image='nginx:1.27')])))))
    s = dep.spec
    out('deployment create', dep.metadata.name, s.replicas, s.strategy.type, s.strategy.rolling_update.max_surge,
        s.strategy.rolling_update.max_unavailable, s.revision_history_limit, s.progress_deadline_seconds, dep.metadata.generation)
    scale = apps.read_namespaced_deployment_scale('web', NS)
    out('scale read', scale.kind, scale.api_version, scale.spec.replicas, scale.status.selector)
    scale = apps.patch_namespaced_deployment_scale('web', NS, {'spec': {'replicas': 3}})
    out('scale patch', scale.spec.replicas)
    scale.spec.replicas = 4
    scale = apps.replace_namespaced_deployment_scale('web', NS, scale)
    out('scale replace', scale.spec.replicas)
    dep = apps.read_namespaced_deployment('web', NS)
    out('deployment read', dep.spec.replicas, dep.metadata.generation)
    show_failure('scale negative', apps.patch_namespaced_deployment_scale, 'web', NS, {'spec': {'replicas': -1}})
    show_failure('deployment selector mismatch', apps.create_namespaced_deployment, NS, {
        'metadata': {'name': 'bad'},
        'spec': {'selector': {'matchLabels': {'app': 'a'}},
                 'template': {'metadata': {'labels': {'app': 'b'}}, 'spec': {'containers': [{'name': 'c', 'image': 'i'}]}}}})
    st = apps.delete_namespaced_deployment('web', NS, body=client.V1DeleteOptions(propagation_policy='Background'))
    out('deployment delete', st.kind, st.status, st.details.name, st.details.group, st.details.kind)
    show_failure('deployment read deleted', apps.read_namespaced_deployment, 'web', NS)
    show_failure('delete bad propagation', apps.delete_namespaced_deployment, 'web', NS,
                 body=client.V1DeleteOptions(propagation_policy='Sideways'))


def paging(core):
    for i in range(1, 6):
        core.create_namespaced_config_map(NS, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name='page-%d' % i, labels={'set': 'page', 'odd': str(i % 2 == 1).lower()})))
    token, page = None, 0
    while True:
        page += 1
        kwargs = {'label_selector': 'set=page', 'limit': 2}
        if token:
            kwargs['_continue'] = token
        l = core.list_namespaced_config_map(NS, **kwargs)
        token = l.metadata._continue
        out('page', page, [i.metadata.name for i in l.items], l.metadata.remaining_item_count, bool(token))
        if not token:
            break
    l = core.list_namespaced_config_map(NS, limit=4)
    out('unfiltered page', [i.metadata.name for i in l.items], l.metadata.remaining_item_count)
    l = core.list_namespaced_config_map(NS, limit=4, _continue=l.metadata._continue)
    out('unfiltered page', [i.metadata.name for i in l.items], l.metadata.remaining_item_count, l.metadata._continue)
    l = core.list_namespaced_config_map(NS, label_selector='set=page,odd=true', field_selector='metadata.name!=page-3')
    out('list odd not page-3', [i.metadata.name for i in l.items])
    show_failure('list bad field selector', core.list_namespaced_config_map, NS, field_selector='data.x=1')
    st = core.delete_collection_namespaced_config_map(NS, label_selector='odd=false')
    out('delete collection', st.kind, st.status)
    out('after delete collection', [i.metadata.name for i in core.list_namespaced_config_map(NS, label_selector='set=page').items])


def watching(core):
    rv = core.list_namespaced_config_map(NS).metadata.resource_version
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name='w1', labels={'w': 'yes'}), data={'v': '1'}))
    core.patch_namespaced_config_map('w1', NS, {'data': {'v': '2'}})
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name='w2'), data={'v': '1'}))
    core.delete_namespaced_config_map('w1', NS)
    w = watch.Watch()
    started = time.time()
    for ev in w.stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=1):
        out('watch', ev['type'], ev['object'].metadata.name, sorted_dict(ev['object'].data), type(ev['object']).__name__)
    out('watch ended by timeout', 0.5 < time.time() - started < 10)
    for ev in watch.Watch().stream(core.list_namespaced_config_map, NS, resource_version=rv, label_selector='w=yes', timeout_seconds=1):
        out('watch w=yes', ev['type'], ev['object'].metadata.name)


def finish(core):
    ns = core.delete_namespace(NS)
    out('namespace delete', ns.kind)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            core.read_namespace(NS)
        except ApiException as e:
            out('namespace gone', e.status)
            return
        time.sleep(0.2)
    out('namespace still there after 30s')


def main():
    config.load_kube_config(config_file=sys.argv[1])
    api_client = client.ApiClient()
    core = client.CoreV1Api(api_client)
    apps = client.AppsV1Api(api_client)
    namespaces(core)
    configmaps(core, api_client)
    secrets(core)
    services(core)
    pods(core)
    deployments(apps)
    paging(core)
    watching(core)
    finish(core)
    out('done')


if __name__ == '__main__':
    main()
