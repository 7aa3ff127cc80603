"""Tenancy: the whole Government Cloud tenancy of one local government and environment.

Only composition lives here: one provider per account and region, then one component per
concern, each in its own module. Values come from typed Settings (gcbase.settings); no
literals here that a profile should own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi

from gcbase.intent import operator_parties
from gcbase.settings import Settings
from modules.audit import AccountAudit, AccountAuditArgs
from modules.backup import SystemBackup, SystemBackupArgs
from modules.guardrails import Guardrails, GuardrailsArgs
from modules.identity import PartyRoles, PartyRolesArgs, SystemDataKey, SystemDataKeyArgs
from modules.log_archive import LogArchive, LogArchiveArgs
from modules.network import TransitHub, TransitHubArgs
from modules.providers import account_provider
from modules.security import SecurityServices, SecurityServicesArgs
from modules.workload_vpc import WorkloadVpc, WorkloadVpcArgs


@dataclass
class TenancyArgs:
    settings: Settings
    vpn_preshared_key: Optional[pulumi.Input[str]] = None


class Tenancy(pulumi.ComponentResource):
    def __init__(self, name: str, args: TenancyArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:tenancy:Tenancy", name, None, opts)
        s = args.settings
        self._name = name
        base_tags = {
            "gcbase:municipality": s.municipality.code,
            "gcbase:environment": s.environment,
            "gcbase:managed-by": "gcbase",
        }
        regions = (s.regions.primary, s.regions.dr)
        # providers[account][region]
        self.providers = {
            acct: {
                region: account_provider(f"{name}-{acct}-{region}", acct, region, s.accounts.deploy_role_name, base_tags, self)
                for region in regions
            }
            for acct in s.account_ids
        }
        shared = self.providers[s.accounts.shared]
        mynumber_accounts = sorted({sys.account for sys in s.systems if sys.tier == "mynumber"})

        # Organizations policies are created in the organization's management account (the governance
        # account of an organization you administer); inherited ones are only declared.
        guardrails_provider = account_provider(
            f"{name}-{s.accounts.governance}-{s.regions.primary}", s.accounts.governance, s.regions.primary,
            s.accounts.deploy_role_name, base_tags, self) if s.guardrails.deploy else shared[s.regions.primary]
        self.guardrails = Guardrails(f"{name}-guardrails", GuardrailsArgs(
            deploy=s.guardrails.deploy,
            target_id=s.guardrails.target_id,
            allowed_regions=list(regions),
            mynumber_account_ids=mynumber_accounts,
            governance_account_id=s.accounts.governance,
        ), self._opts(guardrails_provider))

        self.log_archive = LogArchive(f"{name}-logs", LogArchiveArgs(
            name_prefix=name,
            account_id=s.accounts.shared,
            member_account_ids=list(s.account_ids),
            region=s.regions.primary,
            retention_days=s.profile.log_retention_days,
            transition_days=s.profile.log_transition_to_glacier_days,
            tags=base_tags,
            config_delivery="config" not in s.guardrails.inherited_services,  # else Control Tower's archive
        ), self._opts(shared[s.regions.primary]))

        for acct in s.account_ids:
            AccountAudit(f"{name}-audit-{acct}", AccountAuditArgs(
                name_prefix=name,
                account_id=acct,
                providers=self.providers[acct],
                primary_region=s.regions.primary,
                log_bucket_name=self.log_archive.bucket_name,
                log_bucket_arn=self.log_archive.bucket_arn,
                kms_key_arn=self.log_archive.kms_key_arn,
                cloudwatch_retention_days=s.profile.cloudwatch_log_retention_days,
                tags=base_tags,
                inherit_config="config" in s.guardrails.inherited_services,
            ), self._opts())
            SecurityServices(f"{name}-security-{acct}", SecurityServicesArgs(
                account_id=acct,
                providers=self.providers[acct],
                tags=base_tags,
                inherited=tuple(x for x in s.guardrails.inherited_services if x != "config"),
            ), self._opts())

        own = s.municipality.code

        def member_of(system) -> Optional[str]:  # None: the stack's own municipality
            return system.member if system.member and system.member != own else None

        groups: dict[tuple[str, Optional[str]], list[str]] = {}
        for system in s.systems:
            groups.setdefault((system.tier, member_of(system)), []).append(str(system.cidr))
        self.hub = TransitHub(f"{name}-hub", TransitHubArgs(
            name_prefix=name,
            connection=s.network.connection,
            lines=[{"connection_id": line.connection_id, "vlans": s.network.line_vlans(line),
                    "location": line.location} for line in s.network.lines],
            vpn_backup=s.network.vpn_backup,
            customer_gateway_ip=s.network.customer_gateway_ip,
            vpn_preshared_key=args.vpn_preshared_key,
            amazon_side_asn=s.network.amazon_side_asn,
            customer_asn=s.network.customer_asn,
            cidr_pool=str(s.network.cidr_pool),
            on_premises={t: [str(c) for c in cidrs] for t, cidrs in s.network.on_premises_cidrs.items() if cidrs},
            vpc_groups=groups,
            share_with_account_ids=[a for a in s.account_ids if a != s.accounts.shared],
            tags=base_tags,
        ), self._opts(shared[s.regions.primary]))

        self.vpcs: dict[str, WorkloadVpc] = {}
        for system in s.systems:
            sys_tags = {
                **base_tags,
                "gcbase:system": system.id,
                "gcbase:business": system.business,
                "gcbase:tier": system.tier,
                "gcbase:vendor": system.vendor,
                **({"gcbase:member": system.member} if member_of(system) else {}),
            }
            prov = self.providers[system.account]
            self.vpcs[system.id] = WorkloadVpc(f"{name}-{system.id}", WorkloadVpcArgs(
                name_prefix=name,
                system_id=system.id,
                tier=system.tier,
                cidr=str(system.cidr),
                region=s.regions.primary,
                hub=self.hub,
                hub_provider=shared[s.regions.primary],
                member=member_of(system),
                flow_log_retention_days=s.profile.cloudwatch_log_retention_days,
                tags=sys_tags,
            ), self._opts(prov[s.regions.primary]))
            SystemDataKey(f"{name}-{system.id}-key", SystemDataKeyArgs(
                name_prefix=name,
                account_id=system.account,
                system_id=system.id,
                vendor=system.vendor,
                tags=sys_tags,
            ), self._opts(prov[s.regions.primary]))
            SystemBackup(f"{name}-{system.id}-backup", SystemBackupArgs(
                name_prefix=name,
                system_id=system.id,
                account_id=system.account,
                rpo_hours=min(s.profile.rpo_hours, s.profile.backup_interval_hours),  # A.1.3.1 and C.1.2.5
                retention_days=s.profile.backup_retention_days,
                copy_to_dr=s.profile.remote_backup_copy,
                dr_provider=prov[s.regions.dr],
                tags=sys_tags,
            ), self._opts(prov[s.regions.primary]))

        self.roles: dict[str, PartyRoles] = {}
        for acct in s.account_ids:
            self.roles[acct] = PartyRoles(f"{name}-roles-{acct}", PartyRolesArgs(
                name_prefix=name,
                account_id=acct,
                is_shared_account=acct == s.accounts.shared,
                identity_account_id=s.accounts.identity or s.accounts.shared,
                governance_account_id=s.accounts.governance,
                deploy_governance_role=s.guardrails.deploy,  # else Digital Agency's, declared as inherited
                systems=[
                    {"id": x.id, "vendor": x.vendor, "tier": x.tier}
                    for x in s.systems if x.account == acct
                ],
                tags=base_tags,
                operators=operator_parties(s),
                vendor_accounts={v.id: (list(v.accounts), v.external_id) for v in s.vendors},
            ), self._opts(self.providers[acct][s.regions.primary]))

        self.log_archive_bucket = self.log_archive.bucket_name
        self.transit_gateway_id = self.hub.transit_gateway_id
        self.vpc_ids = {k: v.vpc_id for k, v in self.vpcs.items()}
        self.role_arns = {acct: r.role_arns for acct, r in self.roles.items()}
        self.register_outputs({
            "logArchiveBucket": self.log_archive_bucket,
            "transitGatewayId": self.transit_gateway_id,
            "vpcIds": self.vpc_ids,
        })

    def _opts(self, provider: Optional[pulumi.ProviderResource] = None) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=provider)
