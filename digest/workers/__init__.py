"""The extraction workers: the process pool, the fork server's preload, a worker's task."""
