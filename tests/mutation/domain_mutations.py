"""Domain-fidelity mutations (issue 17): a stack config weakened below the standard's levels without an
exception, a recorded exception stripped of its reason, a system placed where its security model does not allow.
Each must be refused by validation (killed by "validate"); they register in tests/mutation/mutations.py."""

from __future__ import annotations

from tests.mutation.identity_mutations import _config_mutation

STG, PROD, KAMIYAMA = "131121-stg", "131121-prod", "363421-prod"

_config_mutation("cfg-availability-below-the-standard", PROD,
                 lambda c: c["gcbase:profile"].update(availability=95),
                 "Availability 95 % (the standard's level is 99.5 %, A.1.5.1) without an exception.")
_config_mutation("cfg-rto-longer-than-the-standard", PROD,
                 lambda c: c["gcbase:profile"].update(rtoHours=48),
                 "RTO 48 hours (the standard's level is 12, A.1.3.2) without an exception.")
_config_mutation("cfg-disaster-data-later-than-72-hours", PROD,
                 lambda c: c["gcbase:profile"].update(disasterDataHours=168),
                 "Data for resident safety checks a week after a disaster (A.1.4.1: 72 hours) without an exception.")
_config_mutation("cfg-disaster-recovery-later-than-a-month", PROD,
                 lambda c: c["gcbase:profile"].update(disasterRecoveryMonths=6),
                 "Degraded recovery six months after a disaster (A.1.4.1: one month) without an exception.")
_config_mutation("cfg-backup-retention-below-default", PROD,
                 lambda c: c["gcbase:profile"].update(backupRetentionDays=7),
                 "Backups kept 7 days (gcbase's default 35, C.1.2.6) without an exception.")
_config_mutation("cfg-exception-without-approver", STG,
                 lambda c: c["gcbase:profile"]["exceptions"]["availability"].pop("approver"),
                 "The staging stack's availability exception loses its approver.")
_config_mutation("cfg-lgwan-business-in-internet-tier-under-alpha", PROD,
                 lambda c: c["gcbase:systems"][2].update(business="groupware", tier="internet"),
                 "Groupware placed in the internet tier while the municipality declares the α model (β only).")
_config_mutation("cfg-beta-prime-takes-betas-placement", PROD,
                 lambda c: (c.update({"gcbase:securityModel": "beta-prime"}),
                            c["gcbase:systems"][2].update(business="groupware", tier="internet")),
                 "β′ (definition not found) used to place groupware in the internet tier as β would.")
