"""Checkov resource checks (BaseResourceCheck), loaded through Checkov's external-check loader."""
