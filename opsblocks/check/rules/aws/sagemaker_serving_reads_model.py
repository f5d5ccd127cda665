"""The serving role can read the model data it is given."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from opsblocks.check.graph import Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import policies_of

MODEL = "aws:sagemaker/model:Model"
ROLE = "aws:iam/role:Role"


def _object_arn(url: str) -> str:
    """s3://bucket/key -> arn:aws:s3:::bucket/key (any partition matches below)."""
    return "arn:aws:s3:::" + url.removeprefix("s3://")


def _readable(texts: list[object], arn: str) -> bool:
    for text in texts:
        for s in as_list(document(text).get("Statement")):
            if not isinstance(s, Mapping) or s.get("Effect") != "Allow":
                continue
            actions = [str(a).lower() for a in as_list(s.get("Action"))]
            if not any(fnmatchcase("s3:getobject", a) for a in actions):
                continue
            for resource in as_list(s.get("Resource")):
                pattern = (
                    str(resource)
                    .replace("arn:aws-cn:", "arn:aws:")
                    .replace("arn:aws-us-gov:", "arn:aws:")
                )
                if fnmatchcase(arn, pattern):
                    return True
    return False


def check(stack: Stack) -> Iterator[Flag]:
    for model in stack.of_type(MODEL):
        containers = [model.get("primaryContainer"), *as_list(model.get("containers"))]
        given = [c.get("modelDataUrl") for c in containers if isinstance(c, Mapping)]
        urls: list[str] = [
            u for u in given if isinstance(u, str) and u.startswith("s3://") and not is_unknown(u)
        ]
        if not urls:
            continue
        for role in (r for r in stack.of_type(ROLE) if r.urn in model.dependencies):
            texts: list[object] = [p.get("policy") for p in policies_of(stack, role)]
            if not texts or any(t is None or is_unknown(t) for t in texts):
                continue
            for url in urls:
                if not _readable(texts, _object_arn(url)):
                    yield Flag(model, f"role {role.name} may not s3:GetObject {url}")


RULE = Rule(
    id="OB-AWS-SM-006",
    severity=Severity.high,
    title="The serving role may read exactly the model data URI the model is given",
    protects="CreateModel or the endpoint failing at deploy time on Access Denied to the model",
    fix="serving role: Allow s3:GetObject on arn:aws:s3:::<bucket>/<key> of model_data_url",
    source="opsblocks deploy review: serving role cannot read its model data",
    check=check,
)
