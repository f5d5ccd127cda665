"""The files of `opsblocks new` on disk: each validated before anything is written."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path

from opsblocks import blueprint, catalog
from opsblocks.errors import OpsblocksError
from opsblocks.model import Cloud
from opsblocks.new.clouds import CLOUD_SETUP
from opsblocks.new.interview import Answers
from opsblocks.new.render import render, schema_reference, stack_text
from opsblocks.new.target import Target, display
from opsblocks.yamlsource import parse_text


def create(answers: Answers, where: Target) -> list[Path]:
    """Write the blueprint (and the stack config), each validated before anything is written."""
    path = where.blueprint_file(answers.name)
    files = {path: blueprint_text(answers, path, where.root)}
    stack_file = where.stack_file()
    if stack_file is not None and where.root is not None and where.stack is not None:
        files[stack_file] = stack_text(answers, path, where.root, where.stack)
    for file in files:
        where.check_free(file)
    for file, text in files.items():
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OpsblocksError(f"cannot write {display(file)}: {exc.strerror or exc}") from None
    return list(files)


def blueprint_text(answers: Answers, path: Path, root: Path | None) -> str:
    """The blueprint as it will be written, loaded back and validated as `path`."""
    text = render(answers, schema_reference(path.parent, root))
    source = parse_text(text, path)
    blueprint.validate(source.data, source)
    return text


def next_steps(path: Path, stack: str | None, cloud: Cloud, tools: Iterable[str] = ()) -> list[str]:
    shown = shlex.quote(display(path))
    steps = [f"opsblocks preview {shown}", f"opsblocks cost {shown}"]
    if stack is not None:
        names = set(tools)
        setups = [t.setup for t in catalog.tools(cloud) if t.name in names]
        commands = [*CLOUD_SETUP[cloud].stack_setup, *(c for setup in setups for c in setup)]
        setup = [command.format(stack=stack) for command in commands]
        steps += [f"pulumi stack init {stack}", *setup, f"pulumi up -s {stack}"]
    return steps
