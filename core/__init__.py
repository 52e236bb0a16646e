"""The bottom layer: vocabulary and helpers every app shares. No models, no views, no DRF."""
