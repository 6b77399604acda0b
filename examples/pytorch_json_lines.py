"""A small PyTorch training loop that reports its metrics as JSON lines on stdout.

runmeter reads them from the job's output, so the script needs no runmeter package:

    runmeter run -- python examples/pytorch_json_lines.py --epochs 3

Each line is one metric point: {"metric": "loss", "value": 0.41, "step": 120} during training and
{"metric": "val_accuracy", "value": 0.93, "epoch": 2} after each epoch. The data is synthetic (no download):
a small CNN learns to tell 16x16 images with a bright top half from those with a bright bottom half.
"""

import argparse
import json
import time

import torch
from torch import nn


def emit(metric, value, **axes):
    """Prints one metric point as a JSON line (json.dumps writes NaN and infinities bare, as runmeter reads them)."""
    print(json.dumps({"metric": metric, "value": float(value), **axes}), flush=True)


def synthetic_images(n, generator):
    labels = torch.randint(0, 2, (n,), generator=generator)
    images = torch.randn(n, 1, 16, 16, generator=generator) * 0.5
    bright = torch.zeros(n, 1, 16, 16)
    bright[labels == 1, :, :8, :] = 1.0
    bright[labels == 0, :, 8:, :] = 1.0
    return images + bright, labels


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 2),
    )


def evaluate(model, images, labels, loss_fn):
    model.eval()
    with torch.no_grad():
        logits = model(images)
        loss = loss_fn(logits, labels).item()
        accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
    model.train()
    return loss, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--log-every", type=int, default=5, help="steps between two training loss lines")
    args = parser.parse_args()

    generator = torch.Generator().manual_seed(0)
    train_x, train_y = synthetic_images(args.samples, generator)
    val_x, val_y = synthetic_images(args.samples // 4, generator)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = make_model().to(device)
    train_x, train_y, val_x, val_y = train_x.to(device), train_y.to(device), val_x.to(device), val_y.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()

    step = 0
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        order = torch.randperm(args.samples, generator=generator).to(device)
        for first in range(0, args.samples, args.batch_size):
            batch = order[first : first + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
            step += 1
            if step % args.log_every == 0:
                emit("loss", loss.item(), step=step)
        val_loss, val_accuracy = evaluate(model, val_x, val_y, loss_fn)
        emit("val_loss", val_loss, epoch=epoch)
        emit("val_accuracy", val_accuracy, epoch=epoch)
        emit("epoch_seconds", time.time() - started, epoch=epoch)


if __name__ == "__main__":
    main()
