"""Everything the seed documents name is in content/, under the ids below (progress is keyed by them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"

EXPECTED: dict[str, dict[str, list[str]]] = {
    "mle": {
        "stages": ["stage-1", "stage-2", "stage-3", "stage-4", "stage-5"],
        "pages": ["salaries", "roles"],
        # the eight theory sections, each bullet of the seed a topic
        "base": ["data-structures", "algorithms", "big-o", "concurrency-basics"],
        "python": ["py-typing", "py-classes", "py-envs", "asyncio", "threads-gil", "code-quality", "git", "ci-cd"],
        "ml-basics": [
            "linear-algebra", "prob-stats", "feature-engineering", "sklearn", "ml-metrics", "validation",
            "interpretability",
        ],
        "deep-learning": [
            "pytorch-basics", "optimizers", "nn-architectures", "transfer-learning", "ddp", "model-export",
            "model-serving",
        ],
        "data-eng": [
            "sql-joins-windows", "spark-dataframes", "kafka-basics", "batch-vs-stream", "parquet-orc",
            "object-storage-s3",
        ],
        "backend": ["fastapi-grpc", "docker-images", "k8s-workloads", "ml-api-patterns", "load-testing", "redis-caching"],
        "mlops": [
            "mlflow-registry", "airflow-dags", "feature-stores", "drift-monitoring", "great-expectations",
            "openmetadata", "kserve-seldon-bentoml",
        ],
        "system-design": [
            "batch-inference", "online-inference", "streaming-inference", "ab-testing-models", "canary-releases",
            "model-versioning", "scaling-reliability",
        ],
    },
    "ml50": {
        "stages": ["phase-1", "phase-2", "phase-3"],
        "pages": ["method", "what-mle-does"],
        "3b1b": [
            "nn-what-is", "nn-gradient-descent", "nn-backprop", "nn-backprop-calculus", "nn-llm-brief",
            "nn-transformers", "nn-attention", "nn-mlp-facts", "nn-diffusion",
        ],
        "zero-to-hero": [
            "zth-micrograd", "zth-makemore", "zth-mlp", "zth-batchnorm", "zth-backprop-ninja", "zth-wavenet",
            "zth-gpt", "zth-tokenizer",
        ],
        "bonus": ["llm-intro", "llm-deep-dive"],
    },
    "dmia": {
        "stages": [f"week-{n}" for n in range(1, 10)],
        "pages": ["requirements", "outcomes", "grading"],
        "w1": ["industry-overview", "mlops-intro", "code-practices"],
        "w2": ["sysadmin", "python-envs", "flask-rest"],
        "w3": ["git-versioning", "docker", "model-deploy"],
        "w4": ["data-versioning", "cloud-servers", "ml-testing"],
        "w5": ["ml-architecture", "ml-pipelines"],
        "w6": ["reproducibility", "monitoring"],
        "w7": ["cicd"],
        "w8": ["course-wrapup", "mle-growth"],
        "w9": ["hat-bot", "battle-test"],
    },
    "mlops": {
        "stages": [f"class-{n}" for n in range(1, 8)],
        "c1": ["mlops-basics", "ml-infra", "system-design", "gh-actions-cicd", "hw1-design"],
        "c2": ["git-flows", "deps-cicd", "docker-compose", "container-build", "hw2-container"],
        "c3": ["training-data", "dataset-versions", "clearml-dataset", "hw3-labeling"],
        "c4": ["repro-experiment", "pipeline-stages", "script-training", "hw4-scripts"],
        "c5": ["orchestration", "airflow-clearml", "pipeline-build", "hw5-pipeline"],
        "c6": ["inference-ways", "triton-serving", "hw6-serving"],
        "c7": ["pipeline-triggers", "perf-monitoring", "hw7-triggers"],
        "final-project": ["fp-git", "fp-feature-store", "fp-train-pipeline", "fp-inference-mon", "fp-triggers"],
    },
    "architect": {
        "stages": ["step-1", "step-2", "step-3", "step-4", "step-5"],
        "pages": ["role", "lead-vs-architect", "levels"],
        "diagrams": ["c4-model", "uml-for-ml", "c4-tfx"],
        "adr": ["adr-basics", "adr-journal", "case-analysis"],
        "hybrid": ["model-serving", "es-logging", "docker-k8s", "tradeoffs", "hybrid-project"],
        "adjacent": ["ml-cicd", "streaming", "adjacent-lab"],
        "code-review": ["review-mindset", "failure-recovery", "review-practice"],
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(PROJECT_ROOT / "content")


@pytest.mark.parametrize("track_id", sorted(EXPECTED))
def test_every_seed_item_exists(catalog: Catalog, track_id: str) -> None:
    track = catalog.track(track_id)
    assert track is not None
    expected = EXPECTED[track_id]
    assert [s.id for s in track.stages] == expected["stages"]
    assert [p.id for p in track.pages][: len(expected.get("pages", []))] == expected.get("pages", [])
    modules = {m.id: [t.id for t in m.topics] for m in track.modules}
    for module_id, topic_ids in expected.items():
        if module_id in ("stages", "pages"):
            continue
        assert module_id in modules, module_id
        missing = set(topic_ids) - set(modules[module_id])
        assert not missing, f"{track_id}/{module_id} lacks {missing}"


def test_stage_durations_follow_the_seeds(catalog: Catalog) -> None:
    mle = catalog.track("mle")
    assert mle is not None
    months = [(s.weeks_min, s.weeks_max) for s in mle.stages]
    # 1–2, 3, 3–4, 3–6 months, ongoing
    assert months == [(4, 9), (13, 13), (13, 17), (13, 26), (None, None)]
    dmia = catalog.track("dmia")
    assert dmia is not None and all(s.planned_weeks == 1 for s in dmia.stages)


def test_every_video_of_the_50_hour_track_has_two_passes_and_its_link(catalog: Catalog) -> None:
    for ref in catalog.plan("ml50"):
        assert [p.id for p in ref.topic.passes] == ["watch", "active"], ref.topic.id
        assert any(r.kind == "video" for r in ref.topic.resources), ref.topic.id


# Every link the seeds give (the 50-hour track's videos and DMIA's entry competition), without the scheme.
SEED_URLS = {
    "kaggle.com/t/4b03db9d284240efb8c337d11c91dd30",
    "youtu.be/P6sfmUTpUmc", "youtu.be/PaCmpygFfXo", "youtu.be/TCH_1BHY58I", "youtu.be/VMj-3S1tku0",
    "youtu.be/q8SA3rM6ckI", "youtu.be/t3YJ5hKiMQ0", "youtu.be/zduSFxRajkE",
    "youtube.com/watch?v=7xTGNNLPyMI", "youtube.com/watch?v=9-Jl0dxWQs8", "youtube.com/watch?v=IHZwWFHWa-w",
    "youtube.com/watch?v=Ilg3gGewQ5U", "youtube.com/watch?v=LPZh9BOjkQs", "youtube.com/watch?v=aircAruvnKk",
    "youtube.com/watch?v=eMlx5fFNoYc", "youtube.com/watch?v=iv-5mZ_9CPY", "youtube.com/watch?v=kCc8FmEb1nY",
    "youtube.com/watch?v=tIeHLnjs5U8", "youtube.com/watch?v=wjZofJX0v4M", "youtube.com/watch?v=zjkBMFhNj_g",
}  # fmt: skip
_SEED_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:youtu\.be|youtube\.com|kaggle\.com)/[^\s)\"|]+")


def _normal(url: str) -> str:
    url = re.sub(r"^https?://", "", url.rstrip("/.,"))
    return re.sub(r"^www\.", "", url)


def test_every_seed_url_is_in_the_content(catalog: Catalog) -> None:
    content_urls = {
        _normal(str(r.url))
        for t in catalog.tracks
        for m in t.modules
        for tp in m.topics
        for r in tp.resources
    }
    assert not SEED_URLS - content_urls


@pytest.mark.skipif(not SEEDS.is_dir(), reason="checks SEED_URLS against ../shared/seeds, present in CI")
def test_the_list_of_seed_urls_is_complete() -> None:
    in_seeds = {
        _normal(u)
        for seed in SEEDS.glob("*.txt")
        for u in _SEED_LINK.findall(seed.read_text(encoding="utf-8"))
    }
    assert in_seeds == SEED_URLS


def test_quiz_bank_size_and_coverage(catalog: Catalog) -> None:
    counts = catalog.counts()
    assert counts["questions"] >= 250
    for track in catalog.tracks:
        for module in track.modules:
            for topic in module.topics:
                if len(topic.quiz) < 4:
                    # Only homework and project checklists are exempt: there is nothing in them to quiz.
                    assert topic.checklist, f"{track.id}/{topic.id} has {len(topic.quiz)} questions"


def test_every_url_is_well_formed_https(catalog: Catalog) -> None:
    for track in catalog.tracks:
        for module in track.modules:
            for topic in module.topics:
                for resource in topic.resources:
                    url = str(resource.url)
                    assert url.startswith("https://") and " " not in url and "." in (resource.url.host or "")


def test_summary_line_counts(catalog: Catalog) -> None:
    counts = catalog.counts()
    assert counts["tracks"] == 5
    assert Path(PROJECT_ROOT / "content").is_dir()
