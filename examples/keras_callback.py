"""A Keras callback that reports metrics as JSON lines, and a small model trained with it.

    runmeter run -- python examples/keras_callback.py --epochs 3

runmeter also understands Keras' own progress bar (verbose=1 or 2), so plain `model.fit` works under
`runmeter run` too; the callback adds per-batch points with a global step, and keeps working when the progress
bar is off (verbose=0) or redirected. Copy `RunmeterJsonLines` into your project: it needs only Keras.
Works with Keras 3 (any backend) and tf.keras 2. The data is synthetic (no download).
"""

import argparse
import json

import numpy as np

try:
    import keras
except ImportError:  # tf.keras 2 without the standalone package
    from tensorflow import keras


class RunmeterJsonLines(keras.callbacks.Callback):
    """Prints {"metric", "value", "step"} per batch and {"metric", "value", "epoch"} per epoch on stdout."""

    def __init__(self, every_n_batches=1):
        super().__init__()
        self.every_n_batches = every_n_batches
        self.step = 0

    @staticmethod
    def _emit(metric, value, **axes):
        # json.dumps writes NaN and infinities bare (NaN, Infinity, -Infinity), which is how runmeter reads them.
        print(json.dumps({"metric": metric, "value": float(value), **axes}), flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every_n_batches == 0:
            for name, value in (logs or {}).items():
                self._emit(name, value, step=self.step)

    def on_epoch_end(self, epoch, logs=None):
        # Epoch-end logs hold the training averages and, with validation data, the val_ metrics.
        for name, value in (logs or {}).items():
            self._emit(name if name.startswith("val_") else f"epoch_{name}", value, epoch=epoch + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=2048)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.samples, 20)).astype("float32")
    y = (x @ rng.normal(size=(20,)) > 0).astype("float32")

    model = keras.Sequential(
        [
            keras.Input(shape=(20,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=args.epochs, batch_size=32, validation_split=0.2, verbose=0, callbacks=[RunmeterJsonLines(every_n_batches=5)])


if __name__ == "__main__":
    main()
