"""A PyTorch Lightning model whose metrics reach runmeter as JSON lines, through a small callback.

    runmeter run -- python examples/lightning_example.py --epochs 3

`self.log(...)` stores values in the trainer; `RunmeterJsonLines` prints them after each training batch and each
validation epoch, with the global step and the epoch, so runmeter records them whatever progress bar or logger is
configured. (runmeter also parses Lightning's progress bar, but that shows only what `prog_bar=True` selects.)
Works with `lightning` 2.x and `pytorch_lightning`. The data is synthetic (no download).
"""

import argparse
import json

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

try:
    import lightning as L
except ImportError:
    import pytorch_lightning as L


class RunmeterJsonLines(L.Callback):
    """Prints the trainer's logged metrics as {"metric", "value", "step"|"epoch"} lines on stdout (rank 0 only)."""

    @staticmethod
    def _emit(metric, value, **axes):
        # json.dumps writes NaN and infinities bare (NaN, Infinity, -Infinity), which is how runmeter reads them.
        print(json.dumps({"metric": metric, "value": float(value), **axes}), flush=True)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if trainer.is_global_zero:
            for name, value in trainer.callback_metrics.items():
                if name.startswith("train_"):
                    self._emit(name.removeprefix("train_"), value, step=trainer.global_step, epoch=trainer.current_epoch)

    def on_validation_epoch_end(self, trainer, pl_module):
        if trainer.is_global_zero and not trainer.sanity_checking:
            for name, value in trainer.callback_metrics.items():
                if name.startswith("val_"):
                    self._emit(name, value, epoch=trainer.current_epoch, step=trainer.global_step)


class Classifier(L.LightningModule):
    def __init__(self, features=20, learning_rate=1e-2):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(features, 32), nn.ReLU(), nn.Linear(32, 2))
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, x):
        return self.net(x)

    def _step(self, batch, prefix):
        x, y = batch
        logits = self(x)
        loss = self.loss_fn(logits, y)
        accuracy = (logits.argmax(dim=1) == y).float().mean()
        self.log(f"{prefix}_loss", loss, prog_bar=True)
        self.log(f"{prefix}_accuracy", accuracy, prog_bar=True)
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.learning_rate)


def loader(n, generator, shuffle):
    x = torch.randn(n, 20, generator=generator)
    y = (x.sum(dim=1) > 0).long()
    return DataLoader(TensorDataset(x, y), batch_size=32, shuffle=shuffle)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=2048)
    args = parser.parse_args()

    generator = torch.Generator().manual_seed(0)
    trainer = L.Trainer(
        max_epochs=args.epochs,
        callbacks=[RunmeterJsonLines()],
        enable_progress_bar=False,
        enable_checkpointing=False,
        logger=False,
        log_every_n_steps=5,
    )
    trainer.fit(Classifier(), loader(args.samples, generator, True), loader(args.samples // 4, generator, False))


if __name__ == "__main__":
    main()
