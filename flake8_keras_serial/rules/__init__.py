"""All rules, one module per family."""

from . import config, config_keys, project, registration, saveload, weights
from .base import Finding, Rule

ALL_RULES: list[Rule] = [
    *config.RULES, *config_keys.RULES, *registration.RULES, *weights.RULES, *project.RULES, *saveload.RULES
]

__all__ = ["ALL_RULES", "Finding", "Rule"]
