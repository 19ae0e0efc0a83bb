"""Dutch-like news text for generated archives (`manage.py load_archive`).

A small vocabulary of our own, drawn with Zipf-like weights, so that search words come in
every frequency: "jaar" is in most articles, "verdrag" in some, a place name in few. Bodies
are drawn from a pool of generated paragraphs (fast for a million articles, and still varied:
every body is its own choice and order of paragraphs).
"""

import random
from itertools import accumulate


def _list(text: str, sep: str | None = None) -> list[str]:
    return [item.strip() for item in text.split(sep) if item.strip()]


SUBJECTS = _list(
    """kabinet minister premier gemeente provincie rechter politie brandweer bond
vakbond werkgevers boeren studenten artsen leraren ziekenhuis universiteit burgemeester
wethouder Kamer oppositie coalitie bank toezichthouder onderzoekers bewoners ondernemers
trainer ploeg elftal orkest museum regisseur schrijver zangeres bisschop synode kerkenraad
ministerie raad commissie fabrikant vervoerder netbeheerder waterschap omroep krant"""
)

VERBS = _list(
    """neemt besluit over|wil meer geld voor|waarschuwt voor|stemt in met|zegt nee tegen
|presenteert plan voor|onderzoekt|bespreekt|schrapt|verdedigt|steunt|bekritiseert|opent
|sluit|verlengt|tekent verdrag over|verliest zaak om|wint strijd om|komt met nieuw plan voor
|legt boete op vanwege|investeert in|bezuinigt op|start proef met|stopt met""",
    sep="|",
)

OBJECTS = _list(
    """woningbouw stikstof asiel zorgkosten pensioenen onderwijs energieprijzen
klimaatdoelen defensie landbouw openbaar vervoer spoor snelweg windparken zonnepanelen
belastingen toeslagen jeugdzorg huurprijzen inflatie export havens luchtvaart
verkiezingen grenscontrole vluchtelingen subsidie cultuur bibliotheken erfgoed sportclubs
voetbal schaatsen wielrennen verdrag handelsakkoord sancties wapenleveringen vredesoverleg
drinkwater dijken overstromingen droogte gaswinning kerncentrale datacentra privacy"""
)

PLACES = _list(
    """Amsterdam, Rotterdam, Den Haag, Utrecht, Groningen, Zwolle, Arnhem, Nijmegen, Maastricht,
Eindhoven, Leeuwarden, Assen, Middelburg, Den Bosch, Haarlem, Leiden, Delft, Kampen, Urk,
Brussel, Berlijn, Parijs, Londen, Wenen, Madrid, Rome, Warschau, Kyiv, Washington,
Peking, Ankara, Caïro, Nairobi, Brasília, Jakarta, Genève, Straatsburg, Luxemburg,
Lissabon, Athene, Oslo, Stockholm, Kopenhagen, Helsinki, Dublin, Praag, Boedapest""",
    sep=",",
)

# Filler vocabulary: the first words are drawn far more often than the last (Zipf-like).
WORDS = _list(
    """de het een en van in is dat op te met voor niet zijn er aan om ook als bij
maar nog door over naar uit dan wel jaar zegt heeft worden was meer al kan tot moet
veel nu andere grote nieuwe eerste volgens tegen onder twee procent miljoen mensen
land regering zaterdag maandag dinsdag woensdag donderdag vrijdag zondag week maand
gisteren vandaag morgen plan besluit onderzoek rapport beleid politiek economie geld
kosten prijzen werk banen bedrijven gezinnen kinderen ouderen jongeren zorg school
stad dorp regio grens wet regels voorstel debat kritiek steun protest akkoord overleg
gesprek antwoord vraag reactie verklaring woordvoerder deskundige hoogleraar rechtbank
uitspraak zaak hoger beroep cijfers groei daling stijging tekort overschot begroting
verkiezing partij fractie motie amendement stemming meerderheid minderheid kabinet
ministers staatssecretaris burgers inwoners bewoners huizen woningen huur koop markt
ondernemers winkels boeren dieren natuur water lucht klimaat energie stroom gas olie
verdrag verdragen afspraken samenwerking bondgenoten oorlog vrede wapens soldaten
vluchtelingen hulp voedsel droogte regen storm overstroming dijk haven schip trein
bus fiets auto weg spoor vertraging staking stiptheid reizigers passagiers vluchten
wedstrijd doelpunt competitie kampioen seizoen trainer spelers supporters stadion
concert tentoonstelling voorstelling roman gedichten film museum kunstenaar publiek
kerk geloof gemeente predikant dominee bisdom parochie synode gebed zondagsrust
ziekenhuis artsen patiënten wachtlijsten medicijnen vaccin virus gezondheid
universiteit studenten onderzoekers wetenschap ontdekking sterrenkunde archeologen
opgraving eeuwenoude vondst middeleeuwen gemeenteraad wethouder burgemeester raadsleden
provincie waterschap dijkgraaf windmolens zonneweide netcongestie aansluiting
digitale veiligheid hackers storing privacy gegevens toezichthouder boete onderzoeker
opmerkelijk ingrijpend voorzichtig stevig duidelijk onduidelijk gevoelig omstreden"""
)

