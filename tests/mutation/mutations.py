"""The weakening mutations: each changes one thing a check must notice (>= 60, all must be killed).

Mutations run on the smallest example stack that has what they weaken (131121-stg: one My Number
system, two lines; 131121-prod: all three tiers). Names say what is weakened.
"""

from __future__ import annotations

from gcbase.model import Plan
from tests.mutation.edits import add, drop, edit_doc, find, one, remove_statement, scp, set_input, statement, unset
from tests.mutation.harness import Mutation, MutationError

STG, PROD, KAMIYAMA = "131121-stg", "131121-prod", "363421-prod"
MUTATIONS: list[Mutation] = []

TRAIL = "aws:cloudtrail/trail:Trail"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ROLE = "aws:iam/role:Role"
PLAN = "aws:backup/plan:Plan"
TGW_PROP = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"
TGW_ASSOC = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"
TGW_RT = "aws:ec2transitgateway/routeTable:RouteTable"
VIF = "aws:directconnect/transitVirtualInterface:TransitVirtualInterface"


def mutation(mid: str, stack: str = STG):
    def register(fn):
        MUTATIONS.append(Mutation(mid, stack, (fn.__doc__ or "").strip(), fn))
        return fn
    return register


def _content(plan: Plan, policy_id: str, edit) -> None:
    edit_doc(scp(plan, policy_id), "content", edit)


# --- guardrails (SCPs) ---------------------------------------------------------------------
@mutation("scp-region-adds-us-east-1")
def _(p):
    """The region SCP also allows us-east-1."""
    _content(p, "region-allowlist", lambda d: d["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"].append("us-east-1"))


@mutation("scp-region-exempts-ec2")
def _(p):
    """The region SCP exempts ec2:* (instances anywhere)."""
    _content(p, "region-allowlist", lambda d: d["Statement"][0]["NotAction"].append("ec2:*"))


@mutation("scp-region-removed")
def _(p):
    """No region SCP at all."""
    drop(p, scp(p, "region-allowlist"))


@mutation("scp-region-effect-allow")
def _(p):
    """The region statement allows instead of denying."""
    _content(p, "region-allowlist", lambda d: d["Statement"][0].update(Effect="Allow"))


@mutation("scp-exempts-account-operator")
def _(p):
    """Stopping CloudTrail is also allowed to the account operator."""
    def edit(d):
        statement(d, "ProtectCloudTrail")["Condition"]["ArnNotLike"]["aws:PrincipalArn"] = [
            "arn:aws:iam::*:role/GCGovernanceRole", "arn:aws:iam::*:role/gcbase-account-operator"]
    _content(p, "protect-security-services", edit)


for _sid, _name in (("ProtectCloudTrail", "cloudtrail"), ("ProtectConfig", "config"),
                    ("ProtectGuardDuty", "guardduty"), ("ProtectSecurityHub", "securityhub")):
    def _drop_statement(p, sid=_sid):
        _content(p, "protect-security-services", lambda d: remove_statement(d, sid))
    _drop_statement.__doc__ = f"The SCP no longer denies stopping or deleting {_name}."
    mutation(f"scp-{_name}-unprotected")(_drop_statement)


@mutation("scp-log-archive-objects-unprotected")
def _(p):
    """Log objects in the archive may be deleted (SCP statement removed)."""
    _content(p, "protect-log-archive", lambda d: remove_statement(d, "ProtectLogArchiveObjects"))


@mutation("scp-mynumber-policy-removed")
def _(p):
    """The My Number tier internet-deny SCP is gone."""
    drop(p, scp(p, "mynumber-deny-internet"))


@mutation("scp-mynumber-allows-nat")
def _(p):
    """The My Number tier SCP no longer denies NAT gateways."""
    _content(p, "mynumber-deny-internet", lambda d: statement(d, "DenyInternetPaths")["Action"].remove("ec2:CreateNatGateway"))


@mutation("scp-guardduty-deny-only-in-virginia")
def _(p):
    """Deleting GuardDuty is denied only for requests to us-east-1."""
    _content(p, "protect-security-services", lambda d: statement(d, "ProtectGuardDuty")["Condition"].update(
        StringEquals={"aws:RequestedRegion": "us-east-1"}))


# --- CloudTrail ----------------------------------------------------------------------------
def _trail(p):
    return one(p, TRAIL, "-trail")


