"""Distributed crawling on Redis.

Request mode (default): `rqueue.RequestQueue` is a reliable, host-aware Redis request queue;
`rworker.run_request_worker` runs one Scrapy engine whose scrapy-redis scheduler
(`rscheduler.RequestScheduler`) pops requests of any crawl; each crawl's spider state is shared in
Redis (`crawlstate`, `rspider.SharedPortalSpider`) and its rows are written idempotently (`rwriter`).
Site mode: `queue.JobQueue` leases whole site crawls to `worker.run_worker`, which crawls each with the
normal `PortalSpider`, writing through `fence.FencedStorePipeline`. Both: `hostlimit.RedisHostLimitMiddleware`
caps concurrent requests per host across all workers; `coordinator` seeds a run and waits for it. See
docs/architecture.md, "Distributed crawling".
"""
