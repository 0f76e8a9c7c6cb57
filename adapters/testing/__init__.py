"""Local fakes of the Slack Web API, signed Slack requests and the Discord gateway, on 127.0.0.1.

The tests and the benchmarks drive the real slack-bolt, slack_sdk and discord.py against these.
"""
