#!/usr/bin/env python3
"""The quarterly return's figures from a case-management export, in pandas.

    python3 pandas_return.py EXPORT.xlsx "2024-25 Q2" [calamine|openpyxl]

What a competent analyst would write to get the figures of return-format.md without
`yjb-return`: read every sheet with `pd.read_excel`, normalise the headers as
export-format.md says, then count with vectorised pandas. It prints every figure as JSON,
`{code: value}`, with the measure codes of `return.json`.

It does NO validation: it trusts the export (no rule of export-format.md is checked, no
finding is reported). `yjb-return build` validates every cell and row before it counts, so
a comparison of the two favours this script.

It is the comparison of issue 11 (docs/bench/README.md), not part of the tool.
"""

import json
import re
import sys

import numpy as np
import pandas as pd

GROUPS = ["prevention", "out_of_court", "community", "custody"]
GROUP_OF = {
    "PREV": "prevention",
    "DIV": "out_of_court",
    "YC": "out_of_court",
    "YCC": "out_of_court",
    "RO": "community",
    "YRO": "community",
    "CUST": "custody",
}
RANK = {g: i for i, g in enumerate(GROUPS)}  # custody > community > out_of_court > prevention
ACCOMMODATION = ["PARENTS", "FAMILY", "FOSTER", "RESIDENTIAL", "SUPPORTED", "INDEPENDENT",
                 "SECURE", "TEMPORARY", "NFA", "OTHER"]
ETE = ["SCHOOL_FT", "SCHOOL_PT", "ALT_PROVISION", "EHE", "COLLEGE", "TRAINING",
       "APPRENTICESHIP", "EMPLOYMENT", "NEET", "OTHER"]
STATUTORY = ["POLICE", "PROBATION", "SOCIAL_CARE", "EDUCATION", "HEALTH"]
YES = {"Y", "YES", "TRUE", "1", "1.0"}

# The suppliers' names for sheets and columns (the schemas' aliases), normalised.
SHEET_ALIASES = {"orders": "interventions", "board_attendance": "boardattendance",
                 "board": "boardattendance", "reoffending_cohort": "reoffendingcohort",
                 "reoffending": "reoffendingcohort"}
COLUMN_ALIASES = {"childid": "child_id", "client_id": "child_id", "yp_id": "child_id",
                  "dob": "date_of_birth", "birth_date": "date_of_birth",
                  "ethnic_group": "ethnicity", "interventionid": "intervention_id",
                  "episode_id": "intervention_id", "intervention_type_code": "intervention_type",
                  "order_type": "intervention_type", "date_started": "start_date",
                  "date_ended": "end_date", "offenceid": "offence_id", "victimid": "victim_id"}


def normalise(name):
    """export-format.md: lower case, trimmed, runs of spaces, `_` and `-` become one `_`."""
    return re.sub(r"[ _-]+", "_", str(name).strip().lower())


def read_export(path, engine):
    book = pd.read_excel(path, sheet_name=None, engine=engine)
    sheets = {}
    for name, frame in book.items():
        name = normalise(name)
        frame.columns = [COLUMN_ALIASES.get(normalise(c), normalise(c)) for c in frame.columns]
        sheets.setdefault(SHEET_ALIASES.get(name, name), frame)
    return sheets


def codes(s):
    """Codes: case-insensitive after trimming."""
    return s.astype("string").str.strip().str.upper()


def ids(s):
    """IDs are text; a numeric cell 123 is the text `123`, never `123.0`."""
    if pd.api.types.is_float_dtype(s):
        s = s.astype("Int64")
    return s.astype("string").str.strip()


def yes(s):
    """Y, Yes, TRUE, 1 in any case, as text, boolean or number."""
    return s.astype(str).str.strip().str.upper().isin(YES)


def dates(s):
    """Excel date cells (time ignored), text YYYY-MM-DD or D/M/YYYY (UK order)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.normalize()
    if pd.api.types.infer_dtype(s) not in ("string", "mixed", "mixed-integer"):
        return pd.to_datetime(s, errors="coerce").dt.normalize()  # no text in the column
    text = s.str.strip()  # NaN where the cell is not text
    cells = pd.to_datetime(s.where(text.isna()), errors="coerce")
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
    uk = pd.to_datetime(text, errors="coerce", format="%d/%m/%Y")
    return cells.fillna(iso).fillna(uk).dt.normalize()


def numbers(s):
    return pd.to_numeric(s, errors="coerce")


def parse_period(text):
    """`2024-25 Q2`, `2024-25Q2`, `2024/25 Q2` -> (first year, quarter)."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-/]\s*(\d{2})\s*[Qq]\s*([1-4])\s*", text)
    if not m or (int(m[1]) + 1) % 100 != int(m[2]):
        sys.exit(f"not a period: {text!r} (write it like 2024-25 Q2)")
    return int(m[1]), int(m[3])


def period_days(year, quarter):
    first = pd.Timestamp(year + (quarter == 4), [4, 7, 10, 1][quarter - 1], 1)
    return first, first + pd.offsets.QuarterEnd(0)


