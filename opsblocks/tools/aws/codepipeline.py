"""codepipeline: CodePipeline V2 from GitHub, GitLab or Bitbucket: test, train, approve, deploy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.aws.codepipeline.options import CodePipelineOptions
from opsblocks.contracts import Released
from opsblocks.contracts.aws import (
    AwsEndpoint,
    AwsEndpointMonitoring,
    AwsModelRegistry,
    AwsPipeline,
    AwsPipelineCicd,
)
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule
from opsblocks.tools import Tool, releases

if TYPE_CHECKING:
    from opsblocks.wiring.aws import AwsSite


def build(site: AwsSite, options: CodePipelineOptions) -> AwsPipelineCicd:
    from components.aws.codepipeline.component import AwsCodepipelineCicd, AwsCodepipelineCicdArgs

    training, registry = site.need(AwsPipeline), site.need(AwsModelRegistry)
    serving, monitoring = site.get(AwsEndpoint), site.get(AwsEndpointMonitoring)
    cicd = AwsCodepipelineCicd(
        site.name,
        AwsCodepipelineCicdArgs(
            tags=site.tags,
            **site.stores,
            region=site.region,
            log_retention_days=site.env.log_retention_days,
            connection_name=site.physical(),
            training_pipeline_name=training.pipeline,
            training_pipeline_arn=training.pipeline_arn,
            repository_url=registry.image_repository,
            repository_arn=registry.repository_arn,
            model_package_group_name=registry.model_package_group_name,
            model_package_group_arn=registry.model_package_group_arn,
            model_artifact_uri=registry.artifact_uri,
            model_artifact_bucket_arn=registry.artifact_bucket_arn,
            endpoint_name=serving.endpoint if serving else None,
            serving_role_arn=serving.role_arn if serving else None,
            serving_parameter_name=serving.deploy_parameter_name if serving else None,
            # An endpoint the deploy stage creates gets the schedule Pulumi cannot create.
            monitoring_parameter_name=monitoring.schedule_parameter_name if monitoring else None,
            monitoring_role_arn=monitoring.schedule_role_arn if monitoring else None,
            options=options,
        ),
        site.opts,
    )
    return AwsPipelineCicd(pipeline_name=cicd.pipeline_name, connection_arn=cicd.connection_arn,
                           release_pipeline_name=cicd.release_pipeline_name)  # fmt: skip


TOOL = Tool(
    cloud=Cloud.aws,
    capability=Capability.cicd,
    name="codepipeline",
    description="CodePipeline V2 from GitHub/GitLab/Bitbucket: test, train, approve, deploy",
    options=CodePipelineOptions,
    component="components.aws.codepipeline.component:AwsCodepipelineCicd",
    build=build,
    gives=AwsPipelineCicd,
    needs=(AwsPipeline, AwsModelRegistry),
    uses=(AwsEndpoint, AwsEndpointMonitoring),
    promises=releases,
    promised=(Released,),
    names=(
        NameRule("CodeConnections connection", 32, "-staging", autonamed=False),
        NameRule("S3 bucket", 63, "-cicd-artifacts"),
        NameRule("IAM role", 64, "-cicd-release-trigger-role"),
    ),
    main_types=(
        "aws.codepipeline.Pipeline",
        "aws.codebuild.Project",
        "aws.codeconnections.Connection",
        "aws.cloudwatch.EventRule",
        "aws.s3.Bucket",
    ),
    coverage={"repository": "acme/fraud-model"},
)
