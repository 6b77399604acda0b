// A tiny TF.js model (pure JS, CPU) trained for a few seconds on synthetic data, recorded with runmeter's SDK:
// per-batch loss and accuracy with FLOPs per batch, validation metrics and system usage per epoch, a test
// evaluation, the model itself, and its params.
//
//   runmeter run -- node examples/tfjs-train.mjs     # joins the run `runmeter run` records
//   node examples/tfjs-train.mjs                     # records a run of its own
//
// EPOCHS (default 3) and SAMPLES (default 1024) in the environment change the length.
import * as tf from '@tensorflow/tfjs';
import { Context, startRun } from 'runmeter';

const epochs = Number(process.env.EPOCHS ?? 3);
const samples = Number(process.env.SAMPLES ?? 1024);
const batchSize = 32;
const features = 8;

// The label is whether a point lies above a fixed hyperplane, so the model has something real to learn.
const weights = tf.randomNormal([features, 1], 0, 1, 'float32', 7);
function dataset(n, seed) {
  const x = tf.randomNormal([n, features], 0, 1, 'float32', seed);
  const y = x.matMul(weights).greater(0).cast('float32');
  return { x, y };
}
const train = dataset(samples, 1);
const test = dataset(Math.floor(samples / 4), 2);

const model = tf.sequential({
  name: 'tiny_mlp',
  layers: [tf.layers.dense({ inputShape: [features], units: 32, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

const run = await startRun({
  name: 'tfjs-tiny-mlp',
  experiment: 'examples',
  params: { epochs, batch_size: batchSize, samples, features, optimizer: 'adam', learning_rate: 0.01, backend: tf.getBackend() },
});
console.log(`recording run ${run.id}${run.attached ? " (runmeter run's)" : ''} in ${run.storeLocation}`);

let step = 0;
let epoch = 0;
try {
  await model.fit(train.x, train.y, {
    epochs,
    batchSize,
    validationSplit: 0.2,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async (e) => {
        epoch = e;
      },
      onBatchEnd: async (_batch, logs) => {
        step++;
        run.logMetrics({ loss: logs.loss, accuracy: logs.acc }, { context: Context.TRAINING, step, epoch });
        // The last batch of an epoch is smaller: count the FLOPs of the batch as it was.
        run.logFlopsPerBatch('tiny_mlp', model, logs.size ?? batchSize, Context.TRAINING, step);
      },
      onEpochEnd: async (e, logs) => {
        run.logMetrics({ loss: logs.val_loss, accuracy: logs.val_acc }, { context: Context.VALIDATION, epoch: e, step });
        run.logFlopsPerEpoch('tiny_mlp', model, Math.round(samples * 0.8), Context.TRAINING, e);
        run.logExecutionTime('epoch_end', Context.TRAINING, e);
        await run.logSystemMetrics(Context.TRAINING, e);
        // Plain progress only: the numbers go through the SDK, so `runmeter run` does not also parse them from stdout.
        console.log(`epoch ${e + 1}/${epochs} done`);
      },
    },
  });
  const [testLoss, testAccuracy] = model.evaluate(test.x, test.y, { batchSize }).map((t) => t.dataSync()[0]);
  run.logMetrics({ loss: testLoss, accuracy: testAccuracy }, { context: Context.TESTING, step });
  await run.logModel(model, { name: 'tiny_mlp', context: Context.TRAINING, batch: batchSize });
  await run.end();
} catch (error) {
  await run.end('failed');
  throw error;
}
