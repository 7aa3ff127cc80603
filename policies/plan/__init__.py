"""gcbase plan-level checks (gcbase.check.plancheck.PlanCheck), loaded by gcbase."""
