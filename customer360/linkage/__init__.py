"""Probabilistic record linkage (Splink 5 on a private in-memory DuckDB): pyarrow in, pyarrow out.

- :func:`train` -> model dict (Splink settings + ``customer360_training``) built from the data
  (customer360.linkage.profile, .blocking), :func:`save_model`, :func:`load_model`,
  :func:`training_overlap`; customer360.linkage.report writes the model report beside it
- :func:`predict_pairs`, :func:`predict_within`, :func:`predict_between`, :func:`predict_changed`
  -> scored pairs
- :func:`run_baseline` -> the plain Splink benchmark baseline's clusters
"""

from customer360.linkage.baseline import run_baseline
from customer360.linkage.model import load_model, save_model, train, training_overlap
from customer360.linkage.predict import predict_between, predict_changed, predict_pairs, predict_within
from customer360.linkage.settings import build_settings

__all__ = ["build_settings", "train", "save_model", "load_model", "training_overlap",
           "predict_pairs", "predict_within", "predict_between", "predict_changed", "run_baseline"]
