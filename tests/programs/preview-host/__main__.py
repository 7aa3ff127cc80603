"""A program the way public examples are written: it reads ./www, builds ARNs inside apply, looks
things up, and uses a multi-language component (declared here the way awsx's SDK declares it)."""

import json

import pulumi
import pulumi_aws as aws

page = open("www/index.html", encoding="utf-8").read()  # relative to the project directory

bucket = aws.s3.BucketV2("site")
aws.s3.BucketObjectv2("index", bucket=bucket.id, key="index.html", content=page, content_type="text/html")
aws.s3.BucketPolicy("site-policy", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": arn + "/*"}]})))

api = aws.apigateway.RestApi("api")
fn = aws.lambda_.Function("handler", role="arn:aws:iam::123456789012:role/handler", runtime="python3.12",
                          handler="index.handler", code=pulumi.FileArchive("./www"))
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function=fn.name, principal="apigateway.amazonaws.com",
                       source_arn=api.execution_arn.apply(lambda arn: arn + "/*/*"))

assume = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
    actions=["sts:AssumeRole"],
    principals=[aws.iam.GetPolicyDocumentStatementPrincipalArgs(type="Service", identifiers=["ec2.amazonaws.com"])])])
aws.iam.Role("web", assume_role_policy=assume.json)
ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"],
                      filters=[aws.ec2.GetAmiFilterArgs(name="name", values=["al2023-ami-*-x86_64"])])
aws.ec2.Instance("web", ami=ami.id, instance_type="t3.micro")
vpc = aws.ec2.get_vpc(default=True)
aws.ec2.get_security_group(name="default", vpc_id=vpc.id)  # no offline answer: listed in the plan


class Vpc(pulumi.ComponentResource):
    """What pulumi_awsx.ec2.Vpc is: a component whose provider builds it (remote=True)."""

    vpc_id: pulumi.Output[str]

    def __init__(self, name: str, cidr_block: str):
        super().__init__("awsx:ec2:Vpc", name, {"cidr_block": cidr_block, "vpc_id": None}, None, remote=True)


net = Vpc("net", cidr_block="10.0.0.0/16")
pulumi.export("bucketArn", bucket.arn)
pulumi.export("vpcId", net.vpc_id)
