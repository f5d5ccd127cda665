"""What several commands start from: the blueprint (a file or a stack's) and its recording."""

from __future__ import annotations

import gc
from pathlib import Path

from opsblocks import blueprint, stacks
from opsblocks.blueprint import Blueprint
from opsblocks.errors import OpsblocksError
from opsblocks.preview import Graph


def blueprint_of(file: Path | None, stack: str | None) -> Blueprint:
    """The blueprint FILE, or the one `stacks/Pulumi.<stack>.yaml` names."""
    if (file is None) == (stack is None):
        raise OpsblocksError("give a blueprint file or --stack NAME (one of them)")
    if stack is not None:
        file = stacks.blueprint_of(stacks.project_root(), stack)
    assert file is not None
    return blueprint.load(file)


def record(bp: Blueprint) -> Graph:
    """The resources `pulumi up` would register, recorded offline."""
    from opsblocks import preview, program

    graph = preview.record(lambda: program.build(bp))
    # Everything allocated so far lives until the command exits: keep the garbage collector
    # from rescanning it on every later collection (pricing, rendering).
    gc.freeze()
    return graph
