"""What the hooks share: the numbers among a framework's logs, each recorded with runmeter.log_metric."""
import numbers
from typing import Any, Mapping, Optional

from .. import log_metric


def log_numbers(logs: Optional[Mapping[str, Any]], step: Optional[int] = None, epoch: Optional[int] = None, context: Optional[str] = None) -> None:
    """Records every number in `logs` (floats, ints, 0-d tensors); other values (strings, lists) are left out. The
    context is implied by each name (val_loss and val/loss are validation, eval_ evaluation) unless given."""
    for key, value in (logs or {}).items():
        if isinstance(value, bool) or isinstance(value, str):
            continue
        if not isinstance(value, numbers.Number):
            value = getattr(value, "item", lambda: None)()
            if not isinstance(value, numbers.Number) or isinstance(value, bool):
                continue
        log_metric(str(key), float(value), context, step=step, epoch=epoch)  # type: ignore[arg-type]
