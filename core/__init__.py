"""The bottom layer: vocabulary and helpers every app shares. No tables (one abstract base:
``timestamps.Updated``), no views, no DRF."""
