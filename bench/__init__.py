"""Benchmarks for Townhall (`make bench`). Importable as `bench` so granian can load
`bench.settings` and `bench.urls`; nothing in `src/` imports it."""
