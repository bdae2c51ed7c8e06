from datetime import datetime

from sqlalchemy import Float, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Timestamped, UTCDateTime
from crm.extensions import db
from crm.indexes import trigram_index
from crm.versioning import Versioned


class City(Versioned, Timestamped, db.Model):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  #: the English (exonym) name
    native_name: Mapped[str | None] = mapped_column(String(200))  #: in the city's own script
    native_name_lang: Mapped[str | None] = mapped_column(String(16))  #: BCP 47: he, bn, zh-Hans…
    #: cldr, geonames (a language-tagged source), staff, or guess (unlabelled alternate names)
    native_name_source: Mapped[str | None] = mapped_column(String(16))
    #: when and by whom staff confirmed or corrected the native name; None: not confirmed yet
    native_name_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a user's id, without a foreign key (users are never deleted; see the migration 7c1e9d2a4b30)
    native_name_confirmed_by_id: Mapped[int | None]
    emblem_name: Mapped[str | None] = mapped_column(String(64))  #: the emblem's file in the store (checked image)
    emblem_type: Mapped[str | None] = mapped_column(String(100))  #: its detected content type
    country_code: Mapped[str] = mapped_column(String(2))  #: ISO 3166-1 alpha-2
    region: Mapped[str | None] = mapped_column(String(200))
    population: Mapped[int | None]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str | None] = mapped_column(String(64))  #: IANA name
    geonames_id: Mapped[int | None] = mapped_column(unique=True)  #: None for cities added by hand
    #: the city's Wikidata item ("Q1490"), where known: from a Wikidata comparison or typed by staff
    wikidata_id: Mapped[str | None] = mapped_column(String(16), index=True)
    #: other spellings and scripts, newline-separated, for search
    alternate_names: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_cities_name_lower", func.lower(name)),
                      trigram_index("ix_cities_names_trgm", "name", "native_name", "alternate_names"))

    @property
    def display_name(self) -> str:
        if self.native_name and self.native_name != self.name:
            return f"{self.name} ({self.native_name})"
        return self.name

    def __repr__(self) -> str:
        return f"<City {self.name} {self.country_code}>"