@mutation("trail-single-region")
def _(p):
    """The trail records one region only."""
    _trail(p).inputs["isMultiRegionTrail"] = False


@mutation("trail-no-log-validation")
def _(p):
    """Log file validation is off."""
    _trail(p).inputs["enableLogFileValidation"] = False


@mutation("trail-no-kms")
def _(p):
    """The trail's logs are not encrypted with the CMK."""
    unset(_trail(p), "kmsKeyId")


@mutation("trail-logging-off")
def _(p):
    """The trail is declared with logging stopped."""
    _trail(p).inputs["enableLogging"] = False


@mutation("trail-no-global-events")
def _(p):
    """The trail skips global service events (IAM, STS)."""
    _trail(p).inputs["includeGlobalServiceEvents"] = False


@mutation("trail-no-management-events")
def _(p):
    """The trail's event selector drops management events."""
    _trail(p).inputs["eventSelectors"][0]["includeManagementEvents"] = False


@mutation("trail-to-other-bucket")
def _(p):
    """The trail delivers to a bucket outside the log archive."""
    set_input(_trail(p), "s3BucketName", "gc131121-stg-scratch-220000000001")


@mutation("trail-no-cloudwatch")
def _(p):
    """The trail no longer copies events to CloudWatch Logs (no metric-filter alarms)."""
    unset(_trail(p), "cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn")


# --- log archive ---------------------------------------------------------------------------
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"


@mutation("archive-lock-governance-mode")
def _(p):
    """Object Lock in GOVERNANCE mode (bypassable)."""
    one(p, LOCK, "archive-lock").inputs["rule"]["defaultRetention"]["mode"] = "GOVERNANCE"


@mutation("archive-lock-one-year")
def _(p):
    """Object Lock keeps logs one year instead of seven."""
    one(p, LOCK, "archive-lock").inputs["rule"]["defaultRetention"]["days"] = 365


@mutation("archive-lock-config-removed")
def _(p):
    """No Object Lock configuration on the archive."""
    drop(p, one(p, LOCK, "archive-lock"))


@mutation("archive-bucket-without-object-lock")
def _(p):
    """The archive bucket is created without Object Lock."""
    one(p, "aws:s3/bucket:Bucket", "logs-archive").inputs["objectLockEnabled"] = False


@mutation("archive-policy-no-tls")
def _(p):
    """The archive bucket policy no longer requires TLS."""
    edit_doc(one(p, BUCKET_POLICY, "archive-policy"), "policy", lambda d: remove_statement(d, "DenyInsecureTransport"))


@mutation("archive-policy-allows-deletes")
def _(p):
    """The archive bucket policy no longer denies deleting logs."""
    edit_doc(one(p, BUCKET_POLICY, "archive-policy"), "policy", lambda d: remove_statement(d, "DenyDeleteAndRetentionChanges"))


@mutation("archive-policy-removed")
def _(p):
    """The archive bucket has no policy."""
    drop(p, one(p, BUCKET_POLICY, "archive-policy"))


@mutation("access-log-policy-removed")
def _(p):
    """The access-log bucket has no policy."""
    drop(p, one(p, BUCKET_POLICY, "access-logs-policy"))


@mutation("archive-lifecycle-expires-after-a-year")
def _(p):
    """The archive lifecycle deletes logs after a year."""
    one(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "archive-lifecycle").inputs["rules"][0]["expiration"]["days"] = 365


@mutation("archive-sse-s3")
def _(p):
    """The archive uses SSE-S3 instead of the CMK."""
    sse = one(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "archive-encryption")
    sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "AES256"}


@mutation("archive-encryption-removed")
def _(p):
    """The archive has no default encryption configuration."""
    drop(p, one(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "archive-encryption"))


@mutation("archive-versioning-suspended")
def _(p):
    """Versioning of the archive is suspended."""
    one(p, "aws:s3/bucketVersioning:BucketVersioning", "archive-versioning").inputs["versioningConfiguration"] = {"status": "Suspended"}


@mutation("archive-public-access-block-removed")
def _(p):
    """The archive bucket's public access block is gone."""
    drop(p, one(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "archive-pab"))


@mutation("archive-allows-public-policy")
def _(p):
    """The archive's public access block lets a public bucket policy through."""
    one(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "archive-pab").inputs["blockPublicPolicy"] = False


