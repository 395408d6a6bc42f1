import { spawn } from 'node:child_process';
import { FeatureMatrix, FEATURE_COLUMNS, MODEL_INPUT_NAME } from './onnx-contract';

export interface IsolatedRun {
  ok: boolean;
  error?: string;
  inputNames?: string[];
  outputNames?: string[];
  dims?: number[];
  values?: number[];
  durationMs: number;
}

/**
 * Runs in a separate Node process: loads the model with onnxruntime-node and answers one feature
 * matrix, printing one JSON line. Plain JavaScript, so the same code runs from src and dist.
 */
const VALIDATOR_SCRIPT = `
(async () => {
  const { ortPath, modelPath, rows, width, data, inputName } = JSON.parse(process.argv[1]);
  const reply = (value) => process.stdout.write(JSON.stringify(value) + '\\n', () => process.exit(0));
  try {
    const ort = require(ortPath);
    const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    if (!session.inputNames.includes(inputName)) throw new Error('the model takes [' + session.inputNames.join(', ') + '], it must take "' + inputName + '"');
    const out = await session.run({ [inputName]: new ort.Tensor('float32', Float32Array.from(data), [rows, width]) });
    const first = out[session.outputNames[0]];
    reply({ ok: true, inputNames: session.inputNames, outputNames: session.outputNames, dims: first.dims.map(Number), values: Array.from(first.data, Number) });
  } catch (error) {
    reply({ ok: false, error: String((error && error.message) || error).slice(0, 1000) });
  }
})();
`;

/**
 * Loads and runs a model outside the API process, with a time limit: a model that hangs is
 * killed, one that crashes the runtime (even natively) takes only this process down. A child
 * process rather than a worker thread, because a worker cannot be stopped inside native code.
 */
export function runModelIsolated(modelPath: string, matrix: FeatureMatrix, timeoutMs: number): Promise<IsolatedRun> {
  const started = performance.now();
  const payload = JSON.stringify({ ortPath: require.resolve('onnxruntime-node'), modelPath, rows: matrix.rows, width: FEATURE_COLUMNS.length, data: Array.from(matrix.data), inputName: MODEL_INPUT_NAME });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=512', '-e', VALIDATOR_SCRIPT, payload], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `the validator could not start: ${error.message}`, durationMs: Math.round(performance.now() - started) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Math.round(performance.now() - started);
      if (timedOut) return resolve({ ok: false, error: `the model did not answer the test vector within ${timeoutMs} ms`, durationMs });
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        return resolve({ ...(JSON.parse(line) as Omit<IsolatedRun, 'durationMs'>), durationMs });
      } catch {
        return resolve({ ok: false, error: `the model crashed the validator (${signal ? `signal ${signal}` : `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`, durationMs });
      }
    });
  });
}
