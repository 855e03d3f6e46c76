# sEDF meets every deadline at 95% reserved load.
#
# Three periodic real-time tasks, each reserving exactly the CPU one job
# needs per period, and a batch job with a 20% reservation that may also
# use the remaining 5% as extra time: 20 + 30 + 25 + 20 = 95%. Expect zero
# job misses and zero sEDF misses; rr is run beside it, and misses.
#
#   hv-schedsim --svg sedf.svg --csv sedf.csv examples/sched/sedf-95.wl

cpus 1
duration 2s
policy sedf extra_quantum=500us
policy rr slice=10ms

entity audio    period=5ms  burst=1ms    sedf.period=5ms  sedf.slice=1ms
entity video    period=40ms burst=12ms   sedf.period=40ms sedf.slice=12ms
entity control  period=10ms burst=2500us sedf.period=10ms sedf.slice=2500us
entity batch    sedf.period=100ms sedf.slice=20ms sedf.extra=on sedf.weight=1
