"""Stackscout: self-hosted technographics for account-based marketing."""

__version__ = "0.1.0"
