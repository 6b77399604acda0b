"""A small PyTorch training loop that logs through runmeter's Python client, prov4ml's calls.

    runmeter run -- python examples/pytorch_client.py --epochs 3     # joins the run runmeter records
    python examples/pytorch_client.py --epochs 3                     # records a run of its own (needs `runmeter`)

Inside `runmeter run`, `import runmeter` works with nothing installed. The script logs the training loss per step,
validation metrics per epoch, the FLOPs of every batch (the live model is exported to ONNX once and counted by
runmeter), the machine's and the job's usage per epoch, its params, and the trained model. The data is synthetic
(no download): a small CNN learns to tell 16x16 images with a bright top half from those with a bright bottom half.
"""

import argparse

import torch
from torch import nn

import runmeter
from runmeter import Context


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
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--store", default=None, help="where to record outside runmeter run (default: ~/.runmeter)")
    args = parser.parse_args()

    runmeter.start_run(name="pytorch-client", experiment="bright-halves", params={"lr": args.lr, "batch_size": args.batch_size, "epochs": args.epochs}, store=args.store)
    generator = torch.Generator().manual_seed(0)
    train_x, train_y = synthetic_images(args.samples, generator)
    val_x, val_y = synthetic_images(args.samples // 4, generator)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    step = 0
    for epoch in range(args.epochs):
        order = torch.randperm(args.samples, generator=generator)
        for first in range(0, args.samples, args.batch_size):
            batch = order[first : first + args.batch_size]
            x = train_x[batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x), train_y[batch])
            loss.backward()
            optimizer.step()
            runmeter.log_metric("loss", loss.item(), Context.TRAINING, step=step, epoch=epoch)
            runmeter.log_flops_per_batch("cnn", model, x, Context.TRAINING, step=step)
            step += 1
        val_loss, val_accuracy = evaluate(model, val_x, val_y, loss_fn)
        runmeter.log_metrics({"val_loss": val_loss, "val_accuracy": val_accuracy}, Context.VALIDATION, step=step, epoch=epoch)
        runmeter.log_system_metrics(Context.TRAINING, step=epoch)
    runmeter.log_model(model, "cnn")
    runmeter.end_run()


if __name__ == "__main__":
    main()
