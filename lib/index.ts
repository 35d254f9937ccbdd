export { NativeNer, packUtf8, type Entity, type EntityColumns, type EngineStats, type ModelInfo, type Utf8Texts } from './ner';
export { Tokenizer, type TokenizedText } from './tokenizer';
export { sentences, type Sentence, type SentenceOptions } from './segmentation';
export { NerError, type NerErrorCode } from './errors';
export { Rules, loadRules, type RulesDocument, type RulesInput } from './rules';
export type { Aggregation, ExtractOptions, ModelOptions } from './options';
export type { ModelHead, SpanMode } from './options';
export * from './eval';
export { extractStream, readTexts, type StreamOptions, type StreamResult } from './stream';
export {
  createRulesReloader,
  createService,
  SERVE_LIMITS,
  type NerService,
  type RulesReloader,
  type ServeLimit,
  type ServeOptions,
} from './server';
