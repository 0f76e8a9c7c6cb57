"""Stories for the admin-correction tests of every face: one to merge, one article in the wrong story."""

from __future__ import annotations

from dataclasses import dataclass

from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG

POSTPONED = "japan-postpones"  # a split of the seed story's event: to merge into it
HEAT = "europe-heatwave"  # where the misplaced article belongs

JAPAN_FOLLOW_UP = """Tokyo puts off 2+2 meeting as Washington presses for bigger defence budget
Japanese officials confirmed on Friday that the annual security dialogue with the United States will not take
place on July 1 as planned. Washington had asked Tokyo to lift military spending to 3.5% of gross domestic product,
well above the 3% figure discussed earlier in the year. Foreign Minister Takeshi Iwaya told reporters that the two
governments remained in close contact and would fix a new date once the upper house election was over.
"""

HEATWAVE = """Firefighters battle blazes near Athens as heatwave grips southern Europe
Firefighters battled wildfires near Athens on Tuesday as temperatures climbed above 40C across southern Europe.
Authorities evacuated several villages in Attica and closed the Acropolis to tourists during the hottest hours.
Meteorologists warned that the heat would last until the weekend in Italy, Spain and Greece, and hospitals in
Seville reported a rise in admissions for heatstroke among elderly residents.
"""

HEATWAVE_FOLLOW_UP = """Spain and Italy issue red alerts as temperatures pass 44C
Spain's weather agency issued red alerts for Andalusia on Wednesday as the thermometer in Cordoba passed 44C.
Italy placed sixteen cities, including Rome, Florence and Bologna, under its highest heat warning and limited
outdoor work during the afternoon. Officials in both countries urged people to stay indoors and drink water,
while firefighters in Sardinia fought several forest fires driven by strong winds.
"""


@dataclass(frozen=True)
class Stories:
    """The article ids of the correction fixture."""

    follow_up: int  # alone in story POSTPONED
    misplaced: int  # a heatwave article put in the seed story by mistake
    heat: int  # alone in story HEAT


async def add_correction_stories(service: BriefingService, *, misplaced_title: str | None = None) -> Stories:
    """Add to the seeded service: POSTPONED (to merge), a heatwave article in the seed story, and HEAT."""
    follow_up = await service.add_text(JAPAN_FOLLOW_UP, actor=ADMIN, story=POSTPONED)
    misplaced = await service.add_text(HEATWAVE, actor=ADMIN, story=SEED_SLUG, title=misplaced_title)
    heat = await service.add_text(HEATWAVE_FOLLOW_UP, actor=ADMIN, story=HEAT)
    return Stories(follow_up.article_id, misplaced.article_id, heat.article_id)
