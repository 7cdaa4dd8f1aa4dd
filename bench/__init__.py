"""pressfeed's benchmark: ``python bench/run.py`` (see docs/benchmarks.md).

data      the generated world: sections, agencies, a Korean corpus, stores, exports, feeds
floors    the fair floors: the same work with the bare libraries
server    agency feeds over HTTP on loopback, with latency, ETag and 304
measure   child processes, CPU over the process tree, peak memory, interleaved repetitions
tasks     the measured work, one task per child process
figures   which work is measured against which floor, and the targets
report    the table, the machine, the JSON
run       the command line
"""
