"""The region (state, province, prefecture…) of a gazetteer city, by name.

GeoNames gives a city's first-level division as a code (admin1). The United
States' codes are their ISO 3166-2 codes, named by pycountry; for a few other
countries whose town names repeat across regions the codes are GeoNames' own,
named by the small table below. Elsewhere no region is shown: the country,
population and coordinates still tell the cities apart.
"""
import functools

import pycountry

_JP = ("Aichi Akita Aomori Chiba Ehime Fukui Fukuoka Fukushima Gifu Gunma Hiroshima Hokkaido Hyogo Ibaraki "
       "Ishikawa Iwate Kagawa Kagoshima Kanagawa Kochi Kumamoto Kyoto Mie Miyagi Miyazaki Nagano Nagasaki Nara "
       "Niigata Oita Okayama Osaka Saga Saitama Shiga Shimane Shizuoka Tochigi Tokushima Tokyo Tottori Toyama "
       "Wakayama Yamagata Yamaguchi Yamanashi Okinawa").split()

#: GeoNames admin1 codes → English names, where they are not ISO 3166-2 codes
ADMIN1 = {
    "CA": {"01": "Alberta", "02": "British Columbia", "03": "Manitoba", "04": "New Brunswick",
           "05": "Newfoundland and Labrador", "07": "Nova Scotia", "08": "Ontario", "09": "Prince Edward Island",
           "10": "Quebec", "11": "Saskatchewan", "12": "Yukon", "13": "Northwest Territories", "14": "Nunavut"},
    "AU": {"01": "Australian Capital Territory", "02": "New South Wales", "03": "Northern Territory",
           "04": "Queensland", "05": "South Australia", "06": "Tasmania", "07": "Victoria",
           "08": "Western Australia"},
    "GB": {"ENG": "England", "NIR": "Northern Ireland", "SCT": "Scotland", "WLS": "Wales"},
    "DE": {"01": "Baden-Württemberg", "02": "Bavaria", "03": "Bremen", "04": "Hamburg", "05": "Hesse",
           "06": "Lower Saxony", "07": "North Rhine-Westphalia", "08": "Rhineland-Palatinate", "09": "Saarland",
           "10": "Schleswig-Holstein", "11": "Brandenburg", "12": "Mecklenburg-Western Pomerania", "13": "Saxony",
           "14": "Saxony-Anhalt", "15": "Thuringia", "16": "Berlin"},
    "JP": {f"{number:02d}": name for number, name in enumerate(_JP, start=1)},
}
#: countries whose GeoNames admin1 codes are the ISO 3166-2 ones
ISO_CODED = {"US"}


@functools.cache
def region_name(country_code: str, admin1: str | None) -> str | None:
    """The name of the city's first-level region, where it is known."""
    if not admin1:
        return None
    if country_code in ISO_CODED:
        subdivision = pycountry.subdivisions.get(code=f"{country_code}-{admin1}")
        return subdivision.name if subdivision else None
    return ADMIN1.get(country_code, {}).get(admin1)
