"""Terraform plan JSON exporter: lets Checkov's terraform_plan runner check a gcbase Plan."""

from gcbase.tfplan.export import export, unchecked, write

__all__ = ["export", "unchecked", "write"]
