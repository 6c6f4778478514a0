// Trains the product's MLP with TensorFlow.js: the same data, initial
// weights, multipliers and per-layer learning rates (read from
// problem-<depth>.json, which the driver writes), full-batch gradient
// descent on ½·mean((f − y)²), the loss read back after every step as the
// product's divergence check does.
importScripts('tfjs/tf.min.js', 'tfjs/tf-backend-wasm.min.js');
tf.wasm.setWasmPaths(new URL('tfjs/', self.location.href).href);

async function loadProblem(depth) {
  const response = await fetch(`problem-${depth}.json`);
  if (!response.ok) throw new Error(`problem-${depth}.json: HTTP ${response.status}`);
  return response.json();
}

function buildModel(problem) {
  const x = tf.tensor2d(problem.inputs, [problem.samples, problem.inputDim]);
  const y = tf.tensor2d(problem.targets, [problem.samples, 1]);
  const weights = problem.weights.map((w) => tf.variable(tf.tensor2d(w.values, [w.rows, w.cols])));
  const loss = () => {
    let h = x;
    for (let k = 0; k < problem.depth; k++) {
      h = tf.relu(tf.mul(tf.matMul(h, weights[k]), problem.multipliers[k]));
    }
    const f = tf.mul(tf.matMul(h, weights[problem.depth]), problem.multipliers[problem.depth]);
    return tf.mul(tf.mean(tf.square(tf.sub(f, y))), 0.5);
  };
  const step = () => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, weights);
    weights.forEach((w, k) => w.assign(tf.sub(w, tf.mul(grads[w.name], problem.rates[k]))));
    return value;
  });
  const dispose = () => tf.dispose([x, y, ...weights]);
  return { step, dispose };
}

// Runs `steps` steps from the initial weights and times the last
// `steps - warmUp`; returns the milliseconds and the loss of the last step.
async function train({ backend, depth, steps, warmUp }) {
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to start`);
  await tf.ready();
  const model = buildModel(await loadProblem(depth));
  let lastLoss = NaN;
  let start = performance.now();
  for (let i = 0; i < steps; i++) {
    if (i === warmUp) start = performance.now();
    const loss = model.step();
    lastLoss = loss.dataSync()[0];
    loss.dispose();
  }
  const ms = performance.now() - start;
  model.dispose();
  return { ms, timedSteps: steps - warmUp, lastLoss, backend: tf.getBackend(), tfjs: tf.version.tfjs };
}

self.onmessage = async (event) => {
  try {
    self.postMessage(await train(event.data));
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
