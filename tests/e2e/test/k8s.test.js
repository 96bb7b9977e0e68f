'use strict';
// The Kubernetes manifests of k8s/ (no cluster here: they are checked, not applied). Every object validates against
// the Kubernetes API schemas (npm kubernetes-models, plus unknown fields), every kustomization renders, and the
// rendered objects keep the invariants the silo depends on, read from the silo's own source where it has them:
// setting names (silo/SiloOptions.cs), shutdown timeout (silo/SiloHost.cs), Orleans service id
// (silo/Hosting/OrleansSetup.cs), the metrics path (silo/Hosting/SiloTelemetry.cs), image name and ports
// (silo/StriveNetwork.Silo.csproj). Each check is a function
// returning its problems; the last tests break a rendered copy on purpose to show every check can fail.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT } = require('../lib/silo');
const K = require('../lib/k8s');
const { validateObject } = require('../lib/k8s-schema');
const YAML = require('yaml');

// --- facts from the silo's source ---------------------------------------------------------------------------------

const source = (file) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

function siloFacts() {
  const options = source('silo/SiloOptions.cs');
  const block = /EnvironmentNames \{ get; \} = new Dictionary<string, string>\s*\{([\s\S]*?)\};/.exec(options);
  const secretBlock = /SecretEnvironmentNames \{ get; \} = \[([^\]]*)\]/.exec(options);
  const shutdown = /ShutdownTimeout = TimeSpan\.FromSeconds\((\d+)\)/.exec(source('silo/SiloHost.cs'));
  const serviceId = /const string ServiceId = "([^"]+)"/.exec(source('silo/Hosting/OrleansSetup.cs'));
  const metricsPath = /const string MetricsPath = "([^"]+)"/.exec(source('silo/Hosting/SiloTelemetry.cs'));
  const csproj = source('silo/StriveNetwork.Silo.csproj');
  const property = (name) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(csproj)?.[1];
  assert.ok(block && secretBlock && shutdown && serviceId && metricsPath, 'the silo source no longer has the shapes this test reads');
  const facts = {
    settingNames: new Set([...block[1].matchAll(/\["(STRIVE_[A-Z0-9_]+)"\]/g)].map((m) => m[1])),
    secretNames: new Set([...secretBlock[1].matchAll(/"(STRIVE_[A-Z0-9_]+)"/g)].map((m) => m[1])),
    shutdownSeconds: Number(shutdown[1]),
    serviceId: serviceId[1],
    metricsPath: metricsPath[1],
    image: `${property('ContainerRepository')}:${property('ContainerImageTag')}`,
    imagePorts: new Set([...csproj.matchAll(/<ContainerPort Include="(\d+)"/g)].map((m) => Number(m[1]))),
    containerUser: property('ContainerUser'),
  };
  assert.ok(facts.settingNames.size >= 10 && facts.secretNames.size >= 2, 'too few setting names parsed from SiloOptions.cs');
  assert.ok(facts.imagePorts.size === 4 && facts.containerUser, 'container properties missing from the silo project');
  return facts;
}

const FACTS = siloFacts();
const SECRET_TEMPLATE = path.join(K.K8S_DIR, 'base', 'secret.template.yaml');
const SECRET = K.loadYamlFile(SECRET_TEMPLATE)[0];
const SECRET_KEYS = new Set(Object.keys(SECRET.stringData ?? {}));
// The UID of the `app` user of the mcr.microsoft.com/dotnet images (ContainerUser).
const APP_UID = 1654;
// Variables the silo container may have besides STRIVE_* settings: Downward API and Orleans' Kubernetes hosting; and
// OpenTelemetry's standard OTEL_* ones (OTLP export, docs/service.md), which an overlay may add.
const OTHER_SILO_ENV = new Set(['POD_NAME', 'POD_NAMESPACE', 'POD_IP', 'ORLEANS_SERVICE_ID', 'ORLEANS_CLUSTER_ID', 'ASPNETCORE_HTTP_PORTS']);
// The namespace label that admits a scraper to the unauthenticated metrics port (networkpolicy.yaml).
const MONITORING_LABEL = ['strive.network/monitoring', 'true'];
const LOOKS_SECRET = /password\s*=|accountkey\s*=|sharedaccesssignature\s*=|\bsig=|snt_[A-Za-z0-9_-]{20,}/i;

const RENDERS = ['base', ...K.overlayNames()];
const OVERLAYS = K.overlayNames();
const render = (name) => K.renderKustomization(name);

