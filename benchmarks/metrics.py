"""The full metric set by queue × day over 10 million contact legs: supportops on DuckDB against pandas.

Builds 10,000,000 synthetic inbound legs (20 queues, voice / chat / email / messaging / bot, a tenth of the
conversations with a transferred second leg, 2 million customer keys of which some come back 31 hours, 5 days
or 9 days later, about the same reason or not, and some hold six overlapping conversations; abandons,
flow-outs, outbound calls, escalations to tiers 2 and 3, reasons with gaps) over a year in America/New_York (so
the daylight-saving arithmetic is exercised), and 1,000,000 survey responses, with DuckDB's ``range()``.

Then computes every contact and survey metric of the catalogue by queue × local day twice: through
``supportops.metrics.compute_metrics`` on DuckDB (timed from the query to the Python rows), and in pandas from
frames already in memory (timed from the frames to the result: local-time conversion, first legs,
conversation facts, repeat contact by ``merge_asof``, survey joins, group-bys). Every value of every group
must agree within 1e-9 (relative), or the script fails. Agent-state metrics are not part of it (states cannot
be split by queue).

Run: ``uv run --group bench python benchmarks/metrics.py [--rows N]``
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from supportops.config import Settings, Workspace
from supportops.metrics import compute_metrics, duckdb_backend
from supportops.schema import CONTACTS, SURVEYS, duckdb_ddl

ZONE = "America/New_York"
WINDOW_DAYS = 7


def build(con: Any, rows: int) -> None:
    """Synthetic contacts and surveys, generated inside DuckDB."""
    con.raw_sql(duckdb_ddl(CONTACTS))
    con.raw_sql(duckdb_ddl(SURVEYS))
    con.raw_sql(f"""
        INSERT INTO contacts BY NAME
        WITH g AS (
          SELECT i,
                 CASE WHEN i % 10 = 1 THEN i - 1 ELSE i END AS conv,
                 CASE WHEN i % 13 = 0 THEN 'abandoned' WHEN i % 97 = 0 THEN 'flowed_out'
                      WHEN i % 20 = 19 THEN 'contained' ELSE 'handled' END AS outcome,
                 CASE WHEN i % 20 = 19 THEN 'bot' WHEN i % 20 IN (3, 7) THEN 'chat' WHEN i % 20 = 11 THEN 'email'
                      WHEN i % 20 = 15 THEN 'messaging' ELSE 'voice' END AS channel,
                 TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(i * 3150000 + (i * 7919) % 1000000) AS at_ts
          FROM range({rows}) t(i)
        )
        SELECT 'p1' AS program_id, 'L' || i AS leg_id, 'C' || conv AS conversation_id,
               CASE WHEN i % 10 = 1 THEN 2 ELSE 1 END AS leg_seq,
               'bench' AS source_system, CAST(i AS VARCHAR) AS source_record_id, 'b' AS ingest_batch_id,
               channel, CASE WHEN i % 101 = 0 THEN 'outbound' ELSE 'inbound' END AS direction,
               'Q' || (i % 20) AS queue_id,
               -- the customer of an earlier conversation: 6 overlapping ones, then 31 h, 5.5 d and 9 d later
               'K' || (CASE WHEN conv % 1000 < 7 THEN conv - conv % 1000 WHEN conv % 5 = 2 THEN conv - 36012
                            WHEN conv % 5 = 3 THEN conv - 150018 WHEN conv % 7 = 4 THEN conv - 250000
                            ELSE conv END * 7919 % 2000000) AS customer_key,
               CASE WHEN outcome = 'handled' THEN 'A' || (i % 400) END AS agent_id,
               CASE WHEN i % 500 = 0 THEN 3 WHEN i % 10 = 1 THEN 2 ELSE 1 END AS tier,
               at_ts AS arrived_at,
               at_ts + to_milliseconds((i * 37) % 60000 + CASE WHEN outcome = 'handled'
                    THEN 60000 + (i * 101) % 600000 + (i * 13) % 60000 ELSE 0 END) AS ended_at,
               (i * 37) % 60000 AS queue_ms,
               CASE WHEN outcome = 'handled' THEN 60000 + (i * 101) % 600000 END AS talk_ms,
               CASE WHEN outcome = 'handled' THEN (i * 13) % 60000 END AS hold_ms,
               CASE WHEN outcome = 'handled' THEN (i * 17) % 120000 END AS acw_ms,
               CASE WHEN channel IN ('email', 'messaging') THEN (i * 53) % 7200000 END AS first_response_ms,
               outcome,
               i % 10 = 0 AS transferred, i % 50 = 0 AS escalated,
               CASE WHEN i % 500 = 0 THEN 3 WHEN i % 50 = 0 THEN 2 END AS escalation_level,
               CASE WHEN i % 7 = 0 THEN NULL ELSE i % 4 <> 0 END AS resolved,
               CASE WHEN i % 9 = 0 THEN NULL ELSE 'R' || (conv % 6) END AS reason_l1
        FROM g
    """)
    con.raw_sql(f"""
        INSERT INTO surveys BY NAME
        SELECT 'p1' AS program_id, 'S' || i AS survey_id, 'C' || i AS conversation_id,
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 3 + 3600) AS responded_at,
               CASE WHEN i % 30 = 0 THEN NULL ELSE 1 + (i // 10) % 5 END AS csat,
               CASE WHEN i % 30 = 0 THEN (CASE WHEN i % 60 = 0 THEN 'good' ELSE 'bad' END) END AS csat_label,
               (i // 10) % 11 AS nps, CASE WHEN i % 4 = 0 THEN NULL ELSE 1 + (i // 10) % 7 END AS ces,
               CASE WHEN i % 5 = 0 THEN NULL ELSE (i // 10) % 3 <> 0 END AS fcr,
               'bench' AS source_system, 'S' || i AS source_record_id, 'b' AS ingest_batch_id
        FROM range(0, {rows}, 10) t(i)
    """)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num, den = num.astype("float64"), den.astype("float64")
    return num / den.where(den != 0)


def pandas_metrics(c: pd.DataFrame, s: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The same numbers in plain pandas (vectorised), as a frame indexed by (queue, day)."""
    sl = settings.service_level
    t_ms = sl.threshold_s * 1000
    c = c[c["direction"].isna() | (c["direction"] == "inbound")].copy()
    c["day"] = c["arrived_at"].dt.tz_convert(ZONE).dt.strftime("%Y-%m-%d")
    c["queue"] = c["queue_id"]
    out = c["outcome"]
    handled = out == "handled"
    aband = out == "abandoned"
    short = aband & (c["queue_ms"].fillna(0) < sl.short_abandon_s * 1000) if sl.short_abandon_s > 0 else aband & False
    offered_all = out.isin(["handled", "abandoned", "flowed_out", "callback_requested", "timed_out"])
    offered = offered_all & ~short
    sync = c["channel"].isin(["voice", "chat"])
    q = c["queue_ms"].fillna(0)
    within = q <= t_ms
    handle = c["talk_ms"].fillna(0) + c["hold_ms"].fillna(0) + c["acw_ms"].fillna(0)
    resp = c["channel"].isin(["email", "messaging"]) & c["first_response_ms"].notna()
    f = pd.DataFrame(
        {
            "queue": c["queue"],
            "day": c["day"],
            "offered": offered,
            "handled": handled,
            "abandoned": aband & ~short,
            "short_abandoned": short,
            "flowed_out": out.isin(["flowed_out", "callback_requested"]),
            "contained": out == "contained",
            "deflected": out == "deflected",
            "auto": c["channel"].isin(["self_service", "bot"]),
            "a_in": sync & handled & within,
            "b_in": sync & aband & ~short & within,
            "b_in_all": sync & aband & within,
            "o_sync": sync & offered,
            "o_sync_all": sync & offered_all,
            "ab_sync": sync & aband & ~short,
            "ans_sync": sync & handled,
            "q_ans": q.where(sync & handled, 0),
            "handle": handle.where(handled, 0),
            "talk": c["talk_ms"].fillna(0).where(handled, 0),
            "hold": c["hold_ms"].fillna(0).where(handled, 0),
            "acw": c["acw_ms"].fillna(0).where(handled, 0),
            "xfer": handled & c["transferred"].fillna(False).astype(bool),
            "resp_n": resp,
            "resp_ms": c["first_response_ms"].where(resp, 0).fillna(0),
        }
    )
    g = f.groupby(["queue", "day"], sort=False).sum()
    r = pd.DataFrame(index=g.index)
    for k in ("offered", "handled", "abandoned", "short_abandoned", "flowed_out", "contained", "deflected"):
        r[k] = g[k]
    r["containment_rate"] = _ratio(g["contained"], g["auto"])
    r["deflection_rate"] = _ratio(g["deflected"], g["deflected"] + g["offered"])
    variant = sl.variant
    for name, b_in, o in (
        ("service_level", "b_in", "o_sync"),
        ("service_level_all_abandons", "b_in_all", "o_sync_all"),
    ):
        if variant == "abandons_ignored":
            r[name] = _ratio(g["a_in"], g[o] - g[b_in])
        elif variant == "abandons_positive":
            r[name] = _ratio(g["a_in"] + g[b_in], g[o])
        else:
            r[name] = _ratio(g["a_in"], g[o])
    r["asa_s"] = _ratio(g["q_ans"], g["ans_sync"]) / 1000
    r["abandon_rate"] = _ratio(g["ab_sync"], g["o_sync"])
    r["response_time_s"] = _ratio(g["resp_ms"], g["resp_n"]) / 1000
    for k, col in (("aht_s", "handle"), ("talk_s", "talk"), ("hold_s", "hold"), ("acw_s", "acw")):
        r[k] = _ratio(g[col], g["handled"]) / 1000
    r["transfer_rate"] = _ratio(g["xfer"], g["handled"])

    # conversations: facts over all legs, attributes of the first leg
    c["_end"] = c["ended_at"].fillna(c["arrived_at"])
    c["_h"] = handled.astype("int8")
    c["_res"] = c["resolved"].astype("float64")
    c["_esc"] = c["escalated"].fillna(False).astype("int8")
    c["_tier"] = np.maximum(c["tier"].fillna(1), c["escalation_level"].fillna(0))
    facts = c.groupby("conversation_id", sort=False).agg(
        end=("_end", "max"), h=("_h", "max"), res=("_res", "max"), esc=("_esc", "max"), maxtier=("_tier", "max")
    )
    first = c.sort_values(["conversation_id", "arrived_at", "leg_seq", "leg_id"]).drop_duplicates("conversation_id")
    conv = first[["conversation_id", "queue", "day", "customer_key", "reason_l1", "channel", "tier", "arrived_at"]]
    conv = conv.join(facts, on="conversation_id")
    conv["surveyed"] = conv["conversation_id"].isin(s["conversation_id"])

    # repeat contact: the next start strictly after the end, per customer (and per customer and reason)
    data_end = c["arrived_at"].max()
    keyed = conv[conv["customer_key"].notna()]
    ends = keyed[keyed["h"] == 1][["conversation_id", "customer_key", "reason_l1", "end"]].sort_values("end")
    starts = keyed[["customer_key", "reason_l1", "arrived_at"]].rename(columns={"arrived_at": "nxt"})
    starts = starts.sort_values("nxt")
    nxt_any = pd.merge_asof(
        ends,
        starts[["customer_key", "nxt"]],
        left_on="end",
        right_on="nxt",
        by="customer_key",
        direction="forward",
        allow_exact_matches=False,
    )["nxt"].array
    with_reason = ends["reason_l1"].notna().to_numpy()
    same = pd.merge_asof(
        ends[with_reason],
        starts[starts["reason_l1"].notna()],
        left_on="end",
        right_on="nxt",
        by=["customer_key", "reason_l1"],
        direction="forward",
        allow_exact_matches=False,
    )
    nxt = pd.Series(nxt_any, index=ends.index)
    nxt[with_reason] = same["nxt"].array
    horizon = ends["end"] + pd.Timedelta(days=WINDOW_DAYS)
    end_s = (ends["end"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)  # floor, as the warehouse does
    eligible = end_s + WINDOW_DAYS * 86400 <= math.floor(data_end.timestamp())
    flags = pd.DataFrame(
        {"elig": eligible.astype("int64"), "rep": (eligible & nxt.notna() & (nxt <= horizon)).astype("int64")},
        index=ends.index,
    )
    flags["conversation_id"] = ends["conversation_id"]
    conv = conv.merge(flags, on="conversation_id", how="left").fillna({"elig": 0, "rep": 0})
    h = conv["h"] == 1
    cf = pd.DataFrame(
        {
            "queue": conv["queue"],
            "day": conv["day"],
            "h": h,
            "one": 1,
            "fcr_n": h & (conv["res"] == 1),
            "fcr_d": h & conv["res"].notna(),
            "esc": h & (conv["esc"] == 1),
            "t1": h & (conv["tier"].fillna(1) == 1),
            "t1to2": h & (conv["tier"].fillna(1) == 1) & (conv["maxtier"] >= 2),
            "t3": h & (conv["maxtier"] >= 3),
            "rep": conv["rep"],
            "elig": conv["elig"],
            "surv": h & conv["surveyed"],
            "ss": conv["channel"].isin(["self_service", "bot"]),
            "cm": conv["channel"].isin(["chat", "messaging"]),
            "vo": conv["channel"] == "voice",
        }
    )
    cg = cf.groupby(["queue", "day"], sort=False).sum()
    r["fcr"] = _ratio(cg["fcr_n"], cg["fcr_d"])
    r["repeat_rate_7d"] = _ratio(cg["rep"], cg["elig"])
    r["fcr_repeat"] = 1 - r["repeat_rate_7d"]
    r["escalation_rate"] = _ratio(cg["esc"], cg["h"])
    r["tier1_to_tier2_rate"] = _ratio(cg["t1to2"], cg["t1"])
    r["tier3_rate"] = _ratio(cg["t3"], cg["h"])
    r["survey_response_rate"] = _ratio(cg["surv"], cg["h"])
    r["mix_self_service"] = _ratio(cg["ss"], cg["one"])
    r["mix_chat_messaging"] = _ratio(cg["cm"], cg["one"])
    r["mix_voice"] = _ratio(cg["vo"], cg["one"])

    # surveys follow their conversation's groups
    sj = s.merge(conv[["conversation_id", "queue", "day"]], on="conversation_id", how="left")
    sj["day"] = sj["day"].fillna(sj["responded_at"].dt.tz_convert(ZONE).dt.strftime("%Y-%m-%d"))
    cs = sj["csat"]
    lab = cs.isna() & sj["csat_label"].notna()
    sf = pd.DataFrame(
        {
            "queue": sj["queue"],
            "day": sj["day"],
            "top": (cs >= 4) | (cs.isna() & (sj["csat_label"] == "good")),
            "csat_d": cs.notna() | lab,
            "csat_sum": cs.fillna(0),
            "csat_n": cs.notna(),
            "prom": sj["nps"] >= 9,
            "det": sj["nps"] <= 6,
            "nps_n": sj["nps"].notna(),
            "ces_sum": sj["ces"].fillna(0),
            "ces_n": sj["ces"].notna(),
            "ces_ag": sj["ces"] >= 5,
            "fcr_y": sj["fcr"].fillna(False).astype(bool),
            "fcr_n": sj["fcr"].notna(),
            "resp": sj["survey_id"].notna(),
        }
    )
    sg = sf.groupby(["queue", "day"], sort=False, dropna=False).sum()
    r = r.join(
        pd.DataFrame(
            {
                "csat_top2": _ratio(sg["top"], sg["csat_d"]),
                "csat_mean": _ratio(sg["csat_sum"], sg["csat_n"]),
                "nps": _ratio(sg["prom"] - sg["det"], sg["nps_n"]) * 100,
                "ces": _ratio(sg["ces_sum"], sg["ces_n"]),
                "ces_agree": _ratio(sg["ces_ag"], sg["ces_n"]),
                "fcr_survey": _ratio(sg["fcr_y"], sg["fcr_n"]),
                "survey_responses": sg["resp"],
            }
        ),
        how="outer",
    )
    r["survey_responses"] = r["survey_responses"].fillna(0)
    return r


def compare(ours: list[dict[str, Any]], theirs: pd.DataFrame, slugs: list[str]) -> int:
    """Number of values compared; raises SystemExit on the first disagreement beyond 1e-9."""
    want = theirs.to_dict("index")
    if len(ours) != len(want):
        sys.exit(f"group counts differ: supportops {len(ours)}, pandas {len(want)}")
    n = 0
    for row in ours:
        ref = want[(row["queue"], row["day"])]
        for slug in slugs:
            a, b = row[slug], ref[slug]
            b = None if b is None or (isinstance(b, float) and math.isnan(b)) else float(b)
            if a is None or b is None:
                if a is not None or b is not None:
                    sys.exit(f"{slug} {row['queue']} {row['day']}: supportops {a}, pandas {b}")
                continue
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
                sys.exit(f"{slug} {row['queue']} {row['day']}: supportops {a!r}, pandas {b!r}")
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    settings = Settings(workspace=Workspace(time_zone=ZONE))
    con = duckdb_backend(None)
    t0 = time.perf_counter()
    build(con, args.rows)
    print(f"built {args.rows:,} legs and {args.rows // 10:,} survey responses in {time.perf_counter() - t0:.1f} s")

    t0, cpu0 = time.perf_counter(), time.process_time()
    result = compute_metrics(con, settings, by="queue,day")
    ours_s, ours_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    slugs = [
        m.slug
        for m in result.metrics
        if m.source != "states"
        and m.slug
        not in ("productive_hours", "logged_hours", "agent_cost", "contacts_per_productive_hour", "cost_per_contact")
    ]
    print(
        f"supportops on DuckDB: {len(result.rows):,} queue-days × {len(slugs)} metrics in {ours_s:.2f} s "
        f"(process CPU {ours_cpu:.2f} s: on a busy machine the wall time tends to it)"
    )

    cols = ", ".join(
        [
            "conversation_id",
            "leg_id",
            "leg_seq",
            "direction",
            "channel",
            "queue_id",
            "customer_key",
            "tier",
            "arrived_at",
            "ended_at",
            "queue_ms",
            "talk_ms",
            "hold_ms",
            "acw_ms",
            "first_response_ms",
            "outcome",
            "transferred",
            "escalated",
            "escalation_level",
            "resolved",
            "reason_l1",
        ]
    )
    c = con.con.execute(f"SELECT {cols} FROM contacts").df()
    s = con.con.execute(
        "SELECT survey_id, conversation_id, responded_at, csat, csat_label, nps, ces, fcr FROM surveys"
    ).df()
    t0 = time.perf_counter()
    theirs = pandas_metrics(c, s, settings)
    pandas_s = time.perf_counter() - t0
    print(f"pandas {pd.__version__}: {len(theirs):,} queue-days in {pandas_s:.2f} s")
    n = compare(list(result.rows), theirs, slugs)
    print(f"agree: {n:,} values within 1e-9")
    print(f"RESULT metrics seconds={ours_s:.2f} speedup_vs_pandas={pandas_s / ours_s:.1f}")


if __name__ == "__main__":
    main()
