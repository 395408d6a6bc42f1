/**
 * Hand-encoded ONNX models (protobuf wire format) for the registry tests: no tooling needed.
 * Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, …).
 */
type Field = Buffer;

function varint(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const bytes: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number | bigint): Field => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field: number, value: Buffer): Field => Buffer.concat([key(field, 2), varint(value.length), value]);
const str = (field: number, value: string): Field => bytes(field, Buffer.from(value, 'utf8'));
const msg = (field: number, ...parts: Field[]): Field => bytes(field, Buffer.concat(parts));

const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;

/** TensorProto with raw little-endian data. */
function tensor(field: number, name: string, type: number, dims: number[], values: number[]): Field {
  const raw = type === FLOAT ? Buffer.from(new Float32Array(values).buffer) : type === INT64 ? Buffer.from(new BigInt64Array(values.map(BigInt)).buffer) : Buffer.from(values.map((v) => (v ? 1 : 0)));
  return msg(field, ...dims.map((d) => int(1, d)), int(2, type), str(8, name), bytes(9, raw));
}

/** ValueInfoProto; a string dim is symbolic. */
function valueInfo(field: number, name: string, type: number, dims: Array<number | string>): Field {
  const shape = msg(2, ...dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d))));
  return msg(field, str(1, name), msg(2, msg(1, int(1, type), shape)));
}

function node(field: number, op: string, inputs: string[], outputs: string[], ...attributes: Field[]): Field {
  return msg(field, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${op}_${outputs[0]}`), str(4, op), ...attributes);
}

function model(...graph: Field[]): Buffer {
  return Buffer.concat([int(1, 8), str(2, 'spot-tests'), msg(7, str(2, 'g'), ...graph), msg(8, str(1, ''), int(2, 13))]);
}

const WEIGHTS = [2.0, 0.4, 1.0, 1.0, 0.8, 3.0, 0, 0];

/** features [N, 8] → MatMul → Add → Sigmoid → probability [N, 1]: a valid model. */
export function goodModel(bias = -3): Buffer {
  return model(
    node(1, 'MatMul', ['features', 'W'], ['logit0']),
    node(1, 'Add', ['logit0', 'B'], ['logit']),
    node(1, 'Sigmoid', ['logit'], ['probability']),
    tensor(5, 'W', FLOAT, [8, 1], WEIGHTS),
    tensor(5, 'B', FLOAT, [1], [bias]),
    valueInfo(11, 'features', FLOAT, ['N', 8]),
    valueInfo(12, 'probability', FLOAT, ['N', 1]),
  );
}

/** Loads and runs, but answers logits (up to ~7), not probabilities: breaks the contract. */
export function outOfContractModel(): Buffer {
  return model(
    node(1, 'MatMul', ['features', 'W'], ['logit0']),
    node(1, 'Add', ['logit0', 'B'], ['probability']),
    tensor(5, 'W', FLOAT, [8, 1], WEIGHTS),
    tensor(5, 'B', FLOAT, [1], [5]),
    valueInfo(11, 'features', FLOAT, ['N', 8]),
    valueInfo(12, 'probability', FLOAT, ['N', 1]),
  );
}

/** A valid graph whose input is not `features`: fails at the first call. */
export function wrongInputModel(): Buffer {
  return model(node(1, 'Sigmoid', ['x'], ['probability']), valueInfo(11, 'x', FLOAT, ['N', 8]), valueInfo(12, 'probability', FLOAT, ['N', 8]));
}

/** A Loop of 10^15 iterations before the sigmoid: never answers. */
export function hangingModel(): Buffer {
  const body = msg(
    6,
    str(2, 'body'),
    node(1, 'Identity', ['cond_in'], ['cond_out']),
    node(1, 'Add', ['v_in', 'step'], ['v_out']),
    tensor(5, 'step', FLOAT, [1], [0]),
    valueInfo(11, 'i', INT64, []),
    valueInfo(11, 'cond_in', BOOL, []),
    valueInfo(11, 'v_in', FLOAT, ['N', 1]),
    valueInfo(12, 'cond_out', BOOL, []),
    valueInfo(12, 'v_out', FLOAT, ['N', 1]),
  );
  const loopBody = msg(5, str(1, 'body'), int(20, 5), body);
  return model(
    node(1, 'MatMul', ['features', 'W'], ['logit0']),
    node(1, 'Add', ['logit0', 'B'], ['logit']),
    node(1, 'Loop', ['M', 'cond', 'logit'], ['looped'], loopBody),
    node(1, 'Sigmoid', ['looped'], ['probability']),
    tensor(5, 'W', FLOAT, [8, 1], WEIGHTS),
    tensor(5, 'B', FLOAT, [1], [-3]),
    tensor(5, 'M', INT64, [], [1e15]),
    tensor(5, 'cond', BOOL, [], [1]),
    valueInfo(11, 'features', FLOAT, ['N', 8]),
    valueInfo(12, 'probability', FLOAT, ['N', 1]),
  );
}

/** Not a model at all. */
export function garbageModel(): Buffer {
  return Buffer.from('this is not an onnx model, just bytes that claim to be one');
}