// --- helpers ------------------------------------------------------------------------------------------------------

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']);
const workloads = (objects) => objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
const podLabels = (w) => (w.kind === 'Pod' ? w.metadata.labels : w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template.metadata.labels : w.spec.template.metadata.labels) ?? {};
const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** Whether a label selector (matchLabels only; matchExpressions are refused) selects `labels`. */
function selects(selector, labels) {
  if (!selector || selector.matchExpressions?.length) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function siloConfig(objects) {
  const { deployment, container, podSpec } = K.siloWorkload(objects);
  const refs = (container.envFrom ?? []).map((s) => s.configMapRef?.name).filter(Boolean);
  const data = Object.assign({}, ...refs.map((name) => find(objects, 'ConfigMap', name)?.data ?? {}));
  const port = (name) => container.ports?.find((p) => p.name === name)?.containerPort;
  return { deployment, container, podSpec, data, ports: { grpc: port('grpc'), silo: port('silo'), dashboard: port('dashboard'), metrics: port('metrics') } };
}

// --- checks: each returns a list of problems ----------------------------------------------------------------------

/** Selectors match pod labels: workloads, Services (and their target ports), PDBs, NetworkPolicies, HPAs, spreads. */
function checkSelectors(objects) {
  const problems = [];
  const pods = workloads(objects);
  for (const w of pods.filter((o) => o.spec?.selector)) {
    if (!selects(w.spec.selector, podLabels(w))) problems.push(`${w.kind} ${w.metadata.name}: selector does not select its own pod template`);
    for (const c of w.spec.template?.spec?.topologySpreadConstraints ?? []) {
      if (!selects(c.labelSelector, podLabels(w))) problems.push(`${w.kind} ${w.metadata.name}: a topology spread constraint does not select its pods`);
    }
    if (w.kind === 'StatefulSet' && !find(objects, 'Service', w.spec.serviceName)) problems.push(`StatefulSet ${w.metadata.name}: no Service ${w.spec.serviceName}`);
  }
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const targets = pods.filter((w) => s.spec.selector && Object.keys(s.spec.selector).length > 0 && selects({ matchLabels: s.spec.selector }, podLabels(w)));
    if (targets.length === 0) { problems.push(`Service ${s.metadata.name}: selects no pods`); continue; }
    for (const p of s.spec.ports) {
      const ok = targets.every((w) => K.containersOf(w).some((c) => (c.ports ?? []).some((cp) =>
        (typeof p.targetPort === 'string' ? cp.name === p.targetPort : cp.containerPort === (p.targetPort ?? p.port)))));
      if (!ok) problems.push(`Service ${s.metadata.name}: port ${p.name} targets ${p.targetPort}, which its pods do not have`);
    }
  }
  for (const o of objects.filter((x) => x.kind === 'PodDisruptionBudget' || x.kind === 'NetworkPolicy')) {
    const selector = o.kind === 'NetworkPolicy' ? o.spec.podSelector : o.spec.selector;
    if (!pods.some((w) => selects(selector, podLabels(w)))) problems.push(`${o.kind} ${o.metadata.name}: selects no pods`);
  }
  for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = h.spec.scaleTargetRef;
    if (!find(objects, ref.kind, ref.name) || ref.apiVersion !== find(objects, ref.kind, ref.name).apiVersion) problems.push(`HPA ${h.metadata.name}: target ${ref.kind} ${ref.name} does not exist`);
  }
  return problems;
}

/** Ports of the silo container = its settings = the image's; probes are gRPC on the gRPC port; grace > shutdown + preStop. */
function checkSiloProbesAndShutdown(objects) {
  const problems = [];
  const { container, podSpec, data, ports } = siloConfig(objects);
  for (const [name, setting] of [['grpc', 'STRIVE_GRPC_PORT'], ['silo', 'STRIVE_SILO_PORT'], ['dashboard', 'STRIVE_DASHBOARD_PORT'], ['metrics', 'STRIVE_METRICS_PORT']]) {
    if (ports[name] === undefined) problems.push(`silo container has no port named ${name}`);
    else if (String(ports[name]) !== data[setting]) problems.push(`silo port ${name} ${ports[name]} differs from ${setting}=${data[setting]}`);
  }
  const declared = new Set((container.ports ?? []).map((p) => p.containerPort));
  if ([...declared].sort().join() !== [...FACTS.imagePorts].sort().join()) problems.push(`container ports ${[...declared]} differ from the image's ContainerPort items ${[...FACTS.imagePorts]}`);
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const p = container[probe];
    if (!p) { problems.push(`silo has no ${probe}`); continue; }
    const handlers = ['grpc', 'httpGet', 'tcpSocket', 'exec'].filter((h) => p[h]);
    if (handlers.join() !== 'grpc') problems.push(`${probe} uses ${handlers.join('+') || 'nothing'}, not gRPC health`);
    else if (p.grpc.port !== ports.grpc) problems.push(`${probe} checks port ${p.grpc.port}, not the gRPC port ${ports.grpc}`);
    else if (p.grpc.service) problems.push(`${probe} checks service '${p.grpc.service}', not the server ('')`);
  }
  const preStop = container.lifecycle?.preStop;
  const pause = preStop?.sleep?.seconds;
  if (!Number.isInteger(pause) || pause < 1) problems.push('silo has no preStop sleep (endpoints must drop the pod before SIGTERM)');
  const grace = podSpec.terminationGracePeriodSeconds ?? 30;
  if (!(grace > FACTS.shutdownSeconds + (pause ?? 0))) {
    problems.push(`terminationGracePeriodSeconds ${grace} is not above the shutdown timeout ${FACTS.shutdownSeconds} s + preStop ${pause ?? 0} s`);
  }
  return problems;
}

