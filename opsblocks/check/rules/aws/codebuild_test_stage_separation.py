"""The test stage, which runs repository code, holds no train, register or deploy rights."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase

from opsblocks.check.graph import Node, Stack, as_list, document, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

PROJECT = "aws:codebuild/project:Project"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
# Rights that start training, register or approve a model, or change what serves; and the
# key's write uses: code under test reads its input (Decrypt) and encrypts nothing, so it may
# not encrypt, re-encrypt or hand the platform key to another principal.
FORBIDDEN = (
    "sagemaker:StartPipelineExecution",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateModelPackage",
    "sagemaker:UpdateModelPackage",
    "sagemaker:CreateModel",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateEndpoint",
    "sagemaker:UpdateEndpoint",
    "iam:PassRole",
    "ecr:PutImage",
    "codepipeline:StartPipelineExecution",
    "codebuild:StartBuild",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:CreateGrant",
)


def _is_test_stage(project: Node) -> bool:
    description = str(project.get("description") or "").lower()
    return project.name.endswith("-test") or "test stage" in description


def _names(physical: str, role: Node) -> bool:
    """`physical` is the role's name: given, or Pulumi's auto-name (`<name>-<suffix>`)."""
    suffix = physical.removeprefix(f"{role.name}-")
    return physical in (role.name, role.get("name")) or (suffix != physical and suffix.isalnum())


def _policies_of(stack: Stack, role: Node) -> list[Node]:
    """The inline policies of `role`: those naming it, else those depending on it alone."""
    found = []
    roles = [r.urn for r in stack.of_type(ROLE)]
    for policy in stack.dependents(role, ROLE_POLICY):
        named = policy.get("role")
        if isinstance(named, str) and not is_unknown(named):
            if _names(named, role):
                found.append(policy)
        elif sum(d in roles for d in policy.dependencies) == 1 or policy.name == role.name:
            found.append(policy)
    return found


def check(stack: Stack) -> Iterator[Flag]:
    for project in stack.of_type(PROJECT):
        if not _is_test_stage(project):
            continue
        for role in (n for n in stack.of_type(ROLE) if n.urn in project.dependencies):
            for policy in _policies_of(stack, role):
                held = set()
                for s in as_list(document(policy.get("policy")).get("Statement")):
                    if not isinstance(s, Mapping) or s.get("Effect") != "Allow":
                        continue
                    patterns = [str(p).lower() for p in as_list(s.get("Action"))]
                    held |= {
                        f for f in FORBIDDEN if any(fnmatchcase(f.lower(), p) for p in patterns)
                    }
                if held:
                    yield Flag(policy, f"test stage role may {', '.join(sorted(held))}")


RULE = Rule(
    id="OB-AWS-CB-005",
    severity=Severity.critical,
    title="The test stage's role holds no train, register or deploy rights, nor the key's writes",
    protects="code under test training, registering or deploying a model past the approval gate",
    fix="test stage role: artifact read, kms:Decrypt/DescribeKey and logs; no sagemaker, "
    "PassRole, push or key writes",
    source="opsblocks deploy review: separation of duties between CodeBuild stages",
    check=check,
)
