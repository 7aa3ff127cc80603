"""The Terraform-plan fixtures of the network checks (tests/policies/fixtures/GCJP_AWS_43..50), built from the
scenario tenancy so that they cannot drift from it: `uv run python -m tests.network.fixtures` writes them,
tests/network/test_fixture_files.py proves the files on disk are what this builds.

Each check gets pass.json (the tenancy as built), fail.json (one weakening it must catch) and intent.json
(the stack the plans are judged against: the network checks prove plans against a stack, not tags).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from gcbase.intent import SystemIntent
from tests.network.builder import Ref
from tests.network.scenarios import CIDRS, JUKI, MEMBER_ACCOUNT, OUTSIDER, TOWN_HALL, Tenancy, intent

FIXTURES = Path(__file__).resolve().parent.parent / "policies" / "fixtures"
MEMBER = SystemIntent("juki-member", "juki", "vendor-a", "mynumber", "10.20.4.0/22", MEMBER_ACCOUNT, "363022")


def _mynumber_to_internet(t: Tenancy) -> None:
    t.route("juki_to_web", t.route_tables["juki"], CIDRS["web"], transit_gateway_id=Ref(t.tgw))
    t.static("mynumber_to_web", t.tables["mynumber"], CIDRS["web"], t.attachments["web"])


def _mynumber_to_lgwan(t: Tenancy) -> None:
    pcx = t.tf.r("aws_vpc_peering_connection", "juki_senkyo", account=JUKI, vpc_id=Ref(t.vpcs["juki"]),
                 peer_vpc_id=Ref(t.vpcs["senkyo"]), peer_owner_id="210000000103")
    t.route("juki_to_senkyo", t.route_tables["juki"], CIDRS["senkyo"], vpc_peering_connection_id=Ref(pcx))


def _lgwan_to_internet(t: Tenancy) -> None:
    t.route("senkyo_to_web", t.route_tables["senkyo"], CIDRS["web"], transit_gateway_id=Ref(t.tgw))
    t.propagate("web_into_lgwan", t.attachments["web"], t.tables["lgwan"])


def _nat_in_lgwan(t: Tenancy) -> None:
    t.tf.r("aws_nat_gateway", "senkyo_nat", subnet_id=Ref("aws_subnet.senkyo_private"))


def _mynumber_reaches_lgwan_segment(t: Tenancy) -> None:
    t.route("juki_to_lgwan_hall", t.route_tables["juki"], TOWN_HALL["lgwan"], transit_gateway_id=Ref(t.tgw))
    t.static("mynumber_to_lgwan_hall", t.tables["mynumber"], TOWN_HALL["lgwan"], t.dx["lgwan"],
             "transit_gateway_attachment_id")


def _member_vpc(t: Tenancy) -> str:
    return t.tf.r("aws_vpc", "juki_member", account=MEMBER_ACCOUNT, cidr_block="10.20.4.0/22",
                  tags={"gcbase:tier": "mynumber", "gcbase:system": "juki-member"})


def _members_peered(t: Tenancy) -> None:
    vpc = _member_vpc(t)
    pcx = t.tf.r("aws_vpc_peering_connection", "juki_member", account=JUKI, vpc_id=Ref(t.vpcs["juki"]),
                 peer_vpc_id=Ref(vpc), peer_owner_id=MEMBER_ACCOUNT)
    t.route("juki_to_member", t.route_tables["juki"], "10.20.4.0/22", vpc_peering_connection_id=Ref(pcx))


def _shared_with_outsider(t: Tenancy) -> None:
    share = t.tf.r("aws_ram_resource_share", "tgw", allow_external_principals=False)
    t.tf.r("aws_ram_principal_association", "juki", principal=JUKI, resource_share_arn=Ref(share, "arn"))
    t.tf.r("aws_ram_principal_association", "outsider", principal=OUTSIDER, resource_share_arn=Ref(share, "arn"))


def _links_outside(t: Tenancy) -> None:
    """The RAM share with an outsider, and the links of review G-2, G-4, G-5: a VPN to a peer the stack does not
    declare, an interface endpoint to another account's PrivateLink service, a Lattice service network outside."""
    _shared_with_outsider(t)
    t.vpn("rogue_vpn", "mynumber", "198.51.100.7")
    t.tf.r("aws_vpc_endpoint", "third_party", vpc_id=Ref(t.vpcs["juki"]), vpc_endpoint_type="Interface",
           service_name="com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0")
    t.tf.r("aws_vpclattice_service_network_vpc_association", "juki_outside", vpc_identifier=Ref(t.vpcs["juki"]),
           service_network_identifier=f"arn:aws:vpc-lattice:ap-northeast-1:{OUTSIDER}:servicenetwork/sn-0123456789abcdef0")


def _shared_inside(t: Tenancy) -> None:
    share = t.tf.r("aws_ram_resource_share", "tgw", allow_external_principals=False)
    t.tf.r("aws_ram_principal_association", "juki", principal=JUKI, resource_share_arn=Ref(share, "arn"))
    own = t.tf.r("aws_vpclattice_service_network", "own", account=JUKI, name="juki")
    t.tf.r("aws_vpclattice_service_network_vpc_association", "juki_own", vpc_identifier=Ref(t.vpcs["juki"]),
           service_network_identifier=Ref(own))


def _undeclared_vpc(t: Tenancy) -> None:
    t.tf.r("aws_vpc", "sandbox", account=JUKI, cidr_block="10.30.0.0/16", tags={"gcbase:tier": "internet"})


SHARED = intent(extra_systems=[MEMBER], usage_mode="shared", separation="network", members=("131121", "363022"))
# check id -> (what the pass plan adds, what the fail plan adds, the intent)
CASES: dict[str, tuple[Callable[[Tenancy], None], Callable[[Tenancy], None], object]] = {
    "GCJP_AWS_43": (lambda t: None, _mynumber_to_internet, intent()),
    "GCJP_AWS_44": (lambda t: None, _mynumber_to_lgwan, intent()),
    "GCJP_AWS_45": (lambda t: None, _lgwan_to_internet, intent()),
    "GCJP_AWS_46": (lambda t: None, _nat_in_lgwan, intent()),
    "GCJP_AWS_47": (lambda t: None, _mynumber_reaches_lgwan_segment, intent()),
    "GCJP_AWS_48": (_member_vpc, _members_peered, SHARED),
    "GCJP_AWS_49": (_shared_inside, _links_outside, intent()),
    "GCJP_AWS_50": (lambda t: None, _undeclared_vpc, intent()),
}


def build(check_id: str) -> dict[str, dict]:
    """{file name: JSON document} of one check's fixtures."""
    add_pass, add_fail, judge = CASES[check_id]
    out = {}
    for name, add in (("pass.json", add_pass), ("fail.json", add_fail)):
        t = Tenancy()
        add(t)
        out[name] = t.plan()
    out["intent.json"] = judge.to_dict()
    return out


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    for check_id in CASES:
        folder = FIXTURES / check_id
        folder.mkdir(parents=True, exist_ok=True)
        for name, doc in build(check_id).items():
            (folder / name).write_text(dumps(doc), encoding="utf-8")
        print(f"wrote {folder}")


if __name__ == "__main__":
    main()
