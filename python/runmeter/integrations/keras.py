"""A Keras callback recording the loss and metrics of every batch and epoch (Keras 3, or tf.keras 2).

    from runmeter.integrations.keras import RunmeterCallback
    model.fit(x, y, epochs=5, validation_split=0.1, callbacks=[RunmeterCallback()])

Untested here: Keras does not install on the machines runmeter is tested on."""
from typing import Any, Dict, Optional

try:
    from keras.callbacks import Callback
except ImportError:  # tf.keras 2
    from tensorflow.keras.callbacks import Callback  # type: ignore[no-redef]

from .. import flush
from ._metrics import log_numbers


class RunmeterCallback(Callback):  # type: ignore[misc]
    """Records each batch's logs at its global step (unless every_batch=False) and each epoch's logs at its epoch."""

    def __init__(self, every_batch: bool = True) -> None:
        super().__init__()
        self.every_batch = every_batch
        self.step = 0
        self.epoch = 0

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self.epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.every_batch:
            log_numbers(logs, step=self.step, epoch=self.epoch)
        self.step += 1

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        log_numbers({f"epoch_{k}" if not k.startswith("val_") else k: v for k, v in (logs or {}).items()}, step=self.step, epoch=epoch)

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        flush()
