"""Slack adapter: `/brief` with Block Kit cards, admin story intake, HTTP and Socket Mode."""
