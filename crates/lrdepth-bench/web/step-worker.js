// Times the product's training step in this worker with the bench's wasm
// module (crate lrdepth-bench-wasm), built with the product's flags.
import init, * as bench from './pkg/lrdepth_bench_wasm.js';

const ready = init({ module_or_path: new URL('./pkg/lrdepth_bench_wasm_bg.wasm', import.meta.url) });

const timers = {
  steps: bench.timeSteps,
  products: bench.timeProducts,
  elementwise: bench.timeElementwise,
};

self.onmessage = async (event) => {
  const { kind, depth, count } = event.data;
  try {
    await ready;
    const timer = timers[kind];
    if (!timer) throw new Error(`unknown timing kind ${kind}: expected steps, products or elementwise`);
    self.postMessage({ ms: timer(depth, count), flops: bench.productFlops(depth) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
