"""prov4ml's contexts: where in training a value belongs."""
from enum import Enum


class Context(str, Enum):
    """The context of a metric, as prov4ml names them; any other string is accepted too."""

    TRAINING = "training"
    VALIDATION = "validation"
    TESTING = "testing"
    EVALUATION = "evaluation"

    def __str__(self) -> str:
        return self.value
