/** Every failure native-ner reports, other than a wrong argument type (a `TypeError`), is a `NerError`. */
export type NerErrorCode =
  | 'ERR_INVALID_ARGUMENT' // an option or value the API does not accept
  | 'ERR_MODEL_NOT_FOUND' // the model directory or one of its files is missing
  | 'ERR_INVALID_MODEL' // a model file is unusable: corrupt ONNX, bad JSON, no id2label, labels not matching outputs
  | 'ERR_RUNTIME_UNAVAILABLE' // the ONNX Runtime library cannot be found or loaded
  | 'ERR_INFERENCE_FAILED' // ONNX Runtime failed while running the model
  | 'ERR_TEXT_TOO_LONG' // a text needs more tokens than the model window holds
  | 'ERR_TOO_MANY_WINDOWS' // a call needs more model windows than its maxWindows allows
  | 'ERR_TIMEOUT' // a call was not done within its timeoutMs; its remaining work was dropped
  | 'ERR_DISPOSED' // the model was disposed (or its thread is terminating) before the call ran
  | 'ERR_INTERNAL'; // a bug in native-ner: please report it

const CODES: ReadonlySet<string> = new Set<NerErrorCode>([
  'ERR_INVALID_ARGUMENT',
  'ERR_MODEL_NOT_FOUND',
  'ERR_INVALID_MODEL',
  'ERR_RUNTIME_UNAVAILABLE',
  'ERR_INFERENCE_FAILED',
  'ERR_TEXT_TOO_LONG',
  'ERR_TOO_MANY_WINDOWS',
  'ERR_TIMEOUT',
  'ERR_DISPOSED',
  'ERR_INTERNAL',
]);

export class NerError extends Error {
  readonly code: NerErrorCode;

  constructor(code: NerErrorCode, message: string) {
    super(message);
    this.name = 'NerError';
    this.code = code;
  }
}

/** Turns an error thrown by the native binding (a plain Error with an ERR_* `code`) into a NerError. */
export function fromNative(error: unknown): unknown {
  if (error instanceof NerError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CODES.has(code)) return new NerError(code as NerErrorCode, error.message);
  return error;
}

/** Runs a call into the binding, rethrowing its errors as NerError. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw fromNative(error);
  }
}
