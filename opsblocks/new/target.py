"""Where `opsblocks new` writes: the blueprint's folder and, with --stack, the project's
stacks/. Checked before anything is asked, and each file again before it is written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from opsblocks import stacks
from opsblocks.errors import ConfigError, OpsblocksError
from opsblocks.new.asking import AnswerError

STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class FileExists(AnswerError):
    """The answers would overwrite a file: the message names the file, whatever flag led there."""

    def on_flag(self, flag: str) -> OpsblocksError:
        return OpsblocksError(str(self))


@dataclass(frozen=True)
class Target:
    """Where the files go: the blueprint's folder and, with a stack, the project's stacks/."""

    folder: Path
    root: Path | None
    """The Pulumi project around the working folder, if any."""
    stack: str | None = None
    force: bool = False

    def blueprint_file(self, name: str) -> Path:
        return self.folder / f"{name}.yaml"

    def stack_file(self) -> Path | None:
        if self.stack is None or self.root is None:
            return None
        return stacks.stack_file(self.root, self.stack)

    def check_free(self, path: Path) -> None:
        if path.exists() and not self.force:
            raise FileExists(f"{display(path)} already exists (use --force to overwrite)")


def target(output: Path | None, stack: str | None, force: bool) -> Target:
    """Check --output, --stack and --force before anything is asked."""
    try:
        root: Path | None = stacks.project_root()
    except ConfigError:
        root = None
    folder = output if output is not None else (root or Path()) / "blueprints"
    where = Target(folder, root, stack, force)
    if stack is None:
        return where
    if not STACK_NAME.fullmatch(stack):
        raise OpsblocksError(f"--stack {stack}: use letters, digits, '-', '_' and '.'")
    if root is None:
        raise OpsblocksError(f"--stack {stack}: no Pulumi.yaml in {Path.cwd()} or above: "
                             "run this inside the opsblocks project")  # fmt: skip
    if not folder.resolve().is_relative_to(root):
        raise OpsblocksError(f"--stack {stack}: the stack config can only name a blueprint "
                             f"inside the project {root} (--output {output})")  # fmt: skip
    stack_file = where.stack_file()
    assert stack_file is not None
    where.check_free(stack_file)
    return where


def display(path: Path) -> str:
    """`path` as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