/** The silo's environment: known names only, secrets only as files of the mounted Secret, cluster ids from one source. */
function checkSiloEnvironment(objects) {
  const problems = [];
  const { deployment, container, podSpec, data } = siloConfig(objects);
  const env = container.env ?? [];
  const names = [...Object.keys(data), ...env.map((e) => e.name)];
  for (const name of names) {
    if (FACTS.secretNames.has(name)) problems.push(`${name} is a secret in the environment; mount it as a file (*_FILE)`);
    else if (name.startsWith('STRIVE_') && !FACTS.settingNames.has(name)) problems.push(`${name} is not a silo setting (SiloOptions.EnvironmentNames)`);
    else if (!name.startsWith('STRIVE_') && !OTHER_SILO_ENV.has(name) && !/^((Strive|Orleans)__|OTEL_)/.test(name)) problems.push(`${name} is not a variable the silo reads`);
  }
  for (const e of env) {
    if (e.valueFrom?.secretKeyRef) problems.push(`${e.name} takes a Secret key into the environment`);
    if (typeof e.value === 'string' && LOOKS_SECRET.test(e.value)) problems.push(`${e.name} has a secret-looking value`);
  }
  if ((container.envFrom ?? []).some((s) => s.secretRef)) problems.push('envFrom takes a Secret into the environment');
  for (const [key, value] of Object.entries(data)) if (LOOKS_SECRET.test(value)) problems.push(`ConfigMap key ${key} has a secret-looking value`);

  const mounts = K.secretMounts(podSpec, container);
  for (const [key, value] of Object.entries(data).filter(([k]) => k.endsWith('_FILE'))) {
    const mount = mounts.find((m) => value.startsWith(`${m.mountPath}/`));
    const file = mount && value.slice(mount.mountPath.length + 1);
    if (!mount) problems.push(`${key}=${value} is not a file of a mounted Secret`);
    else if (mount.secretName !== SECRET.metadata.name) problems.push(`${key} reads Secret ${mount.secretName}, not ${SECRET.metadata.name}`);
    else if (!SECRET_KEYS.has(mount.fileToKey?.[file] ?? file)) problems.push(`${key} names the key ${file}, which secret.template.yaml does not have`);
  }
  for (const mount of (container.volumeMounts ?? []).filter((m) => mounts.some((s) => s.mountPath === m.mountPath.replace(/\/$/, '')))) {
    if (mount.readOnly !== true) problems.push(`the Secret is mounted writable at ${mount.mountPath}`);
  }

  const byName = Object.fromEntries(env.map((e, i) => [e.name, { ...e, index: i }]));
  const field = (name) => byName[name]?.valueFrom?.fieldRef?.fieldPath;
  if (field('POD_NAME') !== 'metadata.name') problems.push('POD_NAME is not the Downward API metadata.name');
  if (field('POD_NAMESPACE') !== 'metadata.namespace') problems.push('POD_NAMESPACE is not the Downward API metadata.namespace');
  if (field('POD_IP') !== 'status.podIP') problems.push('POD_IP is not the Downward API status.podIP');
  const advertise = byName.STRIVE_ADVERTISE_ADDRESS;
  if (advertise?.value !== '$(POD_IP)' || !(byName.POD_IP?.index < advertise.index)) problems.push('STRIVE_ADVERTISE_ADDRESS must be $(POD_IP), defined after POD_IP');
  if (byName.STRIVE_LISTEN_ADDRESS?.value !== '0.0.0.0') problems.push('STRIVE_LISTEN_ADDRESS must be 0.0.0.0 in a pod');

  const labels = deployment.spec.template.metadata.labels ?? {};
  const clusterRef = (name) => byName[name]?.valueFrom?.configMapKeyRef;
  const orleans = clusterRef('ORLEANS_CLUSTER_ID');
  const strive = clusterRef('STRIVE_CLUSTER_ID');
  if (!orleans || !strive || orleans.name !== strive.name || orleans.key !== 'STRIVE_CLUSTER_ID' || strive.key !== 'STRIVE_CLUSTER_ID') {
    problems.push('ORLEANS_CLUSTER_ID and STRIVE_CLUSTER_ID must both come from the ConfigMap key STRIVE_CLUSTER_ID');
  } else {
    const clusterId = find(objects, 'ConfigMap', orleans.name)?.data?.STRIVE_CLUSTER_ID;
    if (clusterId === undefined) problems.push(`ConfigMap ${orleans.name} has no STRIVE_CLUSTER_ID`);
    else if (labels['orleans/clusterId'] !== clusterId) problems.push(`pod label orleans/clusterId '${labels['orleans/clusterId']}' differs from STRIVE_CLUSTER_ID '${clusterId}'`);
  }
  if (byName.ORLEANS_SERVICE_ID?.value !== FACTS.serviceId) problems.push(`ORLEANS_SERVICE_ID must be the silo's service id '${FACTS.serviceId}'`);
  if (labels['orleans/serviceId'] !== FACTS.serviceId) problems.push(`pod label orleans/serviceId must be '${FACTS.serviceId}'`);
  if (podSpec.enableServiceLinks !== false) problems.push('enableServiceLinks must be false: Service link variables (STRIVE_POSTGRES=tcp://…) would collide with settings');
  return problems;
}