def by_group(flags, group):
    """Count True per group, every group present."""
    return flags.groupby(group).sum().reindex(GROUPS, fill_value=0)


def round_half_up(x):
    return np.floor(x + 0.5).astype(int)


def figures(sheets, period):
    year, quarter = period
    start, end = period_days(year, quarter)
    out = {}

    def put(prefix, counts, suffix):
        """`prefix.GROUP.suffix` for each group, and `all` as their sum."""
        counts = counts.reindex(GROUPS, fill_value=0).astype(int)
        for g, v in counts.items():
            out[f"{prefix}.{g}.{suffix}"] = int(v)
        out[f"{prefix}.all.{suffix}"] = int(counts.sum())

    # Interventions, typed once.
    iv = sheets["interventions"]
    iv = pd.DataFrame({
        "id": ids(iv["intervention_id"]),
        "child": ids(iv["child_id"]),
        "type": codes(iv["intervention_type"]),
        "start": dates(iv["start_date"]),
        "end": dates(iv["end_date"]),
        "release": dates(iv["release_date"]),
        "accommodation": codes(iv["accommodation_type"]),
        "accommodation_suitable": yes(iv["accommodation_suitable"]),
        "ete": codes(iv["ete_status"]),
        "ete_suitable": yes(iv["ete_suitable"]),
        "offered": numbers(iv["ete_hours_offered"]),
        "attended": numbers(iv["ete_hours_attended"]),
        "send": yes(iv["send_identified"]),
        "plan": codes(iv["send_plan"]),
        **{c: yes(iv[c]) for c in ["mh_need", "mh_planned", "mh_attended", "sm_need",
                                   "sm_planned", "sm_attended", "early_help",
                                   "child_protection", "child_in_need", "looked_after"]},
        "ooc": codes(iv["ooc_outcome"]),
    })
    iv["group"] = iv["type"].map(GROUP_OF)
    iv["rank"] = iv["group"].map(RANK)

    # The cohort: each child once, by the intervention ending latest in the period (a CUST by
    # its release), then the higher group, then the larger id.
    iv["ends"] = iv["end"].where(iv["type"] != "CUST", iv["release"])
    cohort = (iv[iv["ends"].between(start, end)]
              .sort_values(["child", "ends", "rank", "id"])
              .drop_duplicates("child", keep="last"))
    g = cohort["group"]
    put("cohort", g.value_counts(), "children")

    put("kpi1", by_group(cohort["accommodation_suitable"], g), "suitable")
    for code in ACCOMMODATION:
        put("kpi1", by_group(cohort["accommodation"] == code, g), f"type.{code.lower()}")

    put("kpi2", by_group(cohort["ete_suitable"], g), "suitable")
    for code in ETE:
        put("kpi2", by_group(cohort["ete"] == code, g), f"status.{code.lower()}")
    hours = cohort[cohort["offered"].notna() & cohort["attended"].notna()]
    for column, suffix in [("offered", "hours_offered"), ("attended", "hours_attended")]:
        summed = hours.groupby("group")[column].sum().reindex(GROUPS, fill_value=0.0)
        put("kpi2", round_half_up(summed), suffix)

    plan = cohort["send"] & cohort["plan"].isin(["EHCP", "SEN_SUPPORT", "IDP"])
    put("kpi3", by_group(cohort["send"], g), "send_identified")
    put("kpi3", by_group(plan, g), "formal_plan")
    put("kpi3", by_group(plan & cohort["ete_suitable"], g), "plan_and_suitable_ete")

    for kpi, p in [("kpi4", "mh"), ("kpi5", "sm")]:
        need = cohort[f"{p}_need"]
        planned = need & cohort[f"{p}_planned"]
        put(kpi, by_group(need, g), "need")
        put(kpi, by_group(planned, g), "planned")
        put(kpi, by_group(planned & cohort[f"{p}_attended"], g), "attended")

    services = ["early_help", "child_protection", "child_in_need", "looked_after"]
    for s in services:
        put("kpi8", by_group(cohort[s], g), s)
    put("kpi8", by_group(cohort[services].any(axis=1), g), "any")

    # KPI 6: out-of-court interventions ending in the period, each one counted.
    ooc = iv[iv["type"].isin(["DIV", "YC", "YCC"]) & iv["end"].between(start, end)]
    kpi6 = pd.crosstab(ooc["type"], ooc["ooc"]).reindex(
        index=["DIV", "YC", "YCC"], columns=["COMPLETED", "NOT_COMPLETED"], fill_value=0)
    ended = ooc["type"].value_counts().reindex(["DIV", "YC", "YCC"], fill_value=0)
    for t in ["DIV", "YC", "YCC"]:
        out[f"kpi6.{t.lower()}.ended"] = int(ended[t])
        out[f"kpi6.{t.lower()}.completed"] = int(kpi6.loc[t, "COMPLETED"])
        out[f"kpi6.{t.lower()}.not_completed"] = int(kpi6.loc[t, "NOT_COMPLETED"])
    out["kpi6.all.ended"] = int(ended.sum())
    out["kpi6.all.completed"] = int(kpi6["COMPLETED"].sum())
    out["kpi6.all.not_completed"] = int(kpi6["NOT_COMPLETED"].sum())

    # KPI 7: board meetings in the period, counted per distinct meeting date.
    board = sheets["boardattendance"]
    board = pd.DataFrame({
        "date": dates(board["meeting_date"]),
        "partner": codes(board["partner"]),
        "attended": yes(board["attended"]),
        "senior": yes(board["attended"]) & yes(board["senior"]),
        "data": yes(board["disproportionality_data"]),
    })
    board = board[board["date"].between(start, end)]
    out["kpi7.meetings"] = int(board["date"].nunique())
    partners = STATUTORY + sorted(set(board["partner"].dropna()) - set(STATUTORY))
    for column, suffix in [("attended", "attended"), ("senior", "senior"),
                           ("data", "disproportionality_data")]:
        met = board[board[column]].groupby("partner")["date"].nunique()
        for p in partners:
            out[f"kpi7.{p.lower()}.{suffix}"] = int(met.get(p, 0))
    senior = board[board["senior"] & board["partner"].isin(STATUTORY)]
    out["kpi7.statutory_all_senior"] = int(
        (senior.groupby("date")["partner"].nunique() == len(STATUTORY)).sum())

    # KPI 10: victims contacted in the period; every sub-measure of consenting victims, and
    # the information provided only where it was requested.
    vic = sheets["victims"]
    vic = vic[dates(vic["contact_date"]).between(start, end)]
    consented = yes(vic["consented"])
    out["kpi10.victims"] = len(vic)
    out["kpi10.consented"] = int(consented.sum())
    for s in ["rj_engaged", "views_sought", "progress_requested", "services_requested"]:
        out[f"kpi10.{s}"] = int((consented & yes(vic[s])).sum())
    for asked, given in [("progress_requested", "progress_provided"),
                         ("services_requested", "services_provided")]:
        out[f"kpi10.{given}"] = int((consented & yes(vic[asked]) & yes(vic[given])).sum())

    # KPI 9 and the system measures, from Offences.
    off = sheets["offences"]
    off = pd.DataFrame({
        "child": ids(off["child_id"]),
        "outcome_date": dates(off["outcome_date"]),
        "outcome": codes(off["outcome_type"]),
        "category": codes(off["offence_category"]),
        "gravity": numbers(off["gravity_score"]),
        "custodial": yes(off["custodial"]),
    })
    in_period = off["outcome_date"].between(start, end)
    syv = off[in_period & off["category"].isin(["VIOLENCE", "ROBBERY", "DRUGS"])
              & (off["gravity"] >= 5) & (off["outcome"] == "CONVICTION")]
    open_in_period = (iv["start"] <= end) & (iv["end"].isna() | (iv["end"] >= start))
    caseload = set(iv.loc[open_in_period, "child"].dropna())
    syv_children = set(syv["child"].dropna())
    out["kpi9.offences"] = len(syv)
    out["kpi9.children"] = len(syv_children)
    out["kpi9.caseload"] = len(caseload)
    out["kpi9.caseload_children"] = len(syv_children & caseload)

    first = off.groupby("child")["outcome_date"].min()
    out["fte.children"] = int(first.between(start, end).sum())
    out["custody.sentences"] = int((in_period & off["custodial"]).sum())

    # Reoffending: the cohort of the same quarter a year before.
    re_cohort = sheets.get("reoffendingcohort")
    if re_cohort is None:
        re_cohort = pd.DataFrame({"cohort_period": [], "reoffences": []})
    parts = re_cohort["cohort_period"].astype("string").str.extract(
        r"^\s*(\d{4})\s*[-/]\s*\d{2}\s*[Qq]\s*([1-4])\s*$")
    chosen = re_cohort[(numbers(parts[0]) == year - 1) & (numbers(parts[1]) == quarter)]
    reoffences = numbers(chosen["reoffences"]).fillna(0)
    out["reoffending.cohort"] = len(chosen)
    out["reoffending.reoffenders"] = int((reoffences > 0).sum())
    out["reoffending.reoffences"] = int(reoffences.sum())

    # Caseload at the end: each child once, in the highest group open on the last day.
    open_at_end = iv[(iv["start"] <= end) & (iv["end"].isna() | (iv["end"] >= end))]
    highest = open_at_end.groupby("child")["rank"].max().map(dict(enumerate(GROUPS)))
    put("caseload", highest.value_counts(), "open_at_end")
    return out


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] not in ("calamine", "openpyxl")):
        sys.exit("usage: pandas_return.py EXPORT.xlsx PERIOD [calamine|openpyxl]")
    engine = argv[3] if len(argv) == 4 else "calamine"
    period = parse_period(argv[2])
    result = figures(read_export(argv[1], engine), period)
    json.dump(dict(sorted(result.items())), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv)
