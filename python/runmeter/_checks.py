"""Argument checks: a bad argument raises at the call site, naming the call and the argument."""
import math
from enum import Enum
from typing import Any, Dict, Optional


def shown(value: Any) -> str:
    """How a value looks in a message: short, with its type."""
    text = repr(value)
    if len(text) > 40:
        text = text[:40] + "..."
    return f"{text} ({type(value).__name__})"


def name(call: str, what: str, value: Any) -> str:
    """A metric, param, label or context name: a non-empty string."""
    if isinstance(value, Enum):
        value = value.value
    if not isinstance(value, str):
        raise TypeError(f"{call}: expected {what} to be a non-empty string, got {shown(value)}")
    if not value.strip():
        raise ValueError(f"{call}: expected {what} to be a non-empty string, got {shown(value)}")
    return value


def context(call: str, value: Any) -> Optional[str]:
    """A context: None (implied by the metric's name), a Context, or a non-empty string."""
    if value is None:
        return None
    return name(call, "context", value)


def number(call: str, what: str, value: Any) -> float:
    """A metric value: an int or float (NaN and infinities kept), a numpy scalar, a one-element tensor."""
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        raise TypeError(f"{call}: expected {what} to be a number, got {shown(value)}")
    if isinstance(value, (int, float)):
        return value
    convert = getattr(value, "__float__", None)
    if convert is None:
        raise TypeError(f"{call}: expected {what} to be a number, got {shown(value)}")
    try:
        return float(convert())
    except Exception as error:
        raise TypeError(f"{call}: expected {what} to be a number, got {shown(value)} ({error})") from None


def place(call: str, what: str, value: Any) -> Optional[int]:
    """A step or epoch: None, or an integer that is not negative."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        index = getattr(value, "__index__", None)
        if index is None:
            raise TypeError(f"{call}: expected {what} to be an integer, got {shown(value)}")
        value = index()
    if value < 0:
        raise ValueError(f"{call}: expected {what} to be 0 or more, got {value}")
    return int(value)


def positive(call: str, what: str, value: Any) -> int:
    """A batch or dataset size: a positive integer."""
    size = place(call, what, value)
    if size is None or size == 0:
        raise ValueError(f"{call}: expected {what} to be a positive integer, got {shown(value)}")
    return size


def mapping(call: str, what: str, value: Any) -> Dict[str, Any]:
    """A dict of names to values."""
    if not isinstance(value, dict):
        raise TypeError(f"{call}: expected {what} to be a dict, got {shown(value)}")
    for key in value:
        name(call, f"each key of {what}", key)
    return value


def param(call: str, key: str, value: Any) -> Any:
    """A param value as JSON holds it: numbers (NaN and infinities as strings), strings, bools, None, lists, dicts."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, Enum):
        return param(call, key, value.value)
    if isinstance(value, (list, tuple)):
        return [param(call, key, item) for item in value]
    if isinstance(value, dict):
        return {str(k): param(call, key, v) for k, v in value.items()}
    convert = getattr(value, "item", None) or getattr(value, "__float__", None)
    if convert is not None:
        try:
            return param(call, key, convert())
        except Exception:
            pass
    raise TypeError(f"{call}: expected param {key!r} to be a number, string, bool, None, list or dict, got {shown(value)}")