/** The silo-to-silo port is reachable only from silo pods, and from no Service; the front door stays reachable. */
function checkNetworkPolicy(objects) {
  const problems = [];
  const { deployment, ports } = siloConfig(objects);
  const siloPods = podLabels(deployment);
  const siloSelector = deployment.spec.selector.matchLabels;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && selects(o.spec.podSelector, siloPods));
  if (!policies.some((p) => (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'))) problems.push('no NetworkPolicy restricts ingress to the silo pods');
  const admits = (rule, port, name) => !rule.ports || rule.ports.length === 0 || rule.ports.some((p) =>
    p.port === undefined || p.port === port || p.port === name || (typeof p.port === 'number' && p.endPort >= port && p.port <= port));
  const onlyMonitoring = (peer) => peer.namespaceSelector && !peer.namespaceSelector.matchExpressions?.length
    && peer.namespaceSelector.matchLabels?.[MONITORING_LABEL[0]] === MONITORING_LABEL[1] && !peer.ipBlock;
  const onlySilos = (peer) => Object.keys(peer).join() === 'podSelector' && !peer.podSelector.matchExpressions?.length
    && Object.entries(siloSelector).every(([k, v]) => peer.podSelector.matchLabels?.[k] === v);
  for (const policy of policies) {
    for (const [i, rule] of (policy.spec.ingress ?? []).entries()) {
      if (!admits(rule, ports.silo, 'silo')) continue;
      if (!rule.from || rule.from.length === 0) problems.push(`NetworkPolicy ${policy.metadata.name} rule ${i} admits the silo port from anywhere`);
      else if (!rule.from.every(onlySilos)) problems.push(`NetworkPolicy ${policy.metadata.name} rule ${i} admits the silo port from pods that are not silos`);
    }
    for (const [name, port] of [['grpc', ports.grpc], ['dashboard', ports.dashboard], ['metrics', ports.metrics]]) {
      if (!(policy.spec.ingress ?? []).some((r) => admits(r, port, name))) problems.push(`NetworkPolicy ${policy.metadata.name} leaves the ${name} port ${port} unreachable`);
    }
    // The metrics port answers without authentication: only from namespaces labelled for monitoring.
    for (const [i, rule] of (policy.spec.ingress ?? []).entries()) {
      if (!admits(rule, ports.metrics, 'metrics')) continue;
      if (!rule.from || rule.from.length === 0) problems.push(`NetworkPolicy ${policy.metadata.name} rule ${i} admits the metrics port from anywhere`);
      else if (!rule.from.every(onlyMonitoring)) problems.push(`NetworkPolicy ${policy.metadata.name} rule ${i} admits the metrics port from outside the monitoring namespaces`);
    }
  }
  for (const s of objects.filter((o) => o.kind === 'Service' && selects({ matchLabels: o.spec.selector }, siloPods))) {
    if (s.spec.ports.some((p) => p.port === ports.silo || p.targetPort === ports.silo || p.targetPort === 'silo')) problems.push(`Service ${s.metadata.name} exposes the silo-to-silo port`);
  }
  return problems;
}

/** The pods tell a scraper where their metrics are: the prometheus.io annotations name the metrics port and path. */
function checkMetricsScrape(objects) {
  const problems = [];
  const { deployment, ports } = siloConfig(objects);
  const annotations = deployment.spec.template.metadata.annotations ?? {};
  if (annotations['prometheus.io/scrape'] !== 'true') problems.push('the silo pods are not marked prometheus.io/scrape: "true"');
  if (annotations['prometheus.io/port'] !== String(ports.metrics)) problems.push(`prometheus.io/port '${annotations['prometheus.io/port']}' is not the metrics port ${ports.metrics}`);
  if (annotations['prometheus.io/path'] !== FACTS.metricsPath) problems.push(`prometheus.io/path '${annotations['prometheus.io/path']}' is not the silo's ${FACTS.metricsPath}`);
  return problems;
}

/** Replicas, rolling update, disruption budget and autoscaler agree with each other and target the silo Deployment. */
function checkScaling(objects) {
  const problems = [];
  const { deployment } = siloConfig(objects);
  const siloPods = podLabels(deployment);
  if (deployment.spec.replicas !== 3) problems.push(`replicas ${deployment.spec.replicas}, expected 3`);
  const rolling = deployment.spec.strategy;
  if (rolling?.type !== 'RollingUpdate' || rolling.rollingUpdate?.maxUnavailable !== 0 || rolling.rollingUpdate?.maxSurge !== 1) problems.push('the silo Deployment must start a new pod before it stops an old one (maxUnavailable 0, maxSurge 1)');
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector, siloPods));
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.kind === 'Deployment' && o.spec.scaleTargetRef.name === deployment.metadata.name);
  if (pdbs.length !== 1) problems.push(`${pdbs.length} PodDisruptionBudgets select the silos, expected 1`);
  if (hpas.length !== 1) problems.push(`${hpas.length} HorizontalPodAutoscalers target the silo Deployment, expected 1`);
  for (const pdb of pdbs) {
    const min = hpas[0]?.spec.minReplicas ?? deployment.spec.replicas;
    const allowed = pdb.spec.maxUnavailable ?? (pdb.spec.minAvailable !== undefined ? min - pdb.spec.minAvailable : 0);
    if (!(allowed >= 1 && allowed < min)) problems.push(`PDB ${pdb.metadata.name} allows ${allowed} silos down of ${min}: must be at least 1 and leave a majority`);
  }
  for (const hpa of hpas) {
    if (!(hpa.spec.minReplicas <= deployment.spec.replicas && deployment.spec.replicas <= hpa.spec.maxReplicas)) problems.push('replicas outside the HPA range');
    const cpu = hpa.spec.metrics?.find((m) => m.type === 'Resource' && m.resource.name === 'cpu');
    if (!cpu || cpu.resource.target.type !== 'Utilization') problems.push('the HPA does not scale on CPU utilization');
  }
  return problems;
}

