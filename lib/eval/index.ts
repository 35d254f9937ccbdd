// The evaluator: dataset readers, strict span metrics, and a runner that scores a model on a dataset.
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
export { formatEvaluation } from './report';
