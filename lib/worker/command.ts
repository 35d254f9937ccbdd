// `native-ner worker`: the command line's worker on Redis Streams. commands.ts parses its flags (the option table's
// 'worker' scope, the model, extract and redact options, and its own --redis, --stream, --group, ...); this runs it
// until SIGTERM or SIGINT, then lets the messages in flight finish and returns, so the process exits 0.
import type { CommandLine } from '../commands';
import { UsageError } from '../commands';
import type { NativeNer } from '../ner';
import { optionSpec, type ModelOptions, type OptionName } from '../options';
import type { OperatorObject, RedactionKeys } from '../redaction';
import { redisStreamsTransport } from './redis-streams';
import { createWorker } from './worker';

/** What the CLI lends the command: loading a model (with its warnings printed) and reading the key files. */
export interface WorkerCommandTools {
  loadModel(dir: string, options: ModelOptions): Promise<NativeNer>;
  keysOf(flags: CommandLine['flags'], operators?: Record<string, OperatorObject>): RedactionKeys;
}

export async function runWorkerCommand(line: CommandLine, tools: WorkerCommandTools): Promise<void> {
  const text = (name: string) => (typeof line.flags[name] === 'string' ? (line.flags[name] as string) : undefined);
  if (!text('stream')) throw new UsageError('--stream IN is required');
  if (!text('group')) throw new UsageError('--group G is required');
  const redact = line.flags.redact === true;
  const redactOptions = line.options.redact;
  if (!redact) {
    // Redaction's flags (and its key files) mean nothing without --redact: say so rather than ignore them.
    const flags = Object.keys(redactOptions).map((name) => optionSpec('redact', name as OptionName<'redact'>).cli?.flag ?? name);
    for (const keyFlag of ['hash-key', 'encrypt-key']) if (line.flags[keyFlag] !== undefined) flags.push(`--${keyFlag}`);
    if (flags.length > 0) throw new UsageError(`${flags.join(', ')} ${flags.length > 1 ? 'need' : 'needs'} --redact`);
  }
  if (redactOptions.pseudonyms === 'call') {
    throw new UsageError('--pseudonyms call: numbering across a batch would differ on redelivery; the worker numbers per text');
  }
  const operators = redactOptions.operators as Record<string, OperatorObject> | undefined;
  const keys = tools.keysOf(line.flags, operators);
  const transport = redisStreamsTransport({
    url: text('redis'),
    stream: text('stream') as string,
    group: text('group') as string,
    consumer: text('consumer'),
    output: text('output'),
    deadLetter: text('dead-letter'),
    reconnectMaxMs: line.options.worker.reconnectMaxMs,
  });
  // The extract options given (rules, confidence, segmentation, ...) become the model's defaults, as for extract.
  const ner = await tools.loadModel(line.model, { ...line.options.model, ...line.options.extract });
  try {
    const worker = createWorker(ner, transport, {
      ...line.options.worker,
      redact: redact ? { ...redactOptions, keys } : undefined,
      metricsHost: text('metrics-host'),
      log: (message) => console.error(message),
    });
    const { stream, group, consumer, output, deadLetter } = transport.options;
    console.error(
      `native-ner worker: model ${ner.info.modelPath} on stream ${stream}, group ${group}, consumer ${consumer}; ` +
        `results to ${output}, dead letters to ${deadLetter}`,
    );
    const stop = (signal: string) => {
      console.error(`native-ner worker: ${signal}, finishing the messages in flight`);
      void worker.stop();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    await worker.run();
    const { processed, deadLetteredTotal } = worker.metrics;
    console.error(`native-ner worker: stopped; ${processed} message(s) processed, ${deadLetteredTotal} dead-lettered`);
  } finally {
    await ner.dispose();
  }
}
