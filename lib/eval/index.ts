// The evaluator: dataset readers, strict span metrics, a runner that scores a model on a dataset, and the PII
// redaction evaluation (a generated set, its scoring and report).
export {
  datasetStats,
  toSentence,
  type Dataset,
  type DatasetStats,
  type Sentence,
  type Span,
  type WordSpan,
} from './dataset';
export { isEntityTag, parseConll, readConll, tagsToSpans } from './conll';
export { parseGenia, readGenia } from './genia';
export {
  innerSpans,
  outerSpans,
  scoreBySource,
  scoreNested,
  scoreSpans,
  toScore,
  uniqueSpans,
  type NestedScores,
  type PredictedSpan,
  type Score,
  type SpanScores,
} from './metrics';
export { evaluate, predictAll, scoreDataset, type EvaluateOptions, type Evaluation, type Extractor, type RulesEvaluation } from './evaluate';
export { formatCalibrationError, formatEvaluation } from './report';
export {
  binnedCalibration,
  DEFAULT_CALIBRATION_BINS,
  entityCalibration,
  type CalibrationError,
  type ReliabilityBin,
  type ScoredSpan,
} from './calibration-error';
export { reliabilitySvg } from './reliability-svg';
export {
  DEFAULT_PII_RECORDS,
  DEFAULT_PII_SEED,
  fillTemplate,
  generatePiiSet,
  namePools,
  PII_BUILTIN_LABELS,
  PII_LABELS,
  PII_MODEL_LABELS,
  PII_NEGATIVE_KINDS,
  PII_RULES,
  PII_TEMPLATES,
  type NamePools,
  type PiiNegative,
  type PiiRecord,
  type PiiSetOptions,
  type PiiSpan,
} from './pii-dataset';
export { scorePii, uncoveredChars, type PiiExample, type PiiScores, type PiiTypeScore, type RedactedLike, type RedactionSpan } from './pii-score';
export {
  checkPiiTargets,
  evaluatePii,
  extractRedactor,
  PII_TARGETS,
  redactEntities,
  type PiiEvaluateOptions,
  type PiiEvaluation,
  type PiiTargetCheck,
  type Redactor,
} from './pii-evaluate';
export { formatPiiEvaluation } from './pii-report';