@mutation("archive-access-logging-removed")
def _(p):
    """Nobody logs access to the archive."""
    drop(p, one(p, "aws:s3/bucketLogging:BucketLogging", "archive-logging"))


# --- keys ----------------------------------------------------------------------------------
@mutation("log-key-no-rotation")
def _(p):
    """The log archive key is not rotated."""
    one(p, "aws:kms/key:Key", "logs-key").inputs["enableKeyRotation"] = False


@mutation("data-key-policy-wildcard")
def _(p):
    """The system data key lets any principal use it."""
    edit_doc(one(p, "aws:kms/key:Key", "juki-key"), "policy", lambda d: d["Statement"].append(
        {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}))


# --- workload VPC (My Number tier in 131121-stg) -------------------------------------------
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"


@mutation("mynumber-internet-gateway")
def _(p):
    """An internet gateway is attached to the My Number VPC."""
    vpc = one(p, VPC, "juki-vpc")
    add(p, vpc, "aws:ec2/internetGateway:InternetGateway", "mutant-juki-igw", {"vpcId": vpc.id}, {"vpcId": vpc}, "igw-")


@mutation("mynumber-nat-gateway")
def _(p):
    """A NAT gateway is placed in a My Number subnet."""
    subnet = one(p, SUBNET, "juki-private-0")
    add(p, subnet, "aws:ec2/natGateway:NatGateway", "mutant-juki-nat", {"subnetId": subnet.id, "connectivityType": "public"},
        {"subnetId": subnet}, "nat-")


@mutation("mynumber-public-subnet")
def _(p):
    """A My Number subnet hands out public IPs."""
    one(p, SUBNET, "juki-private-0").inputs["mapPublicIpOnLaunch"] = True


@mutation("mynumber-default-route")
def _(p):
    """A My Number route table gets 0.0.0.0/0 (to the Transit Gateway)."""
    rt = one(p, "aws:ec2/routeTable:RouteTable", "juki-rt-private-0")
    tgw = one(p, "aws:ec2transitgateway/transitGateway:TransitGateway")
    add(p, rt, "aws:ec2/route:Route", "mutant-juki-default-route",
        {"routeTableId": rt.id, "destinationCidrBlock": "0.0.0.0/0", "transitGatewayId": tgw.id},
        {"routeTableId": rt, "transitGatewayId": tgw})


@mutation("mynumber-route-widened")
def _(p):
    """An existing My Number route is widened to 0.0.0.0/0."""
    one(p, "aws:ec2/route:Route", "juki-private-1-tgw-0").inputs["destinationCidrBlock"] = "0.0.0.0/0"


@mutation("flow-log-removed")
def _(p):
    """The VPC has no flow log."""
    drop(p, one(p, "aws:ec2/flowLog:FlowLog", "juki-flowlog"))


@mutation("flow-log-rejects-only")
def _(p):
    """The flow log keeps only rejected traffic."""
    one(p, "aws:ec2/flowLog:FlowLog", "juki-flowlog").inputs["trafficType"] = "REJECT"


@mutation("sg-https-from-anywhere")
def _(p):
    """The endpoints security group admits HTTPS from 0.0.0.0/0."""
    one(p, "aws:ec2/securityGroup:SecurityGroup", "juki-endpoints-sg").inputs["ingress"][0]["cidrBlocks"] = ["0.0.0.0/0"]


@mutation("sg-ssh-from-anywhere")
def _(p):
    """A security group rule opens SSH to the world."""
    sg = one(p, "aws:ec2/securityGroup:SecurityGroup", "juki-endpoints-sg")
    add(p, sg, "aws:ec2/securityGroupRule:SecurityGroupRule", "mutant-juki-ssh",
        {"type": "ingress", "fromPort": 22, "toPort": 22, "protocol": "tcp", "cidrBlocks": ["0.0.0.0/0"],
         "securityGroupId": sg.id, "description": "ssh"}, {"securityGroupId": sg})


@mutation("default-sg-allows-all")
def _(p):
    """The VPC's default security group allows all traffic."""
    one(p, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "juki-default-sg").inputs.update(
        ingress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}],
        egress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}])


@mutation("flow-log-group-30-days")
def _(p):
    """Flow logs are kept 30 days in CloudWatch Logs."""
    one(p, "aws:cloudwatch/logGroup:LogGroup", "juki-flowlogs").inputs["retentionInDays"] = 30


