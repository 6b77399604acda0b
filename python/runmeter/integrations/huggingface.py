"""A Hugging Face `TrainerCallback` recording the Trainer's logs (loss, learning rate, eval metrics) and its arguments.

    from runmeter.integrations.huggingface import RunmeterCallback
    trainer = Trainer(model=model, args=args, train_dataset=train, callbacks=[RunmeterCallback()])

Untested here: transformers does not install on the machines runmeter is tested on. (runmeter also reads the dicts
the Trainer prints, with no callback at all.)"""
from typing import Any, Dict, Optional

from transformers import TrainerCallback

from .. import flush, log_params
from ._metrics import log_numbers


class RunmeterCallback(TrainerCallback):  # type: ignore[misc]
    """Records each log at the Trainer's global step; `eval_...` names are evaluation, the rest training."""

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            params = args.to_dict() if hasattr(args, "to_dict") else {}
            log_params({k: v for k, v in params.items() if isinstance(v, (str, int, float, bool)) or v is None})

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            log_numbers({k: v for k, v in (logs or {}).items() if k != "epoch"}, step=state.global_step)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        flush()
