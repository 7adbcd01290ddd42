"""Distributed crawling on Redis (issue 7, parts 5–6).

The unit of distribution is one site crawl (one `Crawl` row): `queue.JobQueue` is a reliable
Redis queue with leases, `worker.run_worker` crawls claimed sites with the normal `PortalSpider`,
`hostlimit.RedisHostLimitMiddleware` caps concurrent requests per host across all workers, and
`coordinator` seeds a run and waits for it. See docs/architecture.md, "Distributed crawling".
"""
