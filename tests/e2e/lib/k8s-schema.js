'use strict';
// Validates Kubernetes objects against the API schemas with the npm package kubernetes-models (its validators are
// generated from the Kubernetes OpenAPI schemas), plus the check its validators leave out: unknown fields. The API
// server refuses those (kubectl's default field validation is strict), and a misspelt optional field such as
// `terminationGracePeriodSecond` would otherwise pass every schema check and be dropped. The field lists come from
// the package's type declarations (one interface per schema, one quoted property per field).
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const NODE_MODULES = path.join(__dirname, '..', 'node_modules');
const MODELS_DIR = path.join(NODE_MODULES, 'kubernetes-models');

/** The model files of an apiVersion and kind ('apps/v1', 'Deployment'), or null when the package has none. */
function modelFiles(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[\w.]+(\/\w+)?$/.test(apiVersion) || !/^\w+$/.test(kind)) return null;
  const base = path.join(MODELS_DIR, ...apiVersion.split('/'), kind);
  return fs.existsSync(`${base}.js`) && fs.existsSync(`${base}.d.ts`) ? { js: `${base}.js`, dts: `${base}.d.ts` } : null;
}

const declarations = new Map();

/** The first interface of a .d.ts file: { name, fields: Map(field -> type text), imports: Map(type -> .d.ts file) }. */
function declarationOf(file) {
  if (declarations.has(file)) return declarations.get(file);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const imports = new Map();
  for (const line of lines) {
    const m = /^import \{ (\w+) \} from "([^"]+)";$/.exec(line);
    if (!m) continue;
    const spec = m[2];
    const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec.replace(/\.js$/, '.d.ts')) : path.join(NODE_MODULES, `${spec}.d.ts`);
    imports.set(m[1], target);
  }
  let declaration = null;
  const start = lines.findIndex((l) => /^export interface \w+/.test(l));
  if (start >= 0) {
    const fields = new Map();
    for (let i = start + 1; i < lines.length && lines[i] !== '}'; i += 1) {
      // Fields are at four spaces; deeper lines belong to inline map types ({ [key: string]: string }).
      const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i]);
      if (m) fields.set(m[1], m[2].replace(/;$/, ''));
    }
    declaration = { name: /^export interface (\w+)/.exec(lines[start])[1], fields, imports };
  }
  declarations.set(file, declaration);
  return declaration;
}

/** Paths of fields of `value` that its schema (the interface in `file`) does not have. */
function unknownFields(value, file, at) {
  const declaration = declarationOf(file);
  if (!declaration || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const problems = [];
  for (const [field, child] of Object.entries(value)) {
    const where = `${at}.${field}`;
    if (!declaration.fields.has(field)) {
      problems.push(`${where}: unknown field (not in ${declaration.name.replace(/^I/, '')})`);
      continue;
    }
    const type = declaration.fields.get(field);
    const element = /^Array<(\w+)>$/.exec(type)?.[1];
    const target = declaration.imports.get(element ?? type);
    if (!target) continue;
    if (element && Array.isArray(child)) child.forEach((item, i) => problems.push(...unknownFields(item, target, `${where}[${i}]`)));
    else if (!element) problems.push(...unknownFields(child, target, where));
  }
  return problems;
}

const models = new Map();

/**
 * Every problem of one Kubernetes object (empty when it is valid): an apiVersion/kind the API does not have, a schema
 * violation (type, required field, enum, format), or an unknown field. `label` prefixes each problem.
 */
async function validateObject(object, label = `${object?.kind}/${object?.metadata?.name}`) {
  const files = modelFiles(object?.apiVersion, object?.kind);
  if (!files) return [`${label}: ${object?.apiVersion} ${object?.kind} is not a Kubernetes API kind`];
  if (!models.has(files.js)) {
    const module = await import(pathToFileURL(files.js).href);
    models.set(files.js, module[object.kind]);
  }
  const Model = models.get(files.js);
  const problems = [];
  try {
    new Model(structuredClone(object)).validate();
  } catch (error) {
    const details = Array.isArray(error.errors) ? error.errors.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`) : [error.message];
    problems.push(...details.map((d) => `${label}: ${d}`));
  }
  problems.push(...unknownFields(object, files.dts, label));
  return problems;
}

module.exports = { validateObject, modelFiles };