FIRST_NAMES = _list(
    """Anne Sanne Jeroen Pieter Marloes Fleur Bram Daan Eva Lotte Sophie Thijs Joost
Karin Marieke Hendrik Willem Jan Geert Ingrid Esther Ruben Lars Noor Femke Wouter Maarten
Hanneke Judith Arjen Rik Tessa Ilse Bas Erik Mirjam Gerrit Klaas Janneke Annemiek"""
)

LAST_NAMES = _list(
    """de Vries, Jansen, de Boer, Bakker, Visser, Smit, Meijer, de Jong, Mulder, Bos, Vos,
Peters, Hendriks, van Dijk, Dekker, Brouwer, de Wit, Dijkstra, Smits, de Graaf, van der Meer,
Kok, Jacobs, de Haan, Vermeulen, van den Berg, van der Linden, Koster, Schouten, Willems,
Hoekstra, Postma, Kuipers, van Leeuwen, Huisman, Wijnands, Veenstra, Terpstra""",
    sep=",",
)

QUOTE_VERBS = ["zegt", "zei", "aldus", "stelt", "laat weten", "verklaarde"]

# Zipf-like: the k-th word of WORDS is drawn about 1/k as often as the first.
_WEIGHTS = list(accumulate(1 / (rank + 1.5) for rank in range(len(WORDS))))


class ArchiveText:
    """Headlines, ledes and bodies from one seeded random generator."""

    def __init__(self, rng: random.Random, *, paragraphs: int = 4000):
        self.rng = rng
        self.paragraphs = [self._paragraph() for _ in range(paragraphs)]

    def words(self, count: int) -> list[str]:
        return self.rng.choices(WORDS, cum_weights=_WEIGHTS, k=count)

    def sentence(self, low: int = 7, high: int = 20) -> str:
        rng = self.rng
        words = self.words(rng.randint(low, high))
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words)), rng.choice(OBJECTS))
        if rng.random() < 0.25:
            words.insert(rng.randrange(len(words)), "in " + rng.choice(PLACES))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _paragraph(self) -> str:
        rng = self.rng
        sentences = [self.sentence() for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.2:
            quote = self.sentence(5, 12)[:-1]
            sentences.append(f"“{quote}”, {rng.choice(QUOTE_VERBS)} {self.person()}.")
        return " ".join(sentences)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def headline(self) -> str:
        rng = self.rng
        subject = rng.choice(SUBJECTS)
        text = f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.4:
            text += f" in {rng.choice(PLACES)}"
        if rng.random() < 0.15:
            text = f"{rng.choice(PLACES)}: {text}"
        return text[0].upper() + text[1:]

    def lede(self, headline: str) -> str:
        first = f"{headline} {' '.join(self.words(self.rng.randint(4, 10)))}."
        return f"{first} {self.sentence(8, 16)}"

    def body(self) -> str:
        """3 to 12 paragraphs, sometimes with a subheading or a quote block."""
        rng = self.rng
        count = min(rng.randint(3, 8) + rng.randint(0, 4), 12)
        parts = []
        for number, text in enumerate(rng.sample(self.paragraphs, count), start=1):
            if number > 2 and rng.random() < 0.1:
                parts.append(f"<h2>{self.sentence(2, 5)[:-1]}</h2>")
            if rng.random() < 0.04:
                parts.append(f"<blockquote><p>{text}</p></blockquote>")
            else:
                parts.append(f"<p>{text}</p>")
        return "".join(parts)
