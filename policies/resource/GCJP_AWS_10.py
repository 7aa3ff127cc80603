"""GCJP_AWS_10: no security group admits traffic from anywhere (0.0.0.0/0 or ::/0), on any port."""

from ipaddress import ip_network

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


def _anywhere(cidrs):
    out = []
    for cidr in cidrs:
        try:
            if ip_network(str(cidr), strict=False).prefixlen == 0:
                out.append(str(cidr))
        except ValueError:
            continue  # a reference to a prefix list or another resource: not a literal range
    return out


class NoIngressFromAnywhere(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_10", categories=[CheckCategories.NETWORKING],
                         supported_resources=["aws_security_group", "aws_security_group_rule",
                                              "aws_vpc_security_group_ingress_rule"])

    def scan_resource_conf(self, conf):
        if self.entity_type == "aws_security_group":
            rules = [r for r in c.values(conf, "ingress") if isinstance(r, dict)]
        elif self.entity_type == "aws_security_group_rule":
            if c.value(conf, "type") != "ingress":
                return CheckResult.UNKNOWN
            rules = [conf]
        else:
            rules = [{"cidr_blocks": [c.value(conf, "cidr_ipv4")], "ipv6_cidr_blocks": [c.value(conf, "cidr_ipv6")]}]
        self.evaluated_keys = ["ingress"]
        for rule in rules:
            open_to = _anywhere(c.values(rule, "cidr_blocks") + c.values(rule, "ipv6_cidr_blocks"))
            if open_to:
                ports = f"{c.value(rule, 'from_port', '?')}-{c.value(rule, 'to_port', '?')}"
                self.details.append(f"ingress from {', '.join(open_to)} (ports {ports})")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = NoIngressFromAnywhere()
