"""A Hugging Face Trainer run that runmeter records with no code change.

    runmeter run -- python examples/huggingface_trainer.py --epochs 2

`Trainer` prints its logs as Python dicts on stdout ({'loss': 0.69, 'grad_norm': ..., 'learning_rate': ...,
'epoch': 0.25}, and {'eval_loss': ..., 'epoch': 1.0} after each evaluation); runmeter parses those lines, so the
script is an ordinary Trainer script. The model is a tiny BERT built from a config and the data is synthetic, so
nothing is downloaded: the label is whether token 7 appears in the sequence.
"""

import argparse
import inspect
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments


class TokenDataset(Dataset):
    def __init__(self, n, seq_len, vocab, seed):
        generator = torch.Generator().manual_seed(seed)
        self.input_ids = torch.randint(1, vocab, (n, seq_len), generator=generator)
        self.labels = (self.input_ids == 7).any(dim=1).long()

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.input_ids[i], "attention_mask": torch.ones_like(self.input_ids[i]), "labels": self.labels[i]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--samples", type=int, default=512)
    args = parser.parse_args()

    vocab, seq_len = 64, 16
    config = BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, num_labels=2)
    model = BertForSequenceClassification(config)
    # The evaluation argument was renamed in transformers 4.41 (evaluation_strategy -> eval_strategy).
    evaluation = "eval_strategy" if "eval_strategy" in inspect.signature(TrainingArguments.__init__).parameters else "evaluation_strategy"
    with tempfile.TemporaryDirectory() as output_dir:
        training_args = TrainingArguments(
            output_dir=output_dir,
            num_train_epochs=args.epochs,
            per_device_train_batch_size=16,
            per_device_eval_batch_size=32,
            learning_rate=5e-4,
            logging_steps=4,
            save_strategy="no",
            report_to=[],
            **{evaluation: "epoch"},
        )
        trainer = Trainer(
            model=model,
            args=training_args,
            train_dataset=TokenDataset(args.samples, seq_len, vocab, seed=0),
            eval_dataset=TokenDataset(args.samples // 4, seq_len, vocab, seed=1),
        )
        trainer.train()


if __name__ == "__main__":
    main()
