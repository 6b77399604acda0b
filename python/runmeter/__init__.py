"""runmeter for Python: prov4ml's logging calls, recorded by runmeter.

    import runmeter
    from runmeter import Context

    runmeter.start_run(name="mnist", params={"lr": 0.1})
    runmeter.log_metric("loss", loss.item(), Context.TRAINING, step=step)
    runmeter.log_system_metrics(Context.TRAINING, step=epoch)
    runmeter.end_run()

Inside `runmeter run` the calls join the job's run; elsewhere `start_run` starts `runmeter record --stdio`.
No call ever raises or blocks because runmeter is slow, gone or broken: runmeter says so once on stderr.
"""
from ._api import Run, end_run, flush, log_metric, log_metrics, log_param, log_params, log_system_metrics, start_run
from ._context import Context
from ._model_calls import log_artifact, log_flops_per_batch, log_flops_per_epoch, log_model

__version__ = "0.1.0"

__all__ = [
    "Context",
    "Run",
    "end_run",
    "flush",
    "log_artifact",
    "log_flops_per_batch",
    "log_flops_per_epoch",
    "log_metric",
    "log_metrics",
    "log_model",
    "log_param",
    "log_params",
    "log_system_metrics",
    "start_run",
]
