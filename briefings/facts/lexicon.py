"""Word lists for the key-fact extractor: roles, demonyms, function words, units."""

from __future__ import annotations

from importlib import resources
from types import MappingProxyType


def words(text: str) -> frozenset[str]:
    """Return the set of whitespace-separated words of ``text``."""
    return frozenset(text.split())


def word_list(name: str) -> frozenset[str]:
    """Load a shipped word list (``briefings/data/NAME``, one word a line); empty if absent."""
    try:
        text = (resources.files("briefings") / "data" / name).read_text("utf-8")
    except OSError:
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def words_list(text: str) -> tuple[str, ...]:
    """Return the whitespace-separated words of ``text`` in order."""
    return tuple(text.split())


# Nouns that name a role, a job, a title or a relation of a person (lower case).
ROLE_HEADS = words(
    """
    president vice-president president-elect premier chancellor minister secretary
    secretary-general senator congressman congresswoman congressmember representative
    governor mayor ambassador envoy diplomat lawmaker legislator mp mep mps speaker leader
    chairman chairwoman chair chairperson spokesman spokeswoman spokesperson aide adviser
    advisor official commissioner councillor councilor councilman councilwoman alderman
    king queen prince princess duke duchess emperor empress monarch pope cardinal archbishop
    bishop priest pastor reverend rabbi imam cleric sheikh ayatollah dictator strongman
    general admiral colonel lieutenant major captain sergeant commander corporal marshal
    brigadier commandant officer chief director ceo cfo coo cto cio founder co-founder
    cofounder owner co-owner executive manager boss coach head partner analyst economist
    strategist professor doctor surgeon nurse physician scientist researcher teacher
    principal headteacher headmaster headmistress dean provost rector lecturer student
    lawyer attorney solicitor barrister prosecutor judge justice magistrate detective
    inspector sheriff deputy constable superintendent trooper agent investigator
    journalist reporter correspondent editor columnist writer author novelist poet actor
    actress singer rapper musician songwriter guitarist drummer star artist painter
    sculptor producer filmmaker comedian presenter host anchor model designer photographer
    chef player striker midfielder defender goalkeeper keeper forward winger quarterback
    pitcher batsman bowler champion boxer fighter golfer cyclist driver rider jockey
    trainer athlete sprinter runner swimmer skier gymnast referee umpire activist
    campaigner protester candidate nominee challenger incumbent entrepreneur investor
    billionaire millionaire businessman businesswoman tycoon mogul banker trader broker
    accountant engineer pilot astronaut soldier veteran marine sailor worker employee
    farmer resident victim survivor witness suspect defendant plaintiff prisoner inmate
    hostage refugee migrant pensioner fan mother father mom dad mum wife husband son
    daughter brother sister grandmother grandfather grandson granddaughter grandma
    grandpa uncle aunt cousin niece nephew widow widower fiance fiancee fiancé fiancée
    girlfriend boyfriend friend neighbour neighbor colleague teammate stepfather
    stepmother stepson stepdaughter parent treasurer trustee regulator auditor clerk
    registrar consultant psychologist psychiatrist therapist paramedic firefighter
    pharmacist dentist vet veterinarian midwife carer caregiver nanny housekeeper cleaner
    chauffeur bodyguard guard warden militant gunman terrorist jihadist rebel insurgent
    bomber attacker killer murderer thief burglar robber smuggler fraudster hacker heiress
    heir socialite celebrity blogger vlogger youtuber influencer legend icon whip lord
    baroness baron dame sir monk nun missionary volunteer organiser organizer curator
    archaeologist historian biologist chemist physicist mathematician geologist
    meteorologist forecaster pollster spokesperson surveyor architect developer
    programmer inventor explorer mountaineer climber diver photographer cameraman
    producer publisher broadcaster commentator pundit critic philanthropist donor
    fundraiser lobbyist negotiator mediator mediator diplomat consul attaché attache
    undersecretary under-secretary comptroller controller administrator supervisor
    foreman steward stewardess attendant waiter waitress bartender shopkeeper owner
    landlord landlady tenant homeowner motorist passenger cyclist pedestrian
    schoolboy schoolgirl pupil graduate undergraduate intern apprentice teenager teen
    mother-of-two mother-of-three father-of-two father-of-three grandmother-of-two
    democrat republican tory socialist
    """
)

