"""Every spelling of the demo and generated cities that a person may type: Russian, Belarusian
Cyrillic, English, and the official Belarusian romanization (with and without diacritics, which
the analyzer folds anyway). Keyed by city slug; a city without an entry is found by its own
names (name_ru, name_en)."""

from __future__ import annotations

PLACE_ALIASES: dict[str, tuple[str, ...]] = {
    "minsk": ("Минск", "Мінск", "Minsk", "Miensk", "Менск"),
    "brest": ("Брест", "Брэст", "Brest", "Bieraście", "Бярэсце", "Brest-Litovsk"),
    "vitebsk": ("Витебск", "Віцебск", "Vitebsk", "Viciebsk", "Vitsebsk", "Vitsyebsk"),
    "gomel": ("Гомель", "Гомель", "Gomel", "Homieĺ", "Homiel", "Homel", "Homyel"),
    "grodno": ("Гродно", "Гродна", "Grodno", "Hrodna"),
    "mogilev": ("Могилёв", "Магілёў", "Mogilev", "Mogilyov", "Mahilioŭ", "Mahiliou", "Mahilyow"),
    "smolevichi": ("Смолевичи", "Смалявічы", "Smolevichi", "Smaliavičy", "Smalyavichy"),
}


def place_names(slug: str, *names: str | None) -> list[str]:
    """The city's own names and every known spelling of it."""
    return [n for n in (*names, *PLACE_ALIASES.get(slug, ())) if n]
