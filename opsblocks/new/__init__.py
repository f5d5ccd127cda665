"""`opsblocks new`: answers -> a validated, commented blueprint (and stack config) on disk.

No prompts here. `interview` walks the questions in order (cloud, name, region, environment,
then per capability in build order its tool and that tool's options) and takes each answer
from a flag, else from an `Interviewer`: the wizard prompts in a terminal, `Defaults` takes
the default (flags mode). Both check answers with the same functions, so a person and a
script are refused the same things. `create` renders the answers as commented YAML,
validates that very text with `blueprint.validate`, and only then writes it.

The modules, in the order they build on each other:

- `clouds`: the clouds offered, with their default region and stack config key;
- `asking`: a `Question`, the `AnswerError` that refuses an answer, who answers (`Defaults`);
- `target`: where the files go, checked before anything is asked;
- `yamltext`: answers as YAML text and back;
- `questions`: each question with the check of its answer;
- `interview`: flags and asked answers -> `Answers`;
- `render`: `Answers` -> the commented blueprint and stack config text;
- `write`: validate that text, then write the files.
"""

from opsblocks.new.asking import AnswerError, Defaults, Question
from opsblocks.new.clouds import CLOUD_SETUP, clouds
from opsblocks.new.interview import Flags, interview
from opsblocks.new.questions import check_region
from opsblocks.new.target import display, target
from opsblocks.new.write import create, next_steps

__all__ = [
    "CLOUD_SETUP",
    "AnswerError",
    "Defaults",
    "Flags",
    "Question",
    "check_region",
    "clouds",
    "create",
    "display",
    "interview",
    "next_steps",
    "target",
]
