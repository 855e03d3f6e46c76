# BVT's warp gives an interactive task low wake-to-run latency.
#
# Two CPU hogs and two identical interactive tasks (1 ms of work every
# 20 ms). Only ui_warp may warp: its wakes preempt the hogs at once, while
# ui_plain waits up to a context-switch allowance. Round-robin is run side
# by side for comparison (its latency grows with the number of hogs).
#
#   hv-schedsim --svg warp.svg --csv warp.csv examples/sched/bvt-warp.wl

cpus 1
duration 2s
policy rr slice=10ms
policy bvt ctx_allow=5ms mcu=100us

entity hog1
entity hog2
entity ui_warp   arrival=1ms burst=1ms sleep=19ms bvt.warp=on bvt.warp_value=2000 bvt.warpl=5ms bvt.warpu=50ms
entity ui_plain  arrival=3ms burst=1ms sleep=19ms
