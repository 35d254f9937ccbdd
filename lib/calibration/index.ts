// Temperature scaling of a token classifier (native-ner calibrate): the fit on synthetic or real logits
// (temperature.ts, pure numerics) and on a labelled dataset through a model's tokenScores (fit.ts).
export {
  fitLabelTemperatures,
  fitTemperature,
  MAX_TEMPERATURE,
  meanNll,
  MIN_TEMPERATURE,
  nllAndGradient,
  nllAtTemperature,
  type LabelFitOptions,
  type LabelledLogits,
  type LabelTemperaturesFit,
  type SingleTemperatureFit,
} from './temperature';
export {
  calibrationDocument,
  collectTokens,
  detectScheme,
  fitCalibration,
  fitTokens,
  formatCalibration,
  goldTokenTags,
  type CalibrationDocument,
  type CalibrationFit,
  type CollectOptions,
  type DatasetTokens,
  type TokenScorer,
  type TokenTagScheme,
} from './fit';
