export {
  NativeNer,
  packUtf8,
  type Entity,
  type EntityColumns,
  type EngineStats,
  type ModelInfo,
  type RedactStreamResult,
  type TokenScores,
  type Utf8Texts,
} from './ner';
export {
  PseudonymMap,
  readKeyFile,
  restore,
  type Operator,
  type OperatorName,
  type RedactedText,
  type Redaction,
  type RedactionKeys,
} from './redaction';
export { Tokenizer, type TokenizedText } from './tokenizer';
export { combineIdentity, modelIdentity, type ModelIdentity } from './identity';
export type { RequestLogLine } from './request-log';
export { sentences, type Sentence, type SentenceOptions } from './segmentation';
export { NerError, type NerErrorCode } from './errors';
export { Rules, loadRules, type RulesDocument, type RulesInput } from './rules';
export type { Aggregation, ExtractOptions, ModelOptions, RedactOptions, RedactStreamOptions } from './options';
export { parseOperator } from './options';
export type { ModelHead, SpanMode } from './options';
export * from './eval';
export * from './calibration';
export { extractStream, readTexts, type StreamOptions, type StreamResult } from './stream';
export {
  createRulesReloader,
  createService,
  SERVE_LIMITS,
  type NerService,
  type RedactDefaults,
  type RulesReloader,
  type ServeLimit,
  type ServeOptions,
  type ServiceOptions,
} from './server';
export {
  cascade,
  Cascade,
  cascadeMetricLines,
  EscalationBudget,
  remoteTier,
  RemoteTierError,
  type CascadeBudget,
  type CascadeEntity,
  type CascadeOptions,
  type CascadeResult,
  type CascadeStats,
  type ConfidenceSignal,
  type Degraded,
  type RemoteOptions,
  type TierExtractor,
  type TierInput,
  type TierSpec,
  type TierStats,
} from './cascade';
export { Monitor } from './monitoring';
export {
  compareProfiles,
  DEFAULT_THRESHOLDS,
  formatDriftReport,
  type DriftReport,
  type DriftStatus,
  type DriftThresholds,
  type SignalDrift,
} from './drift/compare';
export { mergeProfiles, readBaseline, type Baseline, type BinnedCounts, type LabelCounts, type Profile } from './drift/profile';
export { profileTexts, toBaseline, type ProfileRun } from './drift/profiling';
export { DriftWindow, type DriftWindowOptions } from './drift/window';
export {
  createWorker,
  type CreateWorkerOptions,
  type Worker,
  type WorkerEngine,
} from './worker/worker';
export { redisStreamsTransport, defaultConsumerName, type RedisStreamsOptions } from './worker/redis-streams';
export type { Backlog, OutputEntry, QueueMessage, WorkerTransport } from './worker/transport';
export { MessageError, parseMessage, type DeadLetterCode, type ParsedMessage } from './worker/messages';
export { WorkerMetrics } from './worker/metrics';
export type { WorkerOptions } from './options';