# Words that may stand inside a role phrase before its head ("former", "deputy").
ROLE_MODIFIERS = words(
    """
    former ex then then- deputy acting vice assistant associate senior junior chief
    interim incoming outgoing new top lead head executive general foreign defense
    defence finance interior home justice health education trade state federal national
    regional local district county city supreme high military police army navy air
    presidential opposition party union team club royal prime managing principal co
    first press communications campaign security intelligence economic energy labor
    labour environment agriculture transport culture sports veteran longtime long-time
    retired late current future fellow elected sitting serving defense-minister
    world olympic professional international global regional social media tv reality
    pop rock film movie hollywood football soccer basketball baseball tennis cricket
    rugby golf hockey boxing formula premier league fashion business tech technology
    oil bank investment hedge fund private equity real estate property estate
    """
)

# Capitalised titles that are honorifics, not roles: stripped from names, never a detail.
HONORIFICS = words(
    "mr mr. mrs mrs. ms ms. miss mx messrs dr dr. prof prof. sir dame lord lady dear "
    "st st. rev rev. hon hon. jr jr. sr sr."
)

# Abbreviated titles and what they stand for.
TITLE_ABBREVIATIONS = MappingProxyType(
    {
        "sen.": "Senator",
        "sen": "Senator",
        "rep.": "Representative",
        "gov.": "Governor",
        "gen.": "General",
        "lt.": "Lieutenant",
        "col.": "Colonel",
        "maj.": "Major",
        "capt.": "Captain",
        "sgt.": "Sergeant",
        "cpl.": "Corporal",
        "adm.": "Admiral",
        "cmdr.": "Commander",
        "pres.": "President",
        "supt.": "Superintendent",
        "det.": "Detective",
        "insp.": "Inspector",
        "amb.": "Ambassador",
        "atty.": "Attorney",
        "gen": "General",
        "lt": "Lieutenant",
        "col": "Colonel",
        "capt": "Captain",
        "sgt": "Sergeant",
    }
)

# Verbs of a relative clause after a name, and the role noun they give ("who heads X").
WHO_VERBS = MappingProxyType(
    {
        "heads": "head of",
        "headed": "former head of",
        "leads": "leader of",
        "led": "former leader of",
        "runs": "runs",
        "ran": "ran",
        "chairs": "chair of",
        "chaired": "former chair of",
        "founded": "founder of",
        "co-founded": "co-founder of",
        "owns": "owner of",
        "manages": "manager of",
        "coaches": "coach of",
        "directs": "director of",
        "oversees": "oversees",
        "represents": "represents",
        "commands": "commander of",
        "commanded": "former commander of",
        "presides": "presides",
        "advises": "adviser to",
        "teaches": "teaches",
        "serves": "serves",
        "served": "served",
        "works": "works",
        "worked": "worked",
        "plays": "plays",
        "played": "played",
        "starred": "starred",
        "stars": "stars",
    }
)

