"""The test stage, which runs repository code, holds no train, register or deploy rights."""

from __future__ import annotations

from collections.abc import Iterator

from opsblocks.check.graph import Node, Stack
from opsblocks.check.rule import Flag, Rule, Severity
from opsblocks.check.rules.aws._iam import ROLE, SAGEMAKER_POLICIES, grants, held, managed

PROJECT = "aws:codebuild/project:Project"
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


def check(stack: Stack) -> Iterator[Flag]:
    test_roles = {
        role.urn
        for project in stack.of_type(PROJECT)
        if _is_test_stage(project)
        for role in stack.of_type(ROLE)
        if role.urn in project.dependencies
    }
    found: dict[str, tuple[Node, set[str]]] = {}
    for holding in held(stack):
        if holding.role is not None and holding.role.urn in test_roles:
            rights = {f for f in FORBIDDEN if grants(holding.statement, f)}
            found.setdefault(holding.node.urn, (holding.node, set()))[1].update(rights)
    for node, rights in found.values():
        if rights:
            yield Flag(node, f"test stage role may {', '.join(sorted(rights))}")
    attached = set()  # a PolicyAttachment may name several test roles: one finding
    for node, role, name in managed(stack, SAGEMAKER_POLICIES):
        if role is not None and role.urn in test_roles and node.urn not in attached:
            attached.add(node.urn)
            yield Flag(node, f"test stage role holds {name}: training, deploying, approving")


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
