"""gcbase's Pulumi policy pack: `pulumi preview --policy-pack <gcbase checkout>/policypack`.
The checks, waivers and verdicts are gcbase's own (gcbase.policypack); see README "For vendors"."""

from gcbase.policypack.pack import serve

serve()
