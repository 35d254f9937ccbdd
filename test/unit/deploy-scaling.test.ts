// The deploy files of the scaled-out service (deploy/docker/Dockerfile, deploy/kubernetes/serve.yaml and worker.yaml),
// checked as far as a machine without docker or kubectl allows: the YAML parses, each object has the fields its kind
// requires, the containers' commands are command lines the CLI itself accepts, and image, user, ports, paths, probes
// and the autoscalers' targets agree with each other and with the Dockerfile. Nothing is built or applied here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseCommandLine, type CommandLine } from '../../lib/commands';
import { OPTIONS } from '../../lib/options';

const ROOT = join(__dirname, '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'deploy', 'docker', 'Dockerfile'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// ---- The Dockerfile, read instruction by instruction ----

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions in order: continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The stages: each FROM's image and name, and the instructions under it. */
function stages(text: string): { from: string; name?: string; body: Instruction[] }[] {
  const out: { from: string; name?: string; body: Instruction[] }[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      out.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, body: [] });
    } else if (out.length > 0) {
      out[out.length - 1].body.push(instruction);
    }
  }
  return out;
}

const STAGES = stages(DOCKERFILE);
const RUNTIME = STAGES.find((s) => s.name === 'runtime')!;
const arg = (stage: typeof RUNTIME, keyword: string) => stage.body.filter((i) => i.keyword === keyword).map((i) => i.args);
const ENTRYPOINT = JSON.parse(arg(RUNTIME, 'ENTRYPOINT')[0]) as string[];
const CMD = JSON.parse(arg(RUNTIME, 'CMD')[0]) as string[];
const USER = arg(RUNTIME, 'USER')[0];
const EXPOSED = arg(RUNTIME, 'EXPOSE')[0].split(/\s+/).map(Number);

// ---- The manifests ----

type Manifest = Record<string, any>;

function manifests(file: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'kubernetes', file), 'utf8'));
  for (const document of documents) expect(document.errors, `${file}: ${document.errors.join('; ')}`).toEqual([]);
  return documents.map((document) => document.toJS() as Manifest);
}

const SERVE = manifests('serve.yaml');
const WORKER = manifests('worker.yaml');
const ALL = [...SERVE, ...WORKER];
const find = (list: Manifest[], kind: string) => list.find((m) => m.kind === kind)!;

/** The required fields of each kind the files use, as dotted paths. */
const REQUIRED: Record<string, string[]> = {
  Deployment: ['spec.selector.matchLabels', 'spec.template.metadata.labels', 'spec.template.spec.containers'],
  Service: ['spec.selector', 'spec.ports'],
  HorizontalPodAutoscaler: ['spec.scaleTargetRef.kind', 'spec.scaleTargetRef.name', 'spec.minReplicas', 'spec.maxReplicas', 'spec.metrics'],
  ScaledObject: ['spec.scaleTargetRef.name', 'spec.triggers'],
};
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  Service: 'v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  ScaledObject: 'keda.sh/v1alpha1',
};

function at(object: Manifest, path: string): unknown {
  return path.split('.').reduce<any>((value, key) => (value == null ? undefined : value[key]), object);
}

/** A container's args as the CLI parses them, with $(VAR) references replaced from its env. */
function parsedArgs(container: Manifest): { command: string; line: CommandLine; args: string[] } {
  const env = new Map<string, string>((container.env ?? []).filter((e: Manifest) => 'value' in e).map((e: Manifest) => [e.name, e.value]));
  const args = (container.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (whole, name: string) => env.get(name) ?? whole));
  const [command, ...rest] = args;
  const line = parseCommandLine(command as 'serve' | 'worker', rest);
  if (line.help) throw new Error('help');
  return { command, line, args };
}

const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0] as Manifest;
const portNamed = (container: Manifest, name: string | number) =>
  typeof name === 'number' ? name : (container.ports as Manifest[]).find((p) => p.name === name)?.containerPort;

describe('the Dockerfile', () => {
  it('builds in stages and runs the prebuilt addon and the compiled CLI as a non-root user', () => {
    expect(STAGES.length).toBeGreaterThanOrEqual(2);
    expect(STAGES.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'runtime', 'with-model']));
    const build = STAGES.find((s) => s.name === 'build')!;
    expect(arg(build, 'COPY')).toContain('prebuilds/ prebuilds/');
    expect(arg(build, 'RUN').join(' ')).toContain('npm ci');
    expect(arg(build, 'RUN').join(' ')).toContain('npm prune --omit=dev');
    // The runtime copies what the build made, never builds native code itself.
    expect(arg(RUNTIME, 'COPY')).toEqual(expect.arrayContaining(['--from=build /app/prebuilds/ prebuilds/', '--from=build /app/dist/ dist/']));
    expect(arg(RUNTIME, 'RUN').join(' ')).not.toMatch(/cmake|node-gyp|build-native/);
    expect(USER).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(ENTRYPOINT).toEqual(['node', '/app/dist/cli.js']);
    // The default target is the runtime (model mounted); with-model copies the model where the commands look for it.
    expect(STAGES[STAGES.length - 1].from).toBe('runtime');
    const withModel = STAGES.find((s) => s.name === 'with-model')!;
    expect(withModel.from).toBe('runtime');
    expect(arg(withModel, 'COPY')[0]).toMatch(/^--from=model .* \. \/models\/model\/$/);
  });

  it("defaults to serve on the exposed port, and the command line is one the CLI accepts", () => {
    const [command, ...rest] = CMD;
    expect(command).toBe('serve');
    const line = parseCommandLine('serve', rest);
    expect(line).toMatchObject({ help: false, model: '/models/model', flags: { host: '0.0.0.0', port: '8080' } });
    expect(EXPOSED).toEqual(expect.arrayContaining([8080, 9464]));
  });
});

