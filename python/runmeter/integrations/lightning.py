"""A PyTorch Lightning logger recording what `self.log` logs, and the hyperparameters.

    from runmeter.integrations.lightning import RunmeterLogger
    trainer = lightning.Trainer(logger=RunmeterLogger(), max_epochs=5)

Untested here: Lightning does not install on the machines runmeter is tested on."""
from typing import Any, Dict, Mapping, Optional

try:
    from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment  # noqa: F401
    from lightning.pytorch.utilities import rank_zero_only
except ImportError:  # pytorch_lightning
    from pytorch_lightning.loggers.logger import Logger  # type: ignore[no-redef]
    from pytorch_lightning.utilities import rank_zero_only  # type: ignore[no-redef]

from .. import flush, log_params
from ._metrics import log_numbers


def _flat(params: Mapping[str, Any], prefix: str = "") -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{name}/"))
        elif isinstance(value, (str, int, float, bool)) or value is None:
            out[name] = value
        else:
            out[name] = str(value)
    return out


class RunmeterLogger(Logger):  # type: ignore[misc]
    """Metrics at Lightning's step; `val/...` and `val_...` names are validation, `test_...` testing."""

    @property
    def name(self) -> str:
        return "runmeter"

    @property
    def version(self) -> str:
        return "0"

    @rank_zero_only
    def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(params, Mapping):
            params = vars(params)
        log_params(_flat(params))

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, float], step: Optional[int] = None) -> None:
        epoch = metrics.get("epoch")
        log_numbers({k: v for k, v in metrics.items() if k != "epoch"}, step=step, epoch=int(epoch) if epoch is not None else None)

    @rank_zero_only
    def finalize(self, status: str) -> None:
        flush()
