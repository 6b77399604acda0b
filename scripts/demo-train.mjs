#!/usr/bin/env node
// The demo training job behind `npm start`: a small "model" trained for ~30 s on synthetic data, printing
// Keras-style progress and JSON metric lines like a real job, using some CPU and memory as it goes.
const epochs = Number(process.env.DEMO_EPOCHS ?? 6);
const stepsPerEpoch = Number(process.env.DEMO_STEPS ?? 50);
const stepMs = Number(process.env.DEMO_STEP_MS ?? 100);
const width = 32;

// ~200 MB of "activations", touched so that they count in the job's resident memory.
const activations = Array.from({ length: 25 }, () => new Float64Array(1 << 20).fill(1));

function burn(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + Math.random());
  return x;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const bar = (done, total) =>
  `${'='.repeat(Math.max(0, Math.round((width * done) / total) - 1))}${done < total ? '>' : '='}${'.'.repeat(width - Math.round((width * done) / total))}`;

let step = 0;
let loss = 2.3;
let accuracy = 0.1;
for (let epoch = 1; epoch <= epochs; epoch++) {
  process.stdout.write(`Epoch ${epoch}/${epochs}\n`);
  const started = Date.now();
  for (let batch = 1; batch <= stepsPerEpoch; batch++) {
    step++;
    burn(stepMs * 0.6);
    await sleep(stepMs * 0.4);
    activations[step % activations.length][step] += 1;
    loss = loss * 0.985 + 0.0015 * Math.random();
    accuracy = Math.min(0.99, accuracy + (0.99 - accuracy) * 0.02 + 0.005 * (Math.random() - 0.5));
    const line = `${batch}/${stepsPerEpoch} [${bar(batch, stepsPerEpoch)}] - ${Math.round((Date.now() - started) / 1000)}s - loss: ${loss.toFixed(4)} - accuracy: ${accuracy.toFixed(4)}`;
    if (batch < stepsPerEpoch) process.stdout.write(`\r${line}`);
    else {
      const valLoss = loss * (1.05 + 0.05 * Math.random());
      const valAccuracy = accuracy * (0.97 + 0.02 * Math.random());
      process.stdout.write(`\r${line} - val_loss: ${valLoss.toFixed(4)} - val_accuracy: ${valAccuracy.toFixed(4)}\n`);
    }
    if (step % 10 === 0) console.log(JSON.stringify({ metric: 'learning_rate', value: 1e-3 * 0.5 ** (epoch - 1), step }));
    if (step % 5 === 0) console.log(JSON.stringify({ metric: 'grad_norm', value: Number((1 / Math.sqrt(step) + 0.1 * Math.random()).toFixed(5)), step }));
  }
}
console.log(`done: ${epochs} epochs, ${step} steps, final loss ${loss.toFixed(4)}`);
