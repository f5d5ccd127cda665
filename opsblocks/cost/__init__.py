"""Cost preview: price books shipped as data (`<cloud>.yaml`, loaded by `book`), one pricer per
priced resource type (`<cloud>.py`), and the estimator (`estimate.estimate`).

Import from the submodules; this package imports nothing so `opsblocks.cost.model` stays light.
"""