# Country demonyms and the country they stand for ("Japanese Prime Minister").
DEMONYMS = MappingProxyType(
    {
        "afghan": "Afghanistan",
        "albanian": "Albania",
        "algerian": "Algeria",
        "american": "the United States",
        "argentine": "Argentina",
        "argentinian": "Argentina",
        "armenian": "Armenia",
        "australian": "Australia",
        "austrian": "Austria",
        "azerbaijani": "Azerbaijan",
        "bahraini": "Bahrain",
        "bangladeshi": "Bangladesh",
        "belarusian": "Belarus",
        "belgian": "Belgium",
        "bolivian": "Bolivia",
        "bosnian": "Bosnia",
        "brazilian": "Brazil",
        "british": "Britain",
        "bulgarian": "Bulgaria",
        "burmese": "Myanmar",
        "cambodian": "Cambodia",
        "cameroonian": "Cameroon",
        "canadian": "Canada",
        "chilean": "Chile",
        "chinese": "China",
        "colombian": "Colombia",
        "congolese": "Congo",
        "croatian": "Croatia",
        "cuban": "Cuba",
        "cypriot": "Cyprus",
        "czech": "the Czech Republic",
        "danish": "Denmark",
        "dutch": "the Netherlands",
        "ecuadorian": "Ecuador",
        "egyptian": "Egypt",
        "emirati": "the UAE",
        "english": "England",
        "eritrean": "Eritrea",
        "estonian": "Estonia",
        "ethiopian": "Ethiopia",
        "filipino": "the Philippines",
        "finnish": "Finland",
        "french": "France",
        "georgian": "Georgia",
        "german": "Germany",
        "ghanaian": "Ghana",
        "greek": "Greece",
        "guatemalan": "Guatemala",
        "haitian": "Haiti",
        "honduran": "Honduras",
        "hungarian": "Hungary",
        "icelandic": "Iceland",
        "indian": "India",
        "indonesian": "Indonesia",
        "iranian": "Iran",
        "iraqi": "Iraq",
        "irish": "Ireland",
        "israeli": "Israel",
        "italian": "Italy",
        "ivorian": "Ivory Coast",
        "jamaican": "Jamaica",
        "japanese": "Japan",
        "jordanian": "Jordan",
        "kazakh": "Kazakhstan",
        "kenyan": "Kenya",
        "korean": "Korea",
        "kosovan": "Kosovo",
        "kuwaiti": "Kuwait",
        "kyrgyz": "Kyrgyzstan",
        "latvian": "Latvia",
        "lebanese": "Lebanon",
        "liberian": "Liberia",
        "libyan": "Libya",
        "lithuanian": "Lithuania",
        "malaysian": "Malaysia",
        "malian": "Mali",
        "maltese": "Malta",
        "mexican": "Mexico",
        "moldovan": "Moldova",
        "mongolian": "Mongolia",
        "moroccan": "Morocco",
        "mozambican": "Mozambique",
        "namibian": "Namibia",
        "nepalese": "Nepal",
        "nepali": "Nepal",
        "nicaraguan": "Nicaragua",
        "nigerian": "Nigeria",
        "nigerien": "Niger",
        "norwegian": "Norway",
        "omani": "Oman",
        "pakistani": "Pakistan",
        "palestinian": "the Palestinian Authority",
        "panamanian": "Panama",
        "paraguayan": "Paraguay",
        "peruvian": "Peru",
        "polish": "Poland",
        "portuguese": "Portugal",
        "qatari": "Qatar",
        "romanian": "Romania",
        "russian": "Russia",
        "rwandan": "Rwanda",
        "saudi": "Saudi Arabia",
        "scottish": "Scotland",
        "senegalese": "Senegal",
        "serbian": "Serbia",
        "singaporean": "Singapore",
        "slovak": "Slovakia",
        "slovenian": "Slovenia",
        "somali": "Somalia",
        "south african": "South Africa",
        "spanish": "Spain",
        "sri lankan": "Sri Lanka",
        "sudanese": "Sudan",
        "swedish": "Sweden",
        "swiss": "Switzerland",
        "syrian": "Syria",
        "taiwanese": "Taiwan",
        "tajik": "Tajikistan",
        "tanzanian": "Tanzania",
        "thai": "Thailand",
        "tunisian": "Tunisia",
        "turkish": "Turkey",
        "turkmen": "Turkmenistan",
        "ugandan": "Uganda",
        "ukrainian": "Ukraine",
        "uruguayan": "Uruguay",
        "uzbek": "Uzbekistan",
        "venezuelan": "Venezuela",
        "vietnamese": "Vietnam",
        "welsh": "Wales",
        "yemeni": "Yemen",
        "zambian": "Zambia",
        "zimbabwean": "Zimbabwe",
        "briton": "Britain",
        "britons": "Britain",
        "scot": "Scotland",
        "dane": "Denmark",
        "swede": "Sweden",
    }
)

# Titles that read well as "<title> of <country>" when a demonym comes first.
STATE_TITLES = words(
    """
    president prime minister premier chancellor king queen emperor foreign defense
    defence finance secretary ambassador envoy leader monarch crown prince princess
    supreme interior
    """
)

# Words that are never (part of) a person's name.
NOT_NAMES = words(
    """
    the a an this that these those he she it they we i you his her its their our my your
    him them us me who whom whose which what where when why how there here then
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday tomorrow
    god lord jesus allah mr mrs ms dr however meanwhile overview background conclusion
    summary introduction update analysis opinion editorial breaking exclusive watch read
    more related video photos photo getty reuters ap afp cnn bbc associated press oh ok
    easter passover christmas hanukkah ramadan eid thanksgiving halloween diwali
    facebook twitter instagram youtube google netflix tiktok snapchat whatsapp sens reps
    muslim muslims christian christians jew jews jewish hispanic hispanics latino latinos
    sunni sunnis shia shiite shiites islam catholic catholics protestant arab arabs
    """
)