/** Every pod runs as non-root under RuntimeDefault seccomp; every container has requests, limits, a pinned image, no privileges. */
function checkPodsHardened(objects) {
  const problems = [];
  for (const w of workloads(objects)) {
    const spec = K.podSpecOf(w);
    const podSecurity = spec.securityContext ?? {};
    if (podSecurity.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${w.metadata.name}: pod seccomp profile is not RuntimeDefault`);
    for (const c of K.containersOf(w)) {
      const at = `${w.metadata.name}/${c.name}`;
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
      if (((sc.runAsUser ?? podSecurity.runAsUser) ?? 1) === 0) problems.push(`${at}: runs as UID 0`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root file system is writable`);
      if (sc.privileged) problems.push(`${at}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL') || (sc.capabilities?.add ?? []).length > 0) problems.push(`${at}: capabilities are not all dropped`);
      for (const resource of ['cpu', 'memory']) if (c.resources?.requests?.[resource] === undefined) problems.push(`${at}: no ${resource} requests`);
      if (c.resources?.limits?.memory === undefined) problems.push(`${at}: no memory limits`);
      // A CPU limit throttles the silo's membership probes (2 s timeout): a busy silo would be declared dead.
      if (w.metadata.name === K.SILO_DEPLOYMENT && c.name === K.SILO_CONTAINER && c.resources?.limits?.cpu !== undefined) problems.push(`${at}: the silo has a cpu limit`);
      const image = K.parseImage(c.image);
      if (!image.digest && (!image.tag || image.tag === 'latest')) problems.push(`${at}: image ${c.image} is not pinned (a tag other than latest, or a digest)`);
    }
  }
  return problems;
}

/** The silos' identity: the ServiceAccount, a Role with what Orleans' Kubernetes hosting does with pods, the binding. */
function checkRbac(objects) {
  const problems = [];
  const { deployment, podSpec } = siloConfig(objects);
  const account = podSpec.serviceAccountName;
  const namespace = deployment.metadata.namespace;
  if (!account || !find(objects, 'ServiceAccount', account)) problems.push(`ServiceAccount ${account} does not exist`);
  if (podSpec.automountServiceAccountToken === false) problems.push('the silo needs its service account token (Orleans watches pods)');
  const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === namespace));
  const verbs = new Set();
  for (const binding of bindings) {
    const role = find(objects, binding.roleRef.kind, binding.roleRef.name);
    if (!role) { problems.push(`RoleBinding ${binding.metadata.name} refers to a missing ${binding.roleRef.kind}`); continue; }
    for (const rule of role.rules ?? []) {
      if (rule.apiGroups?.includes('') && rule.resources?.includes('pods')) rule.verbs.forEach((v) => verbs.add(v));
      if (rule.resources?.some((r) => r !== 'pods') || rule.verbs.includes('*')) problems.push(`${role.kind} ${role.metadata.name} grants more than pods`);
    }
  }
  const missing = ['get', 'list', 'watch', 'patch', 'delete'].filter((v) => !verbs.has(v));
  if (missing.length > 0) problems.push(`the silos cannot ${missing.join(', ')} pods (Orleans' Kubernetes hosting needs them)`);
  return problems;
}

/** One namespace for everything; the silo image is the one the silo project builds (before an overlay's images:). */
function checkNamespaceAndImage(objects, name) {
  const problems = [];
  const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
  if (namespaces.length !== 1) problems.push(`expected one Namespace, found ${namespaces.join(', ') || 'none'}`);
  for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
    if (o.metadata.namespace !== namespaces[0]) problems.push(`${o.kind} ${o.metadata.name} is in namespace '${o.metadata.namespace ?? '(the kubectl default)'}'`);
  }
  const { container, podSpec } = siloConfig(objects);
  const image = K.parseImage(container.image);
  const built = K.parseImage(FACTS.image);
  if (name === 'base' && container.image !== FACTS.image) problems.push(`the silo image ${container.image} is not the one the project builds (${FACTS.image})`);
  if (!image.name.endsWith(built.name)) problems.push(`the silo image ${container.image} is not the repository ${built.name}`);
  if (podSpec.securityContext?.runAsUser !== APP_UID) problems.push(`the silo does not run as the image's ${FACTS.containerUser} user (UID ${APP_UID})`);
  return problems;
}

/** An overlay gives its store everything the silo's profile needs (base is a building block and is not checked). */
function checkProfile(objects) {
  const problems = [];
  const { data } = siloConfig(objects);
  const has = (key) => typeof data[key] === 'string' && data[key].length > 0;
  if (data.STRIVE_STORAGE === 'azure') {
    if (has('STRIVE_AZURE_STORAGE_ACCOUNT') === has('STRIVE_AZURE_STORAGE_FILE')) problems.push('azure needs exactly one of STRIVE_AZURE_STORAGE_ACCOUNT and STRIVE_AZURE_STORAGE_FILE');
    if (has('STRIVE_AZURE_STORAGE_ACCOUNT') && !/^[a-z0-9]{3,24}$/.test(data.STRIVE_AZURE_STORAGE_ACCOUNT)) problems.push('STRIVE_AZURE_STORAGE_ACCOUNT is not a storage account name');
  } else if (data.STRIVE_STORAGE === 'postgres') {
    if (!has('STRIVE_POSTGRES') || !has('STRIVE_POSTGRES_PASSWORD_FILE')) problems.push('postgres needs STRIVE_POSTGRES and STRIVE_POSTGRES_PASSWORD_FILE');
    const host = /(?:^|;)\s*Host\s*=\s*([^;]+)/i.exec(data.STRIVE_POSTGRES ?? '')?.[1];
    const port = Number(/(?:^|;)\s*Port\s*=\s*(\d+)/i.exec(data.STRIVE_POSTGRES ?? '')?.[1] ?? 5432);
    const service = host && find(objects, 'Service', host.split('.')[0]);
    if (host && !host.includes('.') && !service?.spec.ports.some((p) => p.port === port)) problems.push(`STRIVE_POSTGRES names ${host}:${port}, which is not a Service of the overlay`);
  } else {
    problems.push(`STRIVE_STORAGE '${data.STRIVE_STORAGE}' is not a cluster store (azure or postgres): several silos on sqlite would each have their own store`);
  }
  return problems;
}

const CHECKS = { checkSelectors, checkSiloProbesAndShutdown, checkSiloEnvironment, checkNetworkPolicy, checkMetricsScrape, checkScaling, checkPodsHardened, checkRbac };

// --- tests --------------------------------------------------------------------------------------------------------

function yamlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

test('k8s: every manifest file parses and each object validates against the Kubernetes API schemas', async () => {
  const problems = [];
  let objects = 0;
  for (const file of yamlFiles(K.K8S_DIR)) {
    const rel = path.relative(REPO_ROOT, file);
    // kubectl reads YAML 1.1 (0440 is octal, `yes` is true), this test YAML 1.2: every file must mean the same to both.
    const as = (version) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version }).map((d) => d.toJS());
    if (JSON.stringify(as('1.1')) !== JSON.stringify(as('1.2'))) problems.push(`${rel}: YAML 1.1 (kubectl) and 1.2 read it differently`);
    if (path.basename(file) === 'kustomization.yaml' || file.endsWith('.patch.yaml')) continue;
    for (const object of K.loadYamlFile(file)) {
      objects += 1;
      problems.push(...await validateObject(object, `${rel} ${object.kind}/${object.metadata?.name}`));
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(objects >= 17, `only ${objects} objects found under k8s/`);
});

test('k8s: every kustomization renders, and every rendered object validates (patches included)', async () => {
  const problems = [];
  for (const name of RENDERS) {
    const objects = render(name);
    for (const object of objects) problems.push(...await validateObject(object, `${name}: ${object.kind}/${object.metadata.name}`));
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(OVERLAYS, ['azure', 'azure-connection-string', 'dev', 'dev-azurite']);
});

test('k8s: every file under k8s/ is used by a kustomization, except the Secret template, which none applies', () => {
  const used = new Set();
  for (const file of yamlFiles(K.K8S_DIR).filter((f) => path.basename(f) === 'kustomization.yaml')) {
    used.add(file);
    const k = K.loadYamlFile(file)[0];
    for (const entry of [...(k.resources ?? []), ...(k.patches ?? []).map((p) => p.path)]) used.add(path.resolve(path.dirname(file), entry));
  }
  const unused = yamlFiles(K.K8S_DIR).filter((f) => !used.has(f)).map((f) => path.relative(K.K8S_DIR, f));
  assert.deepEqual(unused, ['base/secret.template.yaml']);
  assert.equal(SECRET.kind, 'Secret');
  assert.deepEqual([...SECRET_KEYS].sort(), ['admin-token', 'azure-storage', 'postgres-password']);
});

for (const [name, check] of Object.entries(CHECKS)) {
  test(`k8s: ${name} holds for base and every overlay`, () => {
    const problems = RENDERS.flatMap((r) => check(render(r)).map((p) => `${r}: ${p}`));
    assert.deepEqual(problems, []);
  });
}

test('k8s: one namespace for all objects, and the silo runs the image the silo project builds, as its app user', () => {
  assert.deepEqual(RENDERS.flatMap((r) => checkNamespaceAndImage(render(r), r).map((p) => `${r}: ${p}`)), []);
  assert.equal(K.siloWorkload(render('azure')).container.image.split('/')[0].includes('.'), true, 'the azure overlay pulls from a registry');
});

test('k8s: every overlay gives its store what the silo profile needs', () => {
  assert.deepEqual(OVERLAYS.flatMap((r) => checkProfile(render(r)).map((p) => `${r}: ${p}`)), []);
  const storage = Object.fromEntries(OVERLAYS.map((r) => [r, siloConfig(render(r)).data.STRIVE_STORAGE]));
  assert.deepEqual(storage, { azure: 'azure', 'azure-connection-string': 'azure', dev: 'postgres', 'dev-azurite': 'azure' });
});

test('k8s: the azure overlay uses a workload identity and no storage secret', () => {
  const objects = render('azure');
  const { deployment, data } = siloConfig(objects);
  assert.equal(deployment.spec.template.metadata.labels['azure.workload.identity/use'], 'true');
  assert.match(find(objects, 'ServiceAccount', 'strive-silo').metadata.annotations['azure.workload.identity/client-id'], /^[0-9a-f-]{36}$/);
  assert.equal(data.STRIVE_AZURE_STORAGE_FILE, undefined);
});

test('k8s: the dev overlays run PostgreSQL or Azurite reachable only from the silos, with the password as a file', () => {
  const dev = render('dev');
  const postgres = find(dev, 'StatefulSet', 'strive-postgres');
  const pg = postgres.spec.template.spec.containers[0];
  const passwordFile = pg.env.find((e) => e.name === 'POSTGRES_PASSWORD_FILE').value;
  assert.ok(!pg.env.some((e) => e.name === 'POSTGRES_PASSWORD'), 'the PostgreSQL password is not an environment value');
  assert.equal(siloConfig(dev).data.STRIVE_POSTGRES_PASSWORD_FILE, passwordFile, 'PostgreSQL and the silos read the same Secret file');
  for (const [objects, name, port] of [[dev, 'strive-postgres', 5432], [render('dev-azurite'), 'strive-azurite', 10002]]) {
    const policy = find(objects, 'NetworkPolicy', name);
    assert.equal(policy.spec.ingress.length, 1);
    assert.deepEqual(policy.spec.ingress[0].from, [{ podSelector: { matchLabels: K.siloWorkload(objects).deployment.spec.selector.matchLabels } }]);
    assert.ok(policy.spec.ingress[0].ports.some((p) => p.port === port));
  }
});

test('k8s: docs/deploy-kubernetes.md names the overlays, and its Azurite connection string reaches the Azurite Service', () => {
  const guide = source('docs/deploy-kubernetes.md');
  for (const overlay of OVERLAYS) assert.ok(guide.includes(`k8s/overlays/${overlay}`), `the guide does not mention k8s/overlays/${overlay}`);
  const connection = /DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;[^\s'"`]*/.exec(guide)?.[0];
  assert.ok(connection, 'the guide gives no Azurite connection string');
  const service = find(render('dev-azurite'), 'Service', 'strive-azurite');
  for (const [kind, portName] of [['BlobEndpoint', 'blob'], ['TableEndpoint', 'table']]) {
    const port = service.spec.ports.find((p) => p.name === portName).port;
    assert.ok(connection.includes(`${kind}=http://strive-azurite:${port}/devstoreaccount1`), `${kind} does not point at strive-azurite:${port}`);
  }
  assert.ok(source('README.md').includes('docs/deploy-kubernetes.md'), 'README links the Kubernetes guide');
});

// --- the checks can fail: a broken copy of a rendered overlay is caught by the check that guards it -------------

function broken(overlay, mutate) {
  const objects = render(overlay);
  mutate(objects, siloConfig(objects));
  return objects;
}

test('k8s checks: a broken copy is caught by the check that guards it', () => {
  const cases = [
    [checkSiloProbesAndShutdown, (o, s) => { s.podSpec.terminationGracePeriodSeconds = FACTS.shutdownSeconds + 5; }, /terminationGracePeriodSeconds/],
    [checkSiloProbesAndShutdown, (o, s) => { s.container.livenessProbe = { httpGet: { path: '/', port: 8080 } }; }, /livenessProbe uses httpGet/],
    [checkSiloProbesAndShutdown, (o, s) => { s.container.readinessProbe.grpc.port = 8080; }, /readinessProbe checks port 8080/],
    [checkSiloProbesAndShutdown, (o, s) => { delete s.container.lifecycle; }, /no preStop/],
    [checkSiloProbesAndShutdown, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_GRPC_PORT = '5001'; }, /differs from STRIVE_GRPC_PORT/],
    [checkSiloEnvironment, (o, s) => { s.container.env.push({ name: 'STRIVE_ADMIN_TOKEN', value: 'x' }); }, /STRIVE_ADMIN_TOKEN is a secret/],
    [checkSiloEnvironment, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_GRCP_PORT = '5000'; }, /STRIVE_GRCP_PORT is not a silo setting/],
    [checkSiloEnvironment, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_POSTGRES = 'Host=x;Password=hunter2'; }, /secret-looking/],
    [checkSiloEnvironment, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_CLUSTER_ID = 'blue'; }, /orleans\/clusterId 'strive' differs from STRIVE_CLUSTER_ID 'blue'/],
    [checkSiloEnvironment, (o, s) => { s.container.env.find((e) => e.name === 'ORLEANS_CLUSTER_ID').valueFrom = undefined; s.container.env.find((e) => e.name === 'ORLEANS_CLUSTER_ID').value = 'strive'; }, /both come from the ConfigMap/],
    [checkSiloEnvironment, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_ADMIN_TOKEN_FILE = '/var/run/secrets/strive/admin'; }, /names the key admin/],
    [checkSiloEnvironment, (o, s) => { delete s.podSpec.enableServiceLinks; }, /enableServiceLinks/],
    [checkNetworkPolicy, (o) => { find(o, 'NetworkPolicy', 'strive-silo').spec.ingress[0].from.push({ namespaceSelector: {} }); }, /silo port from pods that are not silos/],
    [checkNetworkPolicy, (o) => { find(o, 'NetworkPolicy', 'strive-silo').spec.ingress.push({ from: [{ podSelector: {} }] }); }, /rule 4 admits the silo port from pods that are not silos/],
    [checkNetworkPolicy, (o) => { delete find(o, 'NetworkPolicy', 'strive-silo').spec.ingress[0].from; }, /from anywhere/],
    [checkNetworkPolicy, (o) => { find(o, 'Service', 'strive-silo').spec.ports.push({ name: 'silo', port: 11111, targetPort: 'silo' }); }, /exposes the silo-to-silo port/],
    [checkNetworkPolicy, (o) => { find(o, 'NetworkPolicy', 'strive-silo').spec.ingress[3].from.push({ podSelector: {} }); }, /rule 3 admits the metrics port from outside the monitoring namespaces/],
    [checkNetworkPolicy, (o) => { find(o, 'NetworkPolicy', 'strive-silo').spec.ingress[2].ports.push({ port: 9090, protocol: 'TCP' }); }, /rule 2 admits the metrics port from outside/],
    [checkNetworkPolicy, (o) => { find(o, 'NetworkPolicy', 'strive-silo').spec.ingress.splice(3, 1); }, /leaves the metrics port 9090 unreachable/],
    [checkSiloProbesAndShutdown, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_METRICS_PORT = '9091'; }, /differs from STRIVE_METRICS_PORT/],
    [checkMetricsScrape, (o, s) => { s.deployment.spec.template.metadata.annotations['prometheus.io/port'] = '8080'; }, /is not the metrics port 9090/],
    [checkMetricsScrape, (o, s) => { s.deployment.spec.template.metadata.annotations['prometheus.io/path'] = '/'; }, /is not the silo's \/metrics/],
    [checkSiloEnvironment, (o, s) => { s.container.env.push({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://collector:4317' }, { name: 'OTLP_ENDPOINT', value: 'x' }); }, /^OTLP_ENDPOINT is not a variable the silo reads/],
    [checkSelectors, (o) => { find(o, 'Service', 'strive-silo').spec.selector['app.kubernetes.io/component'] = 'gateway'; }, /selects no pods/],
    [checkSelectors, (o) => { find(o, 'HorizontalPodAutoscaler', 'strive-silo').spec.scaleTargetRef.name = 'silo'; }, /target Deployment silo does not exist/],
    [checkScaling, (o) => { find(o, 'PodDisruptionBudget', 'strive-silo').spec = { minAvailable: 3, selector: find(o, 'PodDisruptionBudget', 'strive-silo').spec.selector }; }, /allows 0 silos down/],
    [checkPodsHardened, (o, s) => { s.container.image = 'strive-network/silo:latest'; }, /not pinned/],
    [checkPodsHardened, (o, s) => { delete s.container.resources.limits; }, /no memory limits/],
    [checkPodsHardened, (o, s) => { s.container.resources.limits.cpu = '2'; }, /the silo has a cpu limit/],
    [checkPodsHardened, (o, s) => { s.container.securityContext.readOnlyRootFilesystem = false; }, /root file system is writable/],
    [checkRbac, (o) => { find(o, 'Role', 'strive-silo-pods').rules[0].verbs = ['get', 'list', 'watch']; }, /cannot patch, delete pods/],
    [checkProfile, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_STORAGE = 'sqlite'; }, /not a cluster store/],
    [checkProfile, (o) => { find(o, 'ConfigMap', 'strive-silo').data.STRIVE_POSTGRES = 'Host=postgres;Username=strive'; }, /not a Service of the overlay/],
  ];
  for (const [check, mutate, expected] of cases) {
    const overlay = check === checkProfile ? 'dev' : 'base';
    assert.deepEqual(check(render(overlay)), [], `${check.name} passes before the change`);
    const problems = check(broken(overlay, mutate));
    assert.ok(problems.some((p) => expected.test(p)), `${check.name} missed ${expected}: ${JSON.stringify(problems)}`);
  }
  // OpenTelemetry's standard variables are the silo's to read: an overlay may add them.
  assert.deepEqual(checkSiloEnvironment(broken('base', (o, s) => { s.container.env.push({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://collector:4317' }); })), []);
});

