"""The timeline dashboard: a Dash app over extracted events (``create_app``)."""

from dashboard.app import create_app

__all__ = ["create_app"]
