"""gcbase as a Pulumi policy pack (CrossGuard): `pulumi preview --policy-pack policypack/`.

The Pulumi engine hands the pack every resource of the stack; gcbase turns them into the preview
document `gcbase check --preview` reads (resources.py), checks it through the same orchestration
as `gcbase check` (gcbase.report.pipeline.check_plan: intent, waivers, the responsibility matrix)
and builds the same Report (verdict.py). The pack's policies (pack.py) only report what that
Report says: one engine, no check implemented twice.

    gcbase-gate      mandatory  one violation per reason the gate fails (mandatory requirement not
                                met or missing, failure at or above --fail-on, boundary mismatch,
                                a check that raised); none when `gcbase check` passes
    gcbase-findings  advisory   every unwaived failure, with the check id, title and resource

Only pack.py imports pulumi_policy; everything else is plain data and can be tested without it.
"""
