'use strict';
// The Kubernetes manifests of k8s/ as data, for the manifest tests and for tests that run silo processes the way a
// pod would:
//   renderKustomization(dir)  the objects `kubectl apply -k dir` would send, from a small renderer of the
//                             kustomization features k8s/ uses (resources, namespace, patches, images); anything
//                             else in a kustomization.yaml is refused, never ignored;
//   k8sSiloEnv({...})         the environment the silo container of an overlay gets: Downward API, $(VAR)
//                             expansion, configMapKeyRef and envFrom from the rendered ConfigMap, the paths of the
//                             mounted Secret's files replaced by local files.
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { REPO_ROOT } = require('./silo');

const K8S_DIR = path.join(REPO_ROOT, 'k8s');
const KUSTOMIZATION_FILE = 'kustomization.yaml';
const SILO_DEPLOYMENT = 'strive-silo';
const SILO_CONTAINER = 'silo';

// Kinds without a namespace (the ones a kustomization could meet here).
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
]);
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'images']);

const clone = (value) => structuredClone(value);
const isMap = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every YAML document of `file` (empty documents skipped); a YAML error throws, naming the file. */
function loadYamlFile(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

/** The overlays of k8s/overlays (directory names). */
function overlayNames() {
  const dir = path.join(K8S_DIR, 'overlays');
  return fs.readdirSync(dir).filter((name) => fs.existsSync(path.join(dir, name, KUSTOMIZATION_FILE))).sort();
}

/** The directory of an overlay name ('base' is k8s/base), or `overlay` itself when it is a directory path. */
function kustomizationDir(overlay) {
  if (overlay === 'base') return path.join(K8S_DIR, 'base');
  if (path.isAbsolute(overlay)) return overlay;
  return path.join(K8S_DIR, 'overlays', overlay);
}

const groupOf = (apiVersion) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const idOf = (o) => `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/**
 * Merges `patch` into `target` (a strategic-merge patch restricted to maps): maps merge key by key, null deletes a
 * key, scalars replace. A list, or a `$patch`-style directive, throws: their strategic-merge semantics (merge keys
 * per field) are not implemented here, so a patch needing them must be a JSON6902 patch instead.
 */
function strategicMerge(target, patch, at = '') {
  const result = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    const where = `${at}/${key}`;
    if (key.startsWith('$')) throw new Error(`strategic-merge directive ${where} is not supported by this renderer`);
    if (Array.isArray(value)) throw new Error(`strategic-merge patch sets the list ${where}: use a JSON6902 patch for lists`);
    if (value === null) delete result[key];
    else if (isMap(value)) result[key] = strategicMerge(result[key], value, where);
    else result[key] = value;
  }
  return result;
}

function pointerTokens(pointer) {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer '${pointer}' must start with '/'`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Applies RFC 6902 operations add, remove, replace and test to a copy of `target`; any failure throws. */
function applyJson6902(target, operations) {
  if (!Array.isArray(operations)) throw new Error('a JSON6902 patch is a list of operations');
  const root = { value: clone(target) };
  for (const op of operations) {
    const tokens = ['value', ...pointerTokens(op.path)];
    const last = tokens.pop();
    let parent = root;
    for (const token of tokens) {
      parent = Array.isArray(parent) ? parent[Number(token)] : parent[token];
      if (parent === undefined || parent === null || typeof parent !== 'object') throw new Error(`${op.op} ${op.path}: the parent does not exist`);
    }
    const exists = Array.isArray(parent) ? last === '-' || (Number(last) >= 0 && Number(last) < parent.length) : Object.hasOwn(parent, last);
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, clone(op.value));
        else parent[last] = clone(op.value);
        break;
      case 'replace':
        if (!exists || last === '-') throw new Error(`replace ${op.path}: nothing to replace`);
        parent[last] = clone(op.value);
        break;
      case 'remove':
        if (!exists || last === '-') throw new Error(`remove ${op.path}: nothing to remove`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'test':
        if (!exists || JSON.stringify(parent[last]) !== JSON.stringify(op.value)) {
          throw new Error(`test ${op.path}: expected ${JSON.stringify(op.value)}, found ${JSON.stringify(parent[last])}`);
        }
        break;
      default:
        throw new Error(`JSON6902 operation '${op.op}' is not supported by this renderer`);
    }
  }
  return root.value;
}

