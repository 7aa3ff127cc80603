"""A small but complete Report for the writers' tests: a real plan captured under the mocks
(hub with two DX lines and a VPN whose pre-shared key is a known secret, one VPC per tier),
findings in every state, an expired and an unused waiver, a boundary row of each kind."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pulumi

from helpers import ROOT, synth, test_provider
from gcbase.report.locations import Locator
from gcbase.report.model import BoundaryCell, BoundaryRow, Finding, Report, Requirement, StackReport
from gcbase.waivers import Waiver, WaiverUse

STACK = "131121-prod"
CONFIG = "stacks/Pulumi.131121-prod.yaml"
PSK = "planted-psk-0f9e8d7c6b5a"  # must never appear in any report
HOSTILE = '<script>alert("x")</script>&'  # must appear escaped, never as markup
SYSTEMS = (("juki", "mynumber", "210000000101"), ("senkyo", "lgwan", "210000000103"),
           ("shinsei", "internet", "210000000104"))


def _program() -> None:
    from modules.network import TransitHub, TransitHubArgs
    from modules.workload_vpc import WorkloadVpc, WorkloadVpcArgs

    hub_provider = test_provider("210000000001", name="hub")
    hub = TransitHub("t-hub", TransitHubArgs(
        name_prefix=STACK, connection="lgwan",
        lines=[{"connection_id": "dxcon-fgk3a9x1", "vlans": {"mynumber": 101}, "location": "Equinix TY2"},
               {"connection_id": "dxcon-fh7b2m4q", "vlans": {"mynumber": 102}, "location": "AT Tokyo CC1"}],
        vpn_backup=True, customer_gateway_ip="203.0.113.10", vpn_preshared_key=pulumi.Output.secret(PSK),
        customer_asn=65101, cidr_pool="10.20.0.0/16", on_premises={"mynumber": ["172.16.0.0/20"]},
        vpc_groups={(tier, None): [f"10.20.{4 * i}.0/22"] for i, (_, tier, _) in enumerate(SYSTEMS)},
        share_with_account_ids=[a for _, _, a in SYSTEMS],
    ), pulumi.ResourceOptions(provider=hub_provider))
    for i, (system, tier, account) in enumerate(SYSTEMS):
        WorkloadVpc(f"t-{system}", WorkloadVpcArgs(
            name_prefix=STACK, system_id=system, tier=tier, cidr=f"10.20.{4 * i}.0/22", region="ap-northeast-1",
            hub=hub, hub_provider=hub_provider, flow_log_retention_days=365,
            tags={"gcbase:tier": tier, "gcbase:system": system},
        ), pulumi.ResourceOptions(provider=test_provider(account, name=f"p-{system}")))


@lru_cache(maxsize=None)
def plan():
    captured = synth(_program, stack=STACK)
    captured.config_file = CONFIG
    captured.meta.update({"municipality": "131121", "municipalityName": "世田谷区", "environment": "prod"})
    return captured


NFR = {"ja": "非機能要件の標準", "en": "Non-functional requirements standard"}
GUIDELINE = {"ja": "セキュリティポリシーガイドライン", "en": "Security policy guideline"}
PROJECT = {"ja": "gcbase プロジェクトの選択", "en": "gcbase project choice"}
WHY = {"ja": "標準の文言は見つからなかった", "en": "the standard's wording was not found"}
CATEGORIES = {"A": {"ja": "可用性", "en": "Availability"}, "E": {"ja": "セキュリティ", "en": "Security"},
              "G": {"ja": "ガイドライン（三層の対策・リージョン・ガードレール）",
                    "en": "Guidelines (three-tier separation, regions, guardrails)"}}
REQUIREMENTS = [
    Requirement("A.3.2.1", "A", {"ja": "バックアップの外部保管", "en": "Remote backup copy"}, NFR, status="standard",
                section="A.3.2.1"),
    Requirement("E.7.1.1", "E", {"ja": "ログの取得と保管", "en": "Log collection and retention"}, PROJECT,
                status="project", section="E.7.1.1", why=WHY),
    Requirement("E.5.1.1", "E", {"ja": "通信の暗号化", "en": "Encryption in transit"}, PROJECT, status="project",
                why=WHY),
    Requirement("GL.3T.1", "G", {"ja": "三層の対策", "en": "Three-tier separation"}, GUIDELINE, status="guideline",
                section="三層の対策"),
    Requirement("GL.RG.1", "G", {"ja": "国内リージョンの限定", "en": "Japanese regions only"}, GUIDELINE,
                status="guideline", section="Q2"),
]
TITLE_VIF = {"ja": "専用線が冗長化されている", "en": "The connection is redundant"}
TITLE_FLOW = {"ja": "全VPCでフローログを取得", "en": "Flow logs on every VPC"}
TITLE_IGW = {"ja": "マイナンバー系にインターネット出口がない", "en": "No internet path in the My Number tier"}
REMEDIATION_IGW = {"ja": "インターネットゲートウェイを削除する", "en": "Remove the internet gateway",
                   "pulumi": "# no aws.ec2.InternetGateway in a mynumber VPC"}


def waiver(check_id: str, resource: str, expires: str, line: int) -> Waiver:
    return Waiver(check=check_id, resource=resource, reason="移行期間中の暫定措置 (temporary during migration)",
                  approver="CISO 山田", expires=expires, file="baselines/waivers.yaml", line=line)


ACTIVE = waiver("GCJP_AWS_12", "aws_flow_log.t_senkyo*", "2099-03-31", 4)
EXPIRED = waiver("GCJP_AWS_20", "aws_internet_gateway.t_juki*", "2020-03-31", 11)
UNUSED = waiver("CKV_AWS_999", "*", "2099-03-31", 18)


def report(fail_on: str = "high", findings: list[Finding] | None = None) -> Report:
    p = plan()
    loc = Locator(CONFIG, ROOT / CONFIG)
    by_name = {r.name: r for r in p.resources}

    def f(check, res_name, address, status, severity, title, reqs, **kw) -> Finding:
        res = by_name.get(res_name)
        return Finding(check_id=check, stack=STACK, resource=address, resource_type=res.type if res else "",
                       status=status, severity=severity, title=title, requirements=reqs, urn=res.urn if res else "",
                       location=loc.for_resource(res), **kw)

    default = [
        f("GCJP_AWS_30", "t-hub-vif1", "aws_dx_transit_virtual_interface.t_hub_vif1", "pass", "high", TITLE_VIF, ("A.3.2.1",)),
        f("GCJP_AWS_30", "t-hub-vif2", "aws_dx_transit_virtual_interface.t_hub_vif2", "pass", "high", TITLE_VIF, ("A.3.2.1",)),
        f("GCJP_AWS_12", "t-juki-flowlog", "aws_flow_log.t_juki_flowlog", "pass", "medium", TITLE_FLOW, ("E.7.1.1",)),
        f("GCJP_AWS_12", "t-senkyo-flowlog", "aws_flow_log.t_senkyo_flowlog", "waived", "medium", TITLE_FLOW,
          ("E.7.1.1",), waiver=ACTIVE),
        f("GCJP_AWS_20", "t-juki-vpc", "aws_internet_gateway.t_juki_igw", "fail", "low", TITLE_IGW, ("GL.3T.1",),
          message=HOSTILE, remediation=REMEDIATION_IGW, waiver=EXPIRED),
        f("CKV_AWS_130", "t-shinsei-vpc", "aws_subnet.t_shinsei_public_0", "fail", "medium",
          {"ja": "サブネットでパブリックIPを自動割当しない", "en": "Subnets do not assign public IPs"}, ("GL.3T.1",),
          remediation={"ja": "map_public_ip_on_launch を false にする", "en": "Set map_public_ip_on_launch to false"}),
        f("GCJP_AWS_1", "t-hub-tgw", "aws_organizations_policy.region_allowlist", "fail", "critical",
          {"ja": "SCPでリージョンを限定", "en": "SCP restricts regions"}, ("GL.RG.1",)),
    ]
    return Report(
        stacks=[StackReport(STACK, CONFIG, p, dict(p.meta))],
        findings=default if findings is None else findings,
        requirements=REQUIREMENTS,
        fail_on=fail_on,
        generated_at="2025-04-01T09:00:00+09:00",
        version="0.1.0",
        checks_not_run=[("CKV2_AWS_62", {"ja": "S3 イベント通知", "en": "S3 event notifications"})],
        notes=["role x: managed policy arn:aws:iam::aws:policy/Foo unknown to gcbase; not evaluated"],
        types_not_checked=["gcbase:guardrails:InheritedPolicy"],
        waivers=[WaiverUse(ACTIVE, 1), WaiverUse(EXPIRED, 1, expired=True), WaiverUse(UNUSED, 0)],
        boundaries=[
            BoundaryRow(STACK, "read-data", {"ja": "業務データの読み取り", "en": "Read system data"}, "s3:GetObject", (
                BoundaryCell("asp", "allow", "ok", {"ja": "自システム", "en": "own system"}, "identity gcbase-asp: Data"),
                BoundaryCell("auditor", "deny", "ok", {"ja": "参照のみ", "en": "read only"}, "identity: DenyWrite"),
                BoundaryCell("network-operator", "deny", "n/a", {"ja": "役割なし", "en": "no role here"}))),
            BoundaryRow(STACK, "decrypt-other", {"ja": "他システムの鍵で復号", "en": "Decrypt with another system's key"},
                        "kms:Decrypt", (BoundaryCell("asp", "deny", "mismatch", {"ja": "他事業者", "en": "other ASP"},
                                                     "key policy juki-data: AllowAll"),)),
        ],
        parties=["auditor", "asp", "network-operator"],
        categories=CATEGORIES,
    )


def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"