describe('the Kubernetes manifests', () => {
  it.each(ALL.map((m) => [`${m.kind} ${m.metadata?.name}`, m] as const))('%s parses with the fields its kind requires', (_, manifest) => {
    expect(API_VERSIONS[manifest.kind], `a kind this test knows: ${manifest.kind}`).toBeDefined();
    expect(manifest.apiVersion).toBe(API_VERSIONS[manifest.kind]);
    expect(manifest.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    for (const path of REQUIRED[manifest.kind]) expect(at(manifest, path), `${manifest.kind}.${path}`).toBeDefined();
    if (manifest.kind === 'Deployment') {
      // The selector selects the pods of its template.
      expect(manifest.spec.template.metadata.labels).toMatchObject(manifest.spec.selector.matchLabels);
    }
  });

  it.each([
    ['serve', find(SERVE, 'Deployment')],
    ['worker', find(WORKER, 'Deployment')],
  ] as const)('the %s Deployment runs the image as its non-root user, the model mounted where --model looks', (command, deployment) => {
    const container = containerOf(deployment);
    expect(container.image).toBe(`native-ner:${VERSION}`);
    const { line } = parsedArgs(container);
    expect(parsedArgs(container).command).toBe(command);
    const security = deployment.spec.template.spec.securityContext;
    expect(`${security.runAsUser}:${security.runAsGroup}`).toBe(USER);
    expect(security.runAsNonRoot).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    const mount = (container.volumeMounts as Manifest[]).find((m) => m.mountPath === line.model);
    expect(mount, `a volume at ${line.model}`).toMatchObject({ readOnly: true });
    expect((deployment.spec.template.spec.volumes as Manifest[]).map((v) => v.name)).toContain(mount!.name);
  });

  it('serve listens on its container port, probed on /healthz, behind the Service, scaled by CPU', () => {
    const deployment = find(SERVE, 'Deployment');
    const container = containerOf(deployment);
    const { line } = parsedArgs(container);
    const port = Number(line.flags.port);
    expect(line.flags.host).toBe('0.0.0.0');
    expect(EXPOSED).toContain(port);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(container[probe].httpGet.path, probe).toBe('/healthz');
      expect(portNamed(container, container[probe].httpGet.port), probe).toBe(port);
    }
    const service = find(SERVE, 'Service');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(portNamed(container, service.spec.ports[0].targetPort)).toBe(port);
    const hpa = find(SERVE, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.metrics[0]).toMatchObject({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    // Long enough for serve's own grace period.
    const grace = (line.options.serve.shutdownGraceMs ?? OPTIONS.serve.shutdownGraceMs.default) / 1000;
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(grace);
  });

  it("worker: its metrics port exposed and probed, a consumer per pod, KEDA scaling it on its own stream and group", () => {
    const deployment = find(WORKER, 'Deployment');
    const container = containerOf(deployment);
    const { line } = parsedArgs(container);
    const metricsPort = line.options.worker.metricsPort!;
    expect(EXPOSED).toContain(metricsPort);
    expect(portNamed(container, 'metrics')).toBe(metricsPort);
    expect(line.flags['metrics-host']).toBe('0.0.0.0');
    for (const probe of ['livenessProbe', 'startupProbe']) {
      expect(container[probe].httpGet.path, probe).toBe('/healthz');
      expect(portNamed(container, container[probe].httpGet.port), probe).toBe(metricsPort);
    }
    // Each pod its own consumer name: two pods sharing one would take each other's pending messages for their own.
    expect(container.args).toContain('$(POD_NAME)');
    expect(container.env.find((e: Manifest) => e.name === 'POD_NAME').valueFrom.fieldRef.fieldPath).toBe('metadata.name');
    const grace = (line.options.worker.shutdownGraceMs ?? OPTIONS.worker.shutdownGraceMs.default) / 1000;
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(grace);

    const scaled = find(WORKER, 'ScaledObject');
    expect(scaled.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    const redis = new URL(line.flags.redis as string);
    const triggers = scaled.spec.triggers as Manifest[];
    expect(triggers.length).toBeGreaterThan(0);
    for (const { type, metadata } of triggers) {
      expect(type).toBe('redis-streams');
      expect(metadata.stream).toBe(line.flags.stream);
      expect(metadata.consumerGroup).toBe(line.flags.group);
      expect(metadata.address).toBe(`${redis.hostname}:${redis.port || 6379}`);
      const thresholds = ['lagCount', 'pendingEntriesCount'].filter((key) => key in metadata);
      expect(thresholds.length).toBe(1);
      expect(metadata[thresholds[0]]).toMatch(/^[1-9]\d*$/);  // KEDA takes numbers as strings
    }
    expect(triggers.some((t) => 'pendingEntriesCount' in t.metadata)).toBe(true);
    expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
  });
});