@mutation("trail-log-group-unencrypted")
def _(p):
    """The trail's log group is not encrypted with a CMK."""
    unset(one(p, "aws:cloudwatch/logGroup:LogGroup", "trail-logs"), "kmsKeyId")


# --- Transit Gateway and the town hall connection ------------------------------------------
def _tgw(p):
    return one(p, "aws:ec2transitgateway/transitGateway:TransitGateway")


def _rt(p, kind):
    return one(p, TGW_RT, f"hub-rt-{kind}")


@mutation("tgw-default-propagation")
def _(p):
    """Every attachment propagates into the default route table."""
    _tgw(p).inputs["defaultRouteTablePropagation"] = "enable"


@mutation("tgw-auto-accept")
def _(p):
    """Shared attachments are accepted automatically."""
    _tgw(p).inputs["autoAcceptSharedAttachments"] = "enable"


@mutation("tgw-mynumber-propagates-into-internet", PROD)
def _(p):
    """The My Number attachment propagates its routes into the internet tier's table."""
    att = one(p, "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "juki-tgw-attach")
    rt = _rt(p, "internet")
    add(p, one(p, TGW_PROP, "juki-tgw-prop-mynumber"), TGW_PROP, "mutant-juki-prop-internet",
        {"transitGatewayAttachmentId": att.id, "transitGatewayRouteTableId": rt.id},
        {"transitGatewayAttachmentId": att, "transitGatewayRouteTableId": rt})


@mutation("tgw-mynumber-associated-with-lgwan", PROD)
def _(p):
    """The My Number attachment uses the LGWAN tier's route table."""
    rt = _rt(p, "lgwan")
    set_input(one(p, TGW_ASSOC, "juki-tgw-assoc"), "transitGatewayRouteTableId", rt.id, rt)


@mutation("tgw-dx-associated-with-mynumber", PROD)
def _(p):
    """The Direct Connect attachment uses the My Number table instead of the town hall's."""
    rt = _rt(p, "mynumber")
    set_input(one(p, TGW_ASSOC, "dx-mynumber-assoc-onprem-mynumber"), "transitGatewayRouteTableId", rt.id, rt)


@mutation("tgw-attachment-one-az")
def _(p):
    """The VPC attachment uses a single subnet (one AZ)."""
    att = one(p, "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "juki-tgw-attach")
    att.inputs["subnetIds"] = att.inputs["subnetIds"][:1]
    att.property_dependencies["subnetIds"] = att.property_dependencies["subnetIds"][:1]


@mutation("second-line-removed")
def _(p):
    """Only one Direct Connect line remains."""
    drop(p, one(p, VIF, "hub-vif-mynumber-2"))


@mutation("second-line-on-same-connection")
def _(p):
    """Both VIFs ride the same physical connection."""
    one(p, VIF, "hub-vif-mynumber-2").inputs["connectionId"] = one(p, VIF, "hub-vif-mynumber-1").inputs["connectionId"]


@mutation("lgwan-propagates-into-internet", PROD)
def _(p):
    """The LGWAN tier's attachment propagates into the internet tier's table."""
    att = one(p, "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "senkyo-tgw-attach")
    rt = _rt(p, "internet")
    add(p, one(p, TGW_PROP, "senkyo-tgw-prop-lgwan"), TGW_PROP, "mutant-senkyo-prop-internet",
        {"transitGatewayAttachmentId": att.id, "transitGatewayRouteTableId": rt.id},
        {"transitGatewayAttachmentId": att, "transitGatewayRouteTableId": rt})


@mutation("internet-tier-on-mynumber-table", PROD)
def _(p):
    """The internet tier's attachment uses the My Number tier's route table."""
    rt = _rt(p, "mynumber")
    set_input(one(p, TGW_ASSOC, "shinsei-tgw-assoc"), "transitGatewayRouteTableId", rt.id, rt)


@mutation("mynumber-subnet-in-internet-vpc-gets-igw-route", PROD)
def _(p):
    """A second My Number VPC (zei) gets an internet gateway."""
    vpc = one(p, VPC, "zei-vpc")
    add(p, vpc, "aws:ec2/internetGateway:InternetGateway", "mutant-zei-igw", {"vpcId": vpc.id}, {"vpcId": vpc}, "igw-")


@mutation("vpn-backup-on-mynumber-table", KAMIYAMA)
def _(p):
    """The VPN backup's attachment uses the My Number table instead of the town hall's."""
    rt = _rt(p, "mynumber")
    set_input(one(p, TGW_ASSOC, "vpn-mynumber-assoc-onprem-mynumber"), "transitGatewayRouteTableId", rt.id, rt)


@mutation("one-line-left-with-vpn-backup", KAMIYAMA)
def _(p):
    """One Direct Connect line plus the VPN: still not two lines."""
    drop(p, one(p, VIF, "hub-vif-mynumber-2"))


@mutation("second-mynumber-system-nat", KAMIYAMA)
def _(p):
    """A NAT gateway appears in the second My Number system (国保) of a shared-use tenancy."""
    subnet = one(p, SUBNET, "kokuho-private-0")
    add(p, subnet, "aws:ec2/natGateway:NatGateway", "mutant-kokuho-nat", {"subnetId": subnet.id, "connectivityType": "private"},
        {"subnetId": subnet}, "nat-")


@mutation("second-system-backup-not-copied", KAMIYAMA)
def _(p):
    """国保's backups are no longer copied to Osaka."""
    plan = one(p, PLAN, "kokuho-backup-plan")
    if not plan.inputs["rules"][0].pop("copyActions", None):
        raise MutationError("the backup rule has no copy action")
    plan.property_dependencies["rules"] = plan.property_dependencies["rules"][:1]


# --- people and roles (責任分界) -------------------------------------------------------------
def _trust(p, party):
    return one(p, ROLE, f"-{party}")


@mutation("asp-boundary-dropped")
def _(p):
    """The ASP role loses its permission boundary."""
    unset(one(p, ROLE, "asp-juki"), "permissionsBoundary")


@mutation("break-glass-without-mfa")
def _(p):
    """Break-glass can be assumed without MFA."""
    edit_doc(_trust(p, "break-glass"), "assumeRolePolicy",
             lambda d: d["Statement"][0]["Condition"]["Bool"].pop("aws:MultiFactorAuthPresent"))


@mutation("break-glass-mfa-a-day-old")
def _(p):
    """Break-glass accepts an MFA sign-in a day old."""
    edit_doc(_trust(p, "break-glass"), "assumeRolePolicy",
             lambda d: d["Statement"][0]["Condition"]["NumericLessThanEquals"].update({"aws:MultiFactorAuthAge": "86400"}))


@mutation("auditor-without-mfa")
def _(p):
    """The auditor role can be assumed without MFA."""
    edit_doc(_trust(p, "auditor"), "assumeRolePolicy", lambda d: d["Statement"][0]["Condition"].pop("Bool"))


@mutation("auditor-trusts-anyone")
def _(p):
    """The auditor role trusts every AWS principal."""
    edit_doc(_trust(p, "auditor"), "assumeRolePolicy", lambda d: d["Statement"][0].update(Principal={"AWS": "*"}))


@mutation("iam-user-added")
def _(p):
    """Someone adds an IAM user with an access key."""
    like = _trust(p, "auditor")
    user = add(p, like, "aws:iam/user:User", "mutant-user", {"name": "tanaka"})
    add(p, like, "aws:iam/accessKey:AccessKey", "mutant-user-key", {"user": "tanaka"}, {"user": user})


@mutation("password-policy-8-chars")
def _(p):
    """The account password policy allows 8-character passwords."""
    one(p, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy").inputs["minimumPasswordLength"] = 8


@mutation("operator-gets-admin-inline-policy")
def _(p):
    """The account operator's inline policy grants *:*."""
    edit_doc(one(p, "aws:iam/rolePolicy:RolePolicy", "account-operator-account-operator"), "policy",
             lambda d: d["Statement"].append({"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}))


# --- backup --------------------------------------------------------------------------------
def _rule(p):
    return one(p, PLAN, "juki-backup-plan").inputs["rules"][0]


@mutation("backup-weekly")
def _(p):
    """Backups run weekly (RPO 24 h missed)."""
    _rule(p)["schedule"] = "cron(0 17 ? * SUN *)"


@mutation("backup-kept-one-week")
def _(p):
    """Recovery points are deleted after 7 days."""
    _rule(p)["lifecycle"]["deleteAfter"] = 7


@mutation("backup-copy-removed")
def _(p):
    """No copy to Osaka."""
    rule = _rule(p)
    if not rule.pop("copyActions", None):
        raise MutationError("the backup rule has no copy action")
    plan = one(p, PLAN, "juki-backup-plan")
    plan.property_dependencies["rules"] = plan.property_dependencies["rules"][:1]


@mutation("backup-copy-to-same-region")
def _(p):
    """The copy goes to the primary region's vault."""
    vault = one(p, "aws:backup/vault:Vault", "juki-backup-vault")
    if vault.name.endswith("-dr"):
        raise MutationError("expected the primary vault first")
    plan = one(p, PLAN, "juki-backup-plan")
    _rule(p)["copyActions"][0]["destinationVaultArn"] = vault.outputs["arn"]
    plan.property_dependencies["rules"] = [vault.urn]


@mutation("backup-selection-removed")
def _(p):
    """The backup plan selects nothing."""
    drop(p, one(p, "aws:backup/selection:Selection", "juki-backup-selection"))


@mutation("backup-vault-lock-removed")
def _(p):
    """The DR vault is not locked."""
    drop(p, one(p, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "vault-dr-lock"))


@mutation("backup-vault-without-cmk")
def _(p):
    """The backup vault uses the AWS-managed key."""
    unset(one(p, "aws:backup/vault:Vault", "juki-backup-vault"), "kmsKeyArn")


# --- detection services --------------------------------------------------------------------
DETECTOR = "aws:guardduty/detector:Detector"


@mutation("guardduty-disabled")
def _(p):
    """GuardDuty is declared disabled in the shared account."""
    one(p, DETECTOR, "guardduty-ap-northeast-1").inputs["enable"] = False


@mutation("guardduty-missing-in-osaka")
def _(p):
    """No GuardDuty detector in Osaka."""
    det = one(p, DETECTOR, "guardduty-ap-northeast-3")
    drop(p, det, *[f for f in find(p, "aws:guardduty/detectorFeature:DetectorFeature", det.name + "-")])


@mutation("guardduty-no-malware-protection")
def _(p):
    """GuardDuty's EBS malware protection is off."""
    drop(p, one(p, "aws:guardduty/detectorFeature:DetectorFeature", "ap-northeast-1-ebs-malware-protection"))


@mutation("securityhub-cis-unsubscribed")
def _(p):
    """Security Hub no longer runs the CIS benchmark."""
    drop(p, one(p, "aws:securityhub/standardsSubscription:StandardsSubscription", "ap-northeast-1-cis"))


@mutation("securityhub-missing-in-osaka")
def _(p):
    """Security Hub is not enabled in Osaka."""
    hub = one(p, "aws:securityhub/account:Account", "securityhub-ap-northeast-3")
    drop(p, hub, *find(p, "aws:securityhub/standardsSubscription:StandardsSubscription", hub.name + "-"))


@mutation("config-records-some-types")
def _(p):
    """AWS Config records only S3 buckets."""
    one(p, "aws:cfg/recorder:Recorder", "config-ap-northeast-1").inputs["recordingGroup"] = {
        "allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]}


@mutation("config-recorder-stopped")
def _(p):
    """The Config recorder is declared stopped."""
    one(p, "aws:cfg/recorderStatus:RecorderStatus", "config-status-ap-northeast-1").inputs["isEnabled"] = False


@mutation("ebs-default-encryption-off")
def _(p):
    """EBS default encryption is off."""
    one(p, "aws:ebs/encryptionByDefault:EncryptionByDefault").inputs["enabled"] = False


# --- network paths (三層分離, town-hall segments, shared use, links outside the tenancy) ---------
from tests.mutation.network_mutations import NETWORK_MUTATIONS  # noqa: E402  (plan, config and source edits)

MUTATIONS += NETWORK_MUTATIONS

from tests.mutation.gate_mutations import GATE_MUTATIONS  # noqa: E402  (absence and unchecked types)

MUTATIONS += GATE_MUTATIONS

# Identity, zone of trust and escalation mutations (issue 13) live in their own file and register here.
from tests.mutation import identity_mutations  # noqa: E402,F401

# Domain fidelity (issue 17): profile values below the standard's level, exceptions, security-model placement.
from tests.mutation import domain_mutations  # noqa: E402,F401
