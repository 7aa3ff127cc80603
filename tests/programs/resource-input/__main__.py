"""Resource objects passed as inputs where an id is expected (a Resource is an Input), among
resources registered concurrently: with resource references on, the stock mock monitor rebuilt
them on an executor thread's own event loop and the run failed at random with "attached to a
different loop"."""

import pulumi
import pulumi_aws as aws

provider = aws.Provider("tokyo", region="ap-northeast-1", allowed_account_ids=["123456789012"])
opts = pulumi.ResourceOptions(provider=provider)

vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16", opts=opts)
group = aws.ec2.SecurityGroup("web", vpc_id=vpc.id, opts=opts)
key = aws.kms.Key("data", opts=opts)
aws.ec2.Subnet("a", vpc_id=vpc, cidr_block="10.0.1.0/24",
               opts=pulumi.ResourceOptions(provider=provider, depends_on=[group]))
site = pulumi.ComponentResource("koho:web:Site", "site", None, opts)
aws.s3.Bucket("assets", tags={"key": key.arn}, opts=pulumi.ResourceOptions(provider=provider, parent=site))
aws.ec2.Instance("app", ami="ami-0abcdef1234567890", instance_type="t3.micro", vpc_security_group_ids=[group],
                 subnet_id=vpc.id.apply(lambda _: "subnet-0123456789abcdef0"), opts=opts)
aws.ec2.Subnet("b", vpc_id=vpc, cidr_block="10.0.2.0/24", opts=opts)
aws.ec2.RouteTable("private", vpc_id=vpc, opts=opts)
