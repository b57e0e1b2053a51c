import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';

/**
 * Where ours spends its CPU per mail, stage by stage. The stages interleave (a pass renders while
 * the mails of the last one are on the wire), so timing them with `process.cpuUsage` around
 * awaits would count each other's work; instead one extra run of ours is sampled by V8's
 * profiler and each sample is given to the stage that owns the innermost frame of ours (or of
 * the SMTP libraries) on its stack. The shares of the samples are applied to that run's
 * `process.cpuUsage`.
 */
export const stages = [
  'plan',
  'render',
  'record',
  'queue',
  'send',
  'smtp server',
  'database wire',
  'runtime',
] as const;
export type Stage = (typeof stages)[number];

/**
 * The first rule that matches a frame, innermost frame first, owns the sample. Our files by their
 * job; nodemailer's client is `send`, smtp-server is the in-process server both sides pay; pg's
 * protocol work runs in socket callbacks without its caller on the stack (`database wire`, every
 * statement). kysely and node internals are skipped so that building a statement counts for the
 * code that asked for it. What matches nothing (GC, microtask plumbing) is `runtime`.
 */
const rules: readonly { readonly stage: Stage; readonly url: RegExp; readonly fn?: RegExp }[] = [
  { stage: 'smtp server', url: /node_modules\/smtp-server\// },
  { stage: 'send', url: /node_modules\/nodemailer\/|mail\/smtp-(pool|transport)\.ts/ },
  { stage: 'send', url: /mail\/mail-service\.ts/, fn: /^deliver$/ },
  { stage: 'send', url: /mail\/mail-repository\.ts/, fn: /markSent|findStatuses|findMany/ },
  { stage: 'record', url: /mail\/mail-repository\.ts/ },
  {
    stage: 'render',
    url: /mail\/(compose-message|mime-message|ics-builder|render-body|messages|recurrence-words)\.ts|src\/calendar\/|node_modules\/ical-generator\//,
  },
  { stage: 'plan', url: /mail\/(plan-mails|mail-service)\.ts|storage\/(guest|event|invite|user|room|dial)/ },
  { stage: 'queue', url: /src\/jobs\/|src\/outbox\/|storage\/outbox-repository|mail\/batcher\.ts/ },
  {
    stage: 'database wire',
    url: /node_modules\/(pg|pg-protocol|pg-types|postgres-[a-z]+)\/|storage\/pg-copy\.ts/,
  },
];

type ProfileNode = Profiler.ProfileNode;

/** Samples per stage of a V8 CPU profile. */
function sampledByStage(profile: Profiler.Profile): Map<Stage, number> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stageOf = new Map<number, Stage | undefined>();
  const classify = (id: number): Stage | undefined => {
    if (stageOf.has(id)) return stageOf.get(id);
    const node = nodes.get(id);
    let stage: Stage | undefined;
    if (node !== undefined) {
      const { url, functionName } = node.callFrame;
      // The profiler's own work (the inspector session) is no stage of ours.
      if (url.startsWith('node:inspector')) stage = undefined;
      else {
        stage = rules.find((r) => r.url.test(url) && (r.fn === undefined || r.fn.test(functionName)))?.stage;
        const up = parent.get(id);
        if (stage === undefined && up !== undefined) stage = classify(up);
      }
    }
    stageOf.set(id, stage);
    return stage;
  };
  const sampled = new Map<Stage, number>();
  const samples = profile.samples ?? [];
  samples.forEach((id) => {
    const name = nodes.get(id)?.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return;
    if (isInspector(nodes, parent, id)) return;
    const stage = classify(id) ?? 'runtime';
    // Counted, not weighed by the time since the last sample: a thread that was descheduled
    // (a busy machine, or right after waking PostgreSQL with a write) is sampled once when it
    // runs again, and its wait would be charged to the call it was in.
    sampled.set(stage, (sampled.get(stage) ?? 0) + 1);
  });
  return sampled;
}

function isInspector(nodes: Map<number, ProfileNode>, parent: Map<number, number>, id: number): boolean {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    if (nodes.get(at)?.callFrame.url.startsWith('node:inspector') === true) return true;
  }
  return false;
}

export interface StageSplit {
  /** This run's CPU per mail (user + system), profiler on. */
  readonly cpuMsPerMail: number;
  /** CPU per mail of each stage: its share of the samples times `cpuMsPerMail`. */
  readonly msPerMail: Readonly<Record<Stage, number>>;
}

/**
 * Runs `run` (which sends `mails` mails) under the sampling profiler and splits its CPU by stage;
 * `saveTo` keeps the profile (`.cpuprofile`, for Chrome DevTools) for a closer look.
 */
export async function profileStages(
  mails: number,
  run: () => Promise<void>,
  saveTo?: string,
): Promise<StageSplit> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  const cpu = process.cpuUsage();
  let used: NodeJS.CpuUsage;
  let profile: Profiler.Profile;
  try {
    await run();
  } finally {
    used = process.cpuUsage(cpu);
    ({ profile } = await session.post('Profiler.stop'));
    session.disconnect();
  }
  if (saveTo !== undefined) writeFileSync(saveTo, JSON.stringify(profile));
  const cpuMsPerMail = (used.user + used.system) / 1000 / mails;
  const sampled = sampledByStage(profile);
  const total = [...sampled.values()].reduce((a, b) => a + b, 0) || 1;
  const msPerMail = Object.fromEntries(
    stages.map((s) => [s, ((sampled.get(s) ?? 0) / total) * cpuMsPerMail]),
  ) as Record<Stage, number>;
  return { cpuMsPerMail, msPerMail };
}
