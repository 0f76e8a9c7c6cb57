"""Discord adapter: `/brief` and `/brief-admin` slash commands, embeds, buttons and admin intake.

``client`` wires the command tree, ``handlers`` answers interactions, ``render`` and ``limits``
build embeds within Discord's limits, ``digest`` renders and posts daily digests, ``words`` spells
the core's hints and actions as Discord commands, ``runner`` handles endpoints, login, command sync
and the invite URL. Nothing here imports ``bot/`` or runs SQL.
"""
