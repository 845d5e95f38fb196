"""Loading the managed taxonomy (themes, target groups, spoken languages) from cms/data/taxonomy.json."""

import json
from pathlib import Path

TAXONOMY_JSON = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def read_taxonomy(path: Path = TAXONOMY_JSON) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def translated_columns(field: str, values: dict[str, str]) -> dict[str, str]:
    """{"it": "Casa", "zh-hans": "住房"} -> {"name": "Casa", "name_it": "Casa", "name_zh_hans": "住房"}."""
    columns = {f"{field}_{code.replace('-', '_')}": value for code, value in values.items()}
    columns[field] = values["it"]
    return columns


def load_taxonomy(theme_model, target_group_model, language_model, data: dict) -> None:
    """Creates or updates every term (models are passed in so that migrations can use it)."""
    for model, terms in ((theme_model, data["themes"]), (target_group_model, data["target_groups"])):
        for order, term in enumerate(terms):
            columns = {f.attname for f in model._meta.concrete_fields}
            names = {k: v for k, v in translated_columns("name", term["name"]).items() if k in columns}
            defaults = names | {"sort_order": order}
            if "icon" in term:
                defaults["icon"] = term["icon"]
            model.objects.update_or_create(code=term["code"], defaults=defaults)
    for code, name, native_name in data["spoken_languages"]:
        language_model.objects.update_or_create(code=code, defaults={"name": name, "native_name": native_name})
