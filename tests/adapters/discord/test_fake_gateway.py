"""The fake gateway and REST API drive the real discord.py client."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
from discord import app_commands

from adapters.testing.discord_gateway import FakeDiscord, fake_discord


async def _trivial_client(fake: FakeDiscord) -> discord.Client:
    client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.05)
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="Answer pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    await client.login(fake.token)
    client.tree = tree  # type: ignore[attr-defined]
    return client


async def test_trivial_client_round_trip() -> None:
    async with fake_discord() as fake:
        with fake.endpoints():
            client = await _trivial_client(fake)
            task = asyncio.create_task(client.connect(reconnect=False))
            try:
                async with asyncio.timeout(5):
                    await client.wait_until_ready()
                assert client.user is not None and client.user.id == fake.bot_id
                assert fake.identifies and fake.identifies[0]["token"] == fake.token
                assert client.get_guild(fake.guild_id) is not None

                callback = await fake.interact(fake.slash("ping"))
                assert callback.json["type"] == 4
                assert callback.json["data"]["content"] == "pong"
                assert callback.json["data"]["flags"] == 64
                assert callback.json["data"]["allowed_mentions"] == {"parse": []}
                assert "Authorization" not in callback.headers

                synced = await client.tree.sync()  # type: ignore[attr-defined]
                assert [c.name for c in synced] == ["ping"]
                put = fake.find("PUT", r"/applications/\d+/commands$")[-1]
                assert put.json[0]["name"] == "ping"
            finally:
                await client.close()
                await task


async def test_plain_json_gateway_and_fault_injection() -> None:
    async with fake_discord() as fake, aiohttp.ClientSession() as http:
        async with http.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
            hello = await ws.receive_json()
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 1}})
            ready = await ws.receive_json()
            guild = await ws.receive_json()
            assert ready["t"] == "READY" and guild["t"] == "GUILD_CREATE"
            assert guild["d"]["id"] == str(fake.guild_id)

        url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
        headers = {"Authorization": f"Bot {fake.token}"}
        fake.fail_next("POST", r"/messages$", status=429, retry_after=0.5)
        fake.fail_next("POST", r"/messages$", status=502)
        async with http.post(url, json={"content": "x"}, headers=headers) as resp:
            assert resp.status == 429
            assert resp.headers["Retry-After"] == "0.5" and resp.headers["Via"]
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["retry_after"] == 0.5
        async with http.post(url, json={"content": "x"}, headers=headers) as resp:
            assert resp.status == 502
        async with http.post(url, json={"content": "x"}, headers=headers) as resp:
            assert resp.status == 200
        async with http.get(f"{fake.api_base}/users/@me") as resp:
            assert resp.status == 401  # no token
        assert [r.status for r in fake.find("POST", r"/messages$")] == [429, 502, 200]
