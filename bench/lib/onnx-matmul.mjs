// Writes a minimal ONNX model holding one matrix multiply, byte by byte (no onnx package is needed): the protobuf
// messages ModelProto, GraphProto, NodeProto, TensorProto and ValueInfoProto, only the fields used here.
//   fp32: Y[M,N] = MatMul(A[M,K], B[K,N]) with B an initializer;
//   int8: Y[M,N] (int32) = MatMulInteger(A[M,K] uint8, B[K,N] int8, a_zero_point, b_zero_point), the operator the
//         dynamically quantized model_int8.onnx runs its linear layers with (after DynamicQuantizeLinear).

const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;

/** @param {number} value a non-negative integer below 2^53 */
function varint(value) {
  const bytes = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** A varint field. @param {number} field @param {number} value */
const intField = (field, value) => Buffer.concat([varint(field * 8), varint(value)]);

/** A length-delimited field (string, bytes or nested message). @param {number} field @param {Buffer | string} data */
function bytesField(field, data) {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([varint(field * 8 + 2), varint(body.length), body]);
}

/** ValueInfoProto of a tensor with a fixed shape. @param {string} name @param {number} elemType @param {number[]} dims */
function valueInfo(name, elemType, dims) {
  const shape = Buffer.concat(dims.map((d) => bytesField(1, intField(1, d)))); // TensorShapeProto.dim.dim_value
  const tensorType = Buffer.concat([intField(1, elemType), bytesField(2, shape)]); // TypeProto.Tensor
  return Buffer.concat([bytesField(1, name), bytesField(2, bytesField(1, tensorType))]); // ValueInfoProto.type.tensor_type
}

/** TensorProto with raw_data. @param {string} name @param {number} dataType @param {number[]} dims @param {Buffer} raw */
function tensor(name, dataType, dims, raw) {
  return Buffer.concat([...dims.map((d) => intField(1, d)), intField(2, dataType), bytesField(8, name), bytesField(9, raw)]);
}

/** NodeProto. @param {string} opType @param {string[]} inputs @param {string[]} outputs */
function node(opType, inputs, outputs) {
  return Buffer.concat([...inputs.map((i) => bytesField(1, i)), ...outputs.map((o) => bytesField(2, o)), bytesField(3, opType.toLowerCase()), bytesField(4, opType)]);
}

/** Deterministic pseudo-random bytes, so the weights are not all zero (a kernel could not shortcut them anyway). */
function noise(/** @type {number} */ length) {
  const out = Buffer.alloc(length);
  let x = 0x12345678;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * The model file's bytes.
 * @param {'fp32' | 'int8'} kind
 * @param {{ m: number; k: number; n: number }} size
 */
export function matMulModel(kind, { m, k, n }) {
  /** @type {Buffer[]} */
  let parts;
  if (kind === 'fp32') {
    const b = new Float32Array(k * n);
    const bits = noise(k * n);
    for (let i = 0; i < b.length; i++) b[i] = (bits[i] - 128) / 1024;
    parts = [
      bytesField(1, node('MatMul', ['A', 'B'], ['Y'])),
      bytesField(2, 'matmul_fp32'),
      bytesField(5, tensor('B', FLOAT, [k, n], Buffer.from(b.buffer))),
      bytesField(11, valueInfo('A', FLOAT, [m, k])),
      bytesField(12, valueInfo('Y', FLOAT, [m, n])),
    ];
  } else {
    parts = [
      bytesField(1, node('MatMulInteger', ['A', 'B', 'a_zero_point', 'b_zero_point'], ['Y'])),
      bytesField(2, 'matmul_int8'),
      bytesField(5, tensor('B', INT8, [k, n], noise(k * n))),
      bytesField(5, tensor('a_zero_point', UINT8, [], Buffer.from([128]))),
      bytesField(5, tensor('b_zero_point', INT8, [], Buffer.from([0]))),
      bytesField(11, valueInfo('A', UINT8, [m, k])),
      bytesField(12, valueInfo('Y', INT32, [m, n])),
    ];
  }
  const graph = Buffer.concat(parts);
  const opset = Buffer.concat([bytesField(1, ''), intField(2, 17)]);
  // ModelProto: ir_version 8, producer_name, graph, opset_import (ai.onnx 17).
  return Buffer.concat([intField(1, 8), bytesField(2, 'native-ner bench'), bytesField(7, graph), bytesField(8, opset)]);
}

/** The input to feed: random values of A's type. @param {'fp32' | 'int8'} kind @param {{ m: number; k: number }} size */
export function matMulInput(kind, { m, k }) {
  const bits = noise(m * k + 7).subarray(7);
  if (kind === 'int8') return new Uint8Array(bits);
  const a = new Float32Array(m * k);
  for (let i = 0; i < a.length; i++) a[i] = (bits[i] - 128) / 128;
  return a;
}
