"""gcbase Pulumi program: one local government's Government Cloud tenancy.

Config is read once, here, into typed Settings; the Tenancy component composes one
component per concern (modules/). Nothing below depends on how the program is run:
`pulumi up` and gcbase's offline synth execute exactly this file.
"""

import pulumi

from gcbase import stackconfig
from modules.tenancy import Tenancy, TenancyArgs

settings, vpn_psk = stackconfig.read()

tenancy = Tenancy(
    f"gc{settings.municipality.code}-{settings.environment}",
    TenancyArgs(settings=settings, vpn_preshared_key=vpn_psk),
)

pulumi.export("municipality", {"code": settings.municipality.code, "name": settings.municipality.name})
pulumi.export("environment", settings.environment)
pulumi.export("logArchiveBucket", tenancy.log_archive_bucket)
pulumi.export("transitGatewayId", tenancy.transit_gateway_id)
pulumi.export("vpcIds", tenancy.vpc_ids)
pulumi.export("roleArns", tenancy.role_arns)