/** The pod template spec of a workload object, or undefined. */
function podSpecOf(object) {
  switch (object.kind) {
    case 'Pod': return object.spec;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': return object.spec?.template?.spec;
    case 'CronJob': return object.spec?.jobTemplate?.spec?.template?.spec;
    default: return undefined;
  }
}

/** All containers (init containers included) of a workload object. */
function containersOf(object) {
  const spec = podSpecOf(object);
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

/** Splits an image reference into name, tag and digest ('registry:5000/a/b:tag@sha256:…'). */
function parseImage(image) {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  return { name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest, tag: hasTag ? withoutDigest.slice(colon + 1) : undefined, digest };
}

function applyImages(objects, images) {
  for (const rule of images) {
    if (!rule.name) throw new Error('an images entry needs a name');
    for (const container of objects.flatMap(containersOf)) {
      const current = parseImage(container.image);
      if (current.name !== rule.name) continue;
      const name = rule.newName ?? current.name;
      const digest = rule.digest ?? (rule.newTag ? undefined : current.digest);
      const tag = rule.digest ? undefined : rule.newTag ?? current.tag;
      container.image = `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    }
  }
}

function matchesTarget(object, target) {
  if (target.kind && object.kind !== target.kind) return false;
  if (target.name && object.metadata?.name !== target.name) return false;
  if (target.namespace && object.metadata?.namespace !== target.namespace) return false;
  if (target.group !== undefined && groupOf(object.apiVersion) !== target.group) return false;
  if (target.version && object.apiVersion.split('/').pop() !== target.version) return false;
  return true;
}

function applyPatch(objects, dir, entry) {
  if (!entry.path || Object.keys(entry).some((k) => k !== 'path' && k !== 'target')) {
    throw new Error(`${dir}: a patches entry takes 'path' and an optional 'target' (inline patches are not supported)`);
  }
  const file = path.join(dir, entry.path);
  const docs = loadYamlFile(file);
  if (docs.length !== 1) throw new Error(`${file}: a patch file holds one document`);
  const patch = docs[0];
  if (Array.isArray(patch)) {
    if (!entry.target) throw new Error(`${file}: a JSON6902 patch needs a target`);
    const hits = objects.map((o, i) => [o, i]).filter(([o]) => matchesTarget(o, entry.target));
    if (hits.length === 0) throw new Error(`${file}: no resource matches the target ${JSON.stringify(entry.target)}`);
    for (const [o, i] of hits) objects[i] = applyJson6902(o, patch);
    return;
  }
  const target = entry.target ?? { kind: patch.kind, name: patch.metadata?.name, group: groupOf(patch.apiVersion ?? '') };
  const hits = objects.map((o, i) => [o, i]).filter(([o]) => matchesTarget(o, target));
  if (hits.length === 0) throw new Error(`${file}: no resource matches ${patch.kind} ${patch.metadata?.name}`);
  for (const [o, i] of hits) {
    // The patch's own identity (kind, name) selects the target; it never renames it.
    const { apiVersion, kind, ...rest } = patch;
    const merged = strategicMerge(o, { ...rest, metadata: { ...rest.metadata, name: o.metadata.name } });
    objects[i] = merged;
  }
}

/**
 * The objects `kubectl apply -k dir` would send for the kustomization in `dir` (a directory path, an overlay name,
 * or 'base'): its resources (files, or directories with their own kustomization, rendered first), then its patches,
 * images and namespace. Throws on anything it does not implement, on a patch that matches nothing and on two
 * objects with the same identity.
 */
function renderKustomization(dirOrOverlay) {
  const dir = kustomizationDir(dirOrOverlay);
  const file = path.join(dir, KUSTOMIZATION_FILE);
  const [kustomization] = loadYamlFile(file);
  if (kustomization?.kind !== 'Kustomization' || kustomization.apiVersion !== 'kustomize.config.k8s.io/v1beta1') {
    throw new Error(`${file} is not a kustomize.config.k8s.io/v1beta1 Kustomization`);
  }
  const unsupported = Object.keys(kustomization).filter((k) => !KUSTOMIZATION_FIELDS.has(k));
  if (unsupported.length > 0) throw new Error(`${file}: ${unsupported.join(', ')} not supported by this renderer`);

  let objects = [];
  for (const resource of kustomization.resources ?? []) {
    const full = path.join(dir, resource);
    if (!fs.existsSync(full)) throw new Error(`${file}: resource ${resource} does not exist`);
    objects.push(...(fs.statSync(full).isDirectory() ? renderKustomization(full) : loadYamlFile(full)));
  }
  objects = clone(objects);
  for (const entry of kustomization.patches ?? []) applyPatch(objects, dir, entry);
  applyImages(objects, kustomization.images ?? []);
  if (kustomization.namespace) {
    for (const object of objects) {
      if (CLUSTER_SCOPED.has(object.kind)) continue;
      object.metadata.namespace = kustomization.namespace;
      if (object.kind === 'RoleBinding') {
        for (const subject of object.subjects ?? []) if (subject.kind === 'ServiceAccount') subject.namespace = kustomization.namespace;
      }
    }
  }
  const seen = new Set();
  for (const object of objects) {
    const id = idOf(object);
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  return objects;
}

/** The silo Deployment and its silo container of rendered objects (throws when either is missing). */
function siloWorkload(objects) {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === SILO_DEPLOYMENT);
  if (!deployment) throw new Error(`no Deployment ${SILO_DEPLOYMENT}`);
  const container = deployment.spec.template.spec.containers.find((c) => c.name === SILO_CONTAINER);
  if (!container) throw new Error(`Deployment ${SILO_DEPLOYMENT} has no container ${SILO_CONTAINER}`);
  return { deployment, container, podSpec: deployment.spec.template.spec };
}

/** Kubernetes' $(VAR) expansion: defined names are replaced, `$$` is a literal `$`, anything else stays as written. */
function expandReferences(value, defined) {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name) => {
    if (match === '$$') return '$';
    return Object.hasOwn(defined, name) ? defined[name] : match;
  });
}

/**
 * Where the files of a Secret volume of `container` are: [{ mountPath, secretName, fileToKey }], fileToKey mapping a
 * file path relative to the mount to the Secret key it holds.
 */
function secretMounts(podSpec, container) {
  const mounts = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = (podSpec.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume?.secret) continue;
    const fileToKey = volume.secret.items ? Object.fromEntries(volume.secret.items.map((i) => [i.path, i.key])) : null;
    mounts.push({ mountPath: mount.mountPath.replace(/\/$/, ''), secretName: volume.secret.secretName, fileToKey });
  }
  return mounts;
}

/**
 * The environment the silo container of `overlay` gets in its pod, as a plain object of strings, so a test can start
 * a silo process with it (`spawn('dotnet', [dll], { env: { PATH, ...k8sSiloEnv(...) } })`):
 * - `overlay`: an overlay of k8s/overlays ('dev', 'dev-azurite', 'azure', ...), 'base', or a kustomization directory;
 * - `podIp` (default 127.0.0.1) for status.podIP, `podName` (default strive-silo-0) for metadata.name; the namespace
 *   is the Deployment's;
 * - `secretFiles`: { '<Secret key>': '<local file>' }; every value that names a file of the mounted Secret is replaced
 *   by the local file of its key (a missing key throws, naming it);
 * - `overrides`: applied last, as given (null or undefined removes a variable). Pass at least STRIVE_LISTEN_ADDRESS
 *   (the pod listens on 0.0.0.0), STRIVE_DATA_DIR and distinct ports when several silos share one machine.
 * The kubelet's own variables (KUBERNETES_SERVICE_HOST, ...) are not included: with them the silo would turn on
 * Orleans' Kubernetes hosting. A secretKeyRef or secretRef throws: the silos take secrets as files only.
 */
function k8sSiloEnv({ overlay = 'dev', podIp = '127.0.0.1', podName = `${SILO_DEPLOYMENT}-0`, overrides = {}, secretFiles = {} } = {}) {
  const objects = renderKustomization(overlay);
  const { deployment, container, podSpec } = siloWorkload(objects);
  const namespace = deployment.metadata.namespace ?? 'default';
  const configMap = (name, optional) => {
    const found = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!found && !optional) throw new Error(`ConfigMap ${name} is not among the rendered objects of ${overlay}`);
    return found?.data ?? {};
  };
  const fieldValue = (fieldPath, name) => {
    switch (fieldPath) {
      case 'metadata.name': return podName;
      case 'metadata.namespace': return namespace;
      case 'status.podIP': return podIp;
      default: {
        const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
        if (label && deployment.spec.template.metadata.labels?.[label[1]] !== undefined) return deployment.spec.template.metadata.labels[label[1]];
        throw new Error(`${name}: fieldRef ${fieldPath} is not supported`);
      }
    }
  };

  const env = {};
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error(`envFrom secretRef ${source.secretRef.name}: the silos take secrets as files only`);
    if (!source.configMapRef) throw new Error(`envFrom ${JSON.stringify(source)} is not supported`);
    for (const [key, value] of Object.entries(configMap(source.configMapRef.name, source.configMapRef.optional))) {
      env[`${source.prefix ?? ''}${key}`] = String(value);
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      env[variable.name] = expandReferences(String(variable.value ?? ''), env);
    } else if (from.fieldRef) {
      env[variable.name] = fieldValue(from.fieldRef.fieldPath, variable.name);
    } else if (from.configMapKeyRef) {
      const { name, key, optional } = from.configMapKeyRef;
      const data = configMap(name, optional);
      if (Object.hasOwn(data, key)) env[variable.name] = String(data[key]);
      else if (!optional) throw new Error(`${variable.name}: ConfigMap ${name} has no key ${key}`);
    } else if (from.secretKeyRef) {
      throw new Error(`${variable.name}: secretKeyRef puts a secret into the environment; the silos take secrets as files only`);
    } else {
      throw new Error(`${variable.name}: valueFrom ${Object.keys(from).join(', ')} is not supported`);
    }
  }

  const mounts = secretMounts(podSpec, container);
  for (const [name, value] of Object.entries(env)) {
    for (const mount of mounts) {
      if (!value.startsWith(`${mount.mountPath}/`)) continue;
      const file = value.slice(mount.mountPath.length + 1);
      const key = mount.fileToKey ? mount.fileToKey[file] : file;
      if (key === undefined || !Object.hasOwn(secretFiles, key)) {
        throw new Error(`${name}=${value} is a file of the Secret ${mount.secretName}: pass secretFiles['${key ?? file}']`);
      }
      env[name] = secretFiles[key];
    }
  }

  for (const [name, value] of Object.entries(overrides)) {
    if (value === null || value === undefined) delete env[name];
    else env[name] = String(value);
  }
  return env;
}

module.exports = {
  K8S_DIR,
  SILO_DEPLOYMENT,
  SILO_CONTAINER,
  loadYamlFile,
  overlayNames,
  kustomizationDir,
  renderKustomization,
  strategicMerge,
  applyJson6902,
  parseImage,
  podSpecOf,
  containersOf,
  siloWorkload,
  secretMounts,
  expandReferences,
  k8sSiloEnv,
};
