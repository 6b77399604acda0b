"""prov4ml's FLOPs, model and artifact calls: the model or file is handed to runmeter, which counts or copies it."""
import os
from typing import Any, Optional

from . import _checks, _models
from ._api import _current
from ._context import Context


def _flops(call: str, per: str, label: str, model: Any, example: Any, size: int, context: Any, step: Optional[int], training: Optional[bool]) -> None:
    where = _checks.name(call, "context", context)
    _checks.name(call, "label", label)
    at = _checks.place(call, "step", step)
    if training is not None and not isinstance(training, bool):
        raise TypeError(f"{call}: expected training to be True, False or None, got {_checks.shown(training)}")
    client = _current(call)
    path = _models.model_file(call, model, example)
    if path is None:
        # Recorded with the run, so whoever reads it later sees why its FLOPs are missing.
        for problem in _models.failed:
            client.message({"type": "params", "params": {f"flops/{label}/problem": problem}})
        _models.failed.clear()
        return
    message = {"type": "flops", "label": label, "per": per, "context": where, "step": at, "model": path, "training": training}
    message["batch" if per == "batch" else "dataset"] = size
    client.message(message)


def log_flops_per_batch(
    label: str, model: Any, batch: Any, context: Any = Context.TRAINING, step: Optional[int] = None, training: Optional[bool] = None
) -> None:
    """Records the FLOPs of one batch and their running total (series flops/<label>/batch and .../batch_total), as
    prov4ml's log_flops_per_batch. `model` is a torch.nn.Module (exported to ONNX once per input shape), an .onnx or
    TF.js model.json path, or ONNX bytes; `batch` the input tensor (or an (inputs, labels) pair), or its size for a
    file. In the training context the count includes the backward pass (3x forward) unless training=False."""
    _flops("log_flops_per_batch", "batch", label, model, batch, _models.batch_size("log_flops_per_batch", batch), context, step, training)


def log_flops_per_epoch(
    label: str, model: Any, dataset: Any, context: Any = Context.TRAINING, step: Optional[int] = None, training: Optional[bool] = None
) -> None:
    """Records the FLOPs of one epoch over `dataset` (its number of samples, anything with len(), or a DataLoader)
    and their running total: series flops/<label>/epoch and .../epoch_total."""
    size = _models.dataset_size("log_flops_per_epoch", dataset)
    example = _models.dataset_example(dataset) if _models.is_torch_module(model) else None
    _flops("log_flops_per_epoch", "epoch", label, model, example, size, context, step, training)


def log_artifact(path: Any, context: Any = None, name: Optional[str] = None) -> None:
    """Copies a file or folder into the run's store, with its sha256, as an artifact."""
    where = _checks.context("log_artifact", context)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"log_artifact: expected path to be a path, got {_checks.shown(path)}")
    full = os.path.abspath(os.fspath(path))
    if not os.path.exists(full):
        raise FileNotFoundError(f"log_artifact: no file or folder at {full}")
    message = {"type": "artifact", "kind": "artifact", "path": full, "name": _checks.name("log_artifact", "name", name) if name else None, "context": where}
    _current("log_artifact").message(message)


def log_model(model: Any, name: str, context: Any = None) -> None:
    """Records a model as an artifact of kind model: a torch.nn.Module (its state_dict, saved with torch.save, and
    its parameter count as param model/<name>/parameters), or an .onnx / TF.js model path (runmeter also counts its
    parameters and FLOPs)."""
    _checks.name("log_model", "name", name)
    where = _checks.context("log_model", context)
    client = _current("log_model")
    if _models.is_torch_module(model):
        path = _models.saved_torch_model(model, name)
        client.message({"type": "params", "params": {f"model/{name}/parameters": _models.parameter_count(model)}})
        client.message({"type": "artifact", "kind": "model", "path": path, "name": name, "context": where})
        return
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(f"log_model: expected a torch.nn.Module or a model file path, got {_checks.shown(model)}")
    full = os.path.abspath(os.fspath(model))
    if not os.path.exists(full):
        raise FileNotFoundError(f"log_model: no model file at {full}")
    client.message({"type": "artifact", "kind": "model", "path": full, "name": name, "context": where})
