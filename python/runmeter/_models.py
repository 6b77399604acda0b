"""FLOPs of a live model, models and artifacts: what runmeter counts or copies is handed over as a file."""
import atexit
import itertools
import os
import shutil
import tempfile
import weakref
from typing import Any, Dict, Optional, Tuple

from . import _checks
from ._client import warn

_folder: Optional[str] = None
# A torch model exported once per input shape (without the batch dim): id(model), shape, dtype -> the model (weakly:
# a freed model's id can be reused by the next one) and the ONNX file.
_exports: Dict[Tuple[int, Tuple[int, ...], str], Tuple[Any, str]] = {}
_names = itertools.count()
_warned: set = set()
# Why exports failed, for the caller to record with the run (taken, then cleared).
failed: list = []


def private_folder() -> str:
    """A private temporary folder (0700) for exported models, removed when the program exits."""
    global _folder
    if _folder is None or not os.path.isdir(_folder):
        _folder = tempfile.mkdtemp(prefix="runmeter-models-")
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def is_torch_module(model: Any) -> bool:
    return any(cls.__module__.startswith("torch.nn") and cls.__name__ == "Module" for cls in type(model).__mro__)


def _first_input(batch: Any) -> Any:
    """The input tensor of a batch: the tensor itself, or the first element of an (inputs, labels) pair."""
    if isinstance(batch, (tuple, list)) and batch:
        return batch[0]
    return batch


def _onnx_export(torch: Any, model: Any, example: Any, path: str) -> None:
    """torch.onnx.export with no weights and a symbolic batch dim, quietly: the exporters' warnings are about the
    export, not the training, so none of them reach the job's output. The TorchScript exporter where torch has it
    (before 2.9 the only one; from 2.9 asked for with dynamo=False), else torch.export's, at opset 18, its lowest
    (a lower one makes it convert the graph down, which fails on many models and prints a traceback)."""
    import inspect
    import logging
    import warnings

    common = {"export_params": False, "input_names": ["input"], "dynamic_axes": {"input": {0: "batch"}}}
    has_dynamo = "dynamo" in inspect.signature(torch.onnx.export).parameters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not has_dynamo:
            torch.onnx.export(model, (example,), path, opset_version=14, **common)
            return
        try:
            torch.onnx.export(model, (example,), path, opset_version=14, dynamo=False, **common)
            return
        except Exception:  # no TorchScript exporter in this torch, or it cannot export this model: try the other one
            pass
        loggers = [logging.getLogger(name) for name in ("torch.onnx", "torch.export", "onnxscript", "onnx_ir")]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            torch.onnx.export(model, (example,), path, opset_version=18, dynamo=True, verbose=False, **common)
        finally:
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)


def export_torch(call: str, model: Any, example: Any) -> Optional[str]:
    """Exports a torch model to ONNX at the example's shape, with a symbolic batch dim and no weights (runmeter counts
    the graph); once per shape. None, said once, when it cannot be exported: the training goes on."""
    shape = tuple(int(d) for d in getattr(example, "shape", ()))
    if len(shape) == 0:
        raise TypeError(f"{call}: expected the batch to be a tensor (a torch model is exported at its shape), got {_checks.shown(example)}")
    key = (id(model), shape[1:], str(getattr(example, "dtype", "")))
    found = _exports.get(key)
    if found is not None and found[0]() is model:
        return found[1]
    try:
        import torch  # noqa: F401  (only when the program already gave a torch model)

        path = os.path.join(private_folder(), f"model-{next(_names)}.onnx")
        was_training = model.training
        model.eval()
        try:
            _onnx_export(torch, model, example, path)
        finally:
            model.train(was_training)
    except Exception as error:
        problem = f"{type(error).__name__}: {error}"
        reason = f"{call}: the model could not be exported to ONNX to count its FLOPs ({problem}); its FLOPs are not recorded"
        if reason not in _warned:
            _warned.add(reason)
            warn(reason)
            failed.append(problem)
        return None
    try:
        _exports[key] = (weakref.ref(model), path)
    except TypeError:
        pass  # a model that takes no weak reference is exported at each call
    return path


def model_file(call: str, model: Any, example: Any) -> Optional[str]:
    """The file runmeter counts: an exported torch model, an .onnx or TF.js model.json path, or ONNX bytes."""
    if isinstance(model, (str, os.PathLike)):
        path = os.path.abspath(os.fspath(model))
        if not os.path.exists(path):
            raise FileNotFoundError(f"{call}: no model file at {path}")
        return path
    if isinstance(model, (bytes, bytearray, memoryview)):
        fd, path = tempfile.mkstemp(suffix=".onnx", dir=private_folder())
        with os.fdopen(fd, "wb") as out:
            out.write(model)
        return path
    if is_torch_module(model):
        return export_torch(call, model, _first_input(example))
    raise TypeError(f"{call}: expected the model to be a torch.nn.Module, an ONNX or TF.js model path, or ONNX bytes, got {_checks.shown(model)}")


def batch_size(call: str, batch: Any) -> int:
    """A batch's size: an int, or the first dim of a tensor (or of the first tensor of an (inputs, labels) pair)."""
    if isinstance(batch, int) and not isinstance(batch, bool):
        return _checks.positive(call, "the batch size", batch)
    shape = getattr(_first_input(batch), "shape", None)
    if shape is None or len(shape) == 0:
        raise TypeError(f"{call}: expected the batch to be a positive int or a tensor with a batch dim, got {_checks.shown(batch)}")
    return _checks.positive(call, "the batch's first dim", int(shape[0]))


def dataset_size(call: str, dataset: Any) -> int:
    """A dataset's number of samples: an int, len(dataset), or len(loader.dataset) for a DataLoader."""
    if isinstance(dataset, int) and not isinstance(dataset, bool):
        return _checks.positive(call, "the dataset size", dataset)
    inner = getattr(dataset, "dataset", None)
    target = inner if inner is not None and hasattr(inner, "__len__") else dataset
    if not hasattr(target, "__len__"):
        raise TypeError(f"{call}: expected the dataset to be a number of samples or to have a len(), got {_checks.shown(dataset)}")
    return _checks.positive(call, "the dataset's length", len(target))


def dataset_example(dataset: Any) -> Any:
    """One sample of a dataset as a batch of one, to export a torch model at its shape."""
    inner = getattr(dataset, "dataset", None) or dataset
    sample = _first_input(inner[0])
    unsqueeze = getattr(sample, "unsqueeze", None)
    return unsqueeze(0) if unsqueeze is not None else sample


def saved_torch_model(model: Any, name: str) -> str:
    """A torch model's weights saved for log_model (torch.save of its state_dict), in the private folder."""
    import torch

    path = os.path.join(private_folder(), f"{name}.pt")
    torch.save(model.state_dict(), path)
    return path


def parameter_count(model: Any) -> int:
    return int(sum(p.numel() for p in model.parameters()))
