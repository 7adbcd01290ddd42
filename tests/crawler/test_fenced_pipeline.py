"""A site-mode worker's crawls write through `FencedStorePipeline`, registered the Scrapy way: the worker's
settings name it in ITEM_PIPELINES at the store pipeline's order, and without a lease token it opts out
(`NotConfigured`). The plain store pipeline knows nothing of fences."""

from __future__ import annotations

from pathlib import Path

from scrapy.pipelines import ItemPipelineManager
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler

from crawler.distributed import fence
from crawler.distributed.queue import Job
from crawler.distributed.worker import Worker, WorkerOptions
from crawler.pipelines import StorePipeline
from crawler.settings import build_settings


def _pipelines(db_url: str, token: str | None) -> list[object]:
    settings = {"ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": None, fence.PIPELINE: 300},
                "XXGK_DB_URL": db_url, **({fence.SETTING: token} if token else {})}
    return list(ItemPipelineManager.from_crawler(get_crawler(Spider, settings)).middlewares)


def test_worker_settings_put_the_fenced_pipeline_in_the_store_pipelines_place(tmp_path: Path) -> None:
    worker = Worker("redis://127.0.0.1:9/0", f"sqlite:///{tmp_path / 'w.sqlite'}", WorkerOptions())
    pipes = worker.settings_for(Job(1, 1, 1, "http://127.0.0.1:9/"), {})["ITEM_PIPELINES"]
    order = build_settings({})["ITEM_PIPELINES"]["crawler.pipelines.StorePipeline"]
    assert pipes == {"crawler.pipelines.StorePipeline": None, fence.PIPELINE: order}


def test_fenced_pipeline_is_enabled_only_with_a_lease_token(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'f.sqlite'}"
    enabled = _pipelines(db_url, "attempt-a")
    assert [type(p) for p in enabled] == [fence.FencedStorePipeline]
    assert _pipelines(db_url, None) == []  # not a worker's crawl: the pipeline opts out


def test_store_pipeline_knows_nothing_of_fences() -> None:
    source = Path(StorePipeline.__module__.replace(".", "/") + ".py")
    text = (Path(__file__).resolve().parents[2] / source).read_text(encoding="utf-8")
    assert "distributed" not in "".join(line for line in text.splitlines() if line.startswith(("import", "from")))