# Closed-class words: determiners, prepositions, conjunctions, auxiliaries, pronouns.
DETERMINERS = words("a an the this that these those its their his her our my your whose some any no every each another")
PREPOSITIONS = words(
    "of in on at to for from by with about against between among into onto over under "
    "after before during since until till towards toward through across around amid "
    "amidst within without behind beyond near per via than despite including as like"
)
AUXILIARIES = words(
    "is are was were be been being am has have had do does did will would shall should can could may might must 's 're"
)
CONJUNCTIONS = words("and or but nor yet so")
RELATIVES = words("that which who whom whose")

# Verbs whose object event changes status ("canceled a meeting ... scheduled for July 1").
STATUS_VERBS = MappingProxyType(
    {
        "canceled": "canceled",
        "cancelled": "canceled",
        "cancels": "canceled",
        "cancel": "canceled",
        "postponed": "postponed",
        "postpones": "postponed",
        "postpone": "postponed",
        "delayed": "delayed",
        "delays": "delayed",
        "scrapped": "scrapped",
        "scraps": "scrapped",
        "suspended": "suspended",
        "suspends": "suspended",
        "rescheduled": "rescheduled",
        "called": "called off",
        "halted": "halted",
        "axed": "axed",
        "dropped": "dropped",
        "moved": "moved",
        "confirmed": "confirmed",
        "announced": "announced",
        "approved": "approved",
        "blocked": "blocked",
        "rejected": "rejected",
        "abandoned": "abandoned",
    }
)

# Past participles / adjectives that link an event to a date ("scheduled for July 1").
SCHEDULE_WORDS = words("scheduled set due slated planned expected timed booked penciled pencilled held slated fixed")

# Units that make a bare number a figure ("300 troops"); any plural noun also counts.
COUNT_STOP = words(
    """
    years year months month weeks week days day hours hour minutes minute seconds second
    times time percent per cent a.m. p.m. am pm of and or to the a an in on at for by
    """
)

NUMBER_WORDS = MappingProxyType(
    {
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
        "dozens": 24,
        "hundreds": 200,
        "thousands": 2000,
        "millions": 2000000,
    }
)

# Aliases that denote the same organisation or place.
ALIASES = MappingProxyType(
    {
        "us": "united states",
        "u.s.": "united states",
        "u.s": "united states",
        "usa": "united states",
        "u.s.a.": "united states",
        "america": "united states",
        "united states of america": "united states",
        "uk": "united kingdom",
        "u.k.": "united kingdom",
        "britain": "united kingdom",
        "great britain": "united kingdom",
        "un": "united nations",
        "u.n.": "united nations",
        "eu": "european union",
        "e.u.": "european union",
        "uae": "united arab emirates",
    }
)

# Derived from NER training data by ``briefings.facts.build_lexicons``.
GIVEN_NAMES = word_list("facts-given-names.txt")
COMMON_WORDS = word_list("facts-common-words.txt")

# ----- types of organisation and place names (briefings/facts/entity_kinds.py)
# Last words that make a name a place ("Tulsa County", "Rhone Valley").
PLACE_HEADS = words(
    """
    county counties province region district valley island islands mountains
    alps peninsula parish borough township village town coast bay river lake sea ocean
    gulf strait desert canyon prefecture oblast territory territories republic kingdom
    emirate avenue street road boulevard square heights hills
    """
)
# Words that put a region of a place in front of it ("Southern California").
PLACE_REGIONS = words("southern northern eastern western central north south east west upper lower greater inner outer")
# Last words that make a name an organisation ("Tulsa World", "Universal Studios").
ORG_HEADS = words(
    """
    times post journal news herald tribune gazette telegraph guardian inc inc. corp corp. ltd
    plc llc group bank university college institute agency association foundation company
    committee council party ministry department studios studio pictures records airlines
    airways network police office sheriff commission authority board court club fc
    """
)
# Common nouns that say "a place called X" right before "of X" ("the village of Le Vernet").
PLACE_NOUNS = words("town village city commune municipality province region district county state island suburb")
# Nouns and verbs that announce the title of a creative work or an event ("the film X",
# "X, the HBO series", "starring in X").
WORK_CUES = words(
    """
    film films movie movies series documentary documentaries show shows sitcom album albums
    song songs single book books novel novels play musical franchise sequel prequel trilogy
    episode episodes season premiere starring starred game videogame opera
    """
)
