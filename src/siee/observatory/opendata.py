"""Open-data export: anonymized aggregates (disclosure control applied), one file per indicator and breakdown,
a data dictionary (diccionario.csv), a README.md and metadata.json."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from siee.observatory.periods import last_complete_quarter

DEFAULT_BREAKDOWNS = ("territory", "sex", "age_group", "migratory_status", "isco1", "isic_section", "employer_size")
COLUMNS = ("indicador", "nombre", "territorio", "nombre_territorio", "periodo", "desagregacion", "clave", "etiqueta",
           "valor", "numerador", "denominador", "unidad", "suprimido")
COLUMN_DOC = {
    "indicador": "Código del indicador",
    "nombre": "Nombre del indicador",
    "territorio": "Código oficial del territorio",
    "nombre_territorio": "Nombre del territorio",
    "periodo": "Periodo (2026Q3 trimestre, 2026-07 mes, 2026 año)",
    "desagregacion": "Dimensión de la desagregación (vacía en la fila del total)",
    "clave": "Valor de la dimensión (código)",
    "etiqueta": "Valor de la dimensión (texto)",
    "valor": "Valor del indicador (vacío si se suprimió o no hay datos)",
    "numerador": "Numerador (indicadores de razón) o valor",
    "denominador": "Denominador (indicadores de razón)",
    "unidad": "Unidad del valor",
    "suprimido": "1 si la celda se suprimió por confidencialidad estadística",
}


def _rows(result) -> list[dict]:
    common = {"indicador": result.code, "nombre": result.name, "territorio": result.territory,
              "nombre_territorio": result.territory_name, "periodo": result.period, "unidad": result.unit}
    rows = []
    if result.breakdown is None and result.kind != "ranking":
        rows.append({**common, "desagregacion": "", "clave": "", "etiqueta": "", "valor": result.value,
                     "numerador": result.numerator, "denominador": result.denominator,
                     "suprimido": int(result.suppressed)})
    for c in result.cells:
        rows.append({**common, "desagregacion": result.breakdown or ("ranking" if result.kind == "ranking" else ""),
                     "clave": c.key, "etiqueta": c.label, "valor": c.value, "numerador": c.numerator,
                     "denominador": c.denominator, "suprimido": int(c.suppressed)})
    return rows


def _write(path: Path, rows: list[dict], fmt: str) -> None:
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in COLUMNS})
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.float64() if c in ("valor", "numerador", "denominador") else
                         pa.int8() if c == "suprimido" else pa.string()) for c in COLUMNS])
    table = pa.Table.from_pylist([{k: row.get(k) for k in COLUMNS} for row in rows], schema=schema)
    pq.write_table(table, path)


def export_opendata(*, territory, period=None, fmt: str = "parquet", out, breakdowns=DEFAULT_BREAKDOWNS,
                    actor=None) -> list[Path]:
    """Write the published indicators of `territory` for `period` (default: the last complete quarter)."""
    from siee.core import audit
    from siee.core.models import AuditAction
    from siee.observatory.services import available_indicators, compute_all, resolve_period, resolve_territory

    territory = resolve_territory(territory)
    period = resolve_period(period) if period else last_complete_quarter()
    results = compute_all(territory=territory, period=period, breakdowns=breakdowns, disclosure=True,
                          published_only=True)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    ext = "parquet" if fmt == "parquet" else "csv"
    written: list[Path] = []
    files_by_code: dict[str, list[str]] = {}
    for r in results:
        name = f"{r.code}.{ext}" if r.breakdown is None else f"{r.code}__{r.breakdown}.{ext}"
        path = folder / name
        _write(path, _rows(r), fmt)
        written.append(path)
        files_by_code.setdefault(r.code, []).append(name)
    infos = available_indicators(published_only=True)
    dictionary = folder / "diccionario.csv"
    with open(dictionary, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["tipo", "codigo", "nombre", "descripcion", "unidad", "calculo", "categoria", "desagregaciones",
                    "archivos"])
        for i in infos:
            w.writerow(["indicador", i.code, i.name, i.description, i.unit, i.kind, i.category, " ".join(i.dimensions),
                        " ".join(files_by_code.get(i.code, []))])
        for col in COLUMNS:
            w.writerow(["columna", col, COLUMN_DOC[col], "", "", "", "", "", ""])
    written.append(dictionary)
    from django.conf import settings

    from siee.observatory.disclosure import threshold_from_settings

    meta = {"territorio": territory.code, "nombre_territorio": territory.display_name(), "periodo": period.label,
            "formato": fmt, "umbral_confidencialidad": threshold_from_settings(),
            "desagregaciones": list(breakdowns), "indicadores": len(infos), "archivos": [p.name for p in written],
            "columnas": COLUMN_DOC, "licencia": getattr(settings, "SIEE_OPENDATA_LICENSE", "CC BY 4.0")}
    (folder / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    readme = folder / "README.md"
    readme.write_text(
        f"# Datos abiertos del observatorio: {territory.display_name()} ({territory.code}), {period.label}\n\n"
        "Agregados anonimizados: las celdas con menos casos que el umbral "
        f"({meta['umbral_confidencialidad']}) se suprimen (columna `suprimido` = 1, valor vacío), con supresión "
        "complementaria para que los totales no permitan deducirlas.\n\n"
        "Un archivo por indicador (`CODIGO.ext`, el total) y por desagregación (`CODIGO__DIMENSION.ext`). "
        "`diccionario.csv` describe cada indicador y cada columna; `metadata.json` resume la exportación.\n",
        encoding="utf-8")
    written += [folder / "metadata.json", readme]
    audit.record(actor=actor, action=AuditAction.EXPORT, object_type="opendata", object_id=territory.code,
                 detail={"period": period.label, "format": fmt, "files": len(written)})
    return written
