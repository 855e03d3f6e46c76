# Two CPUs, each its own scheduler instance; BVT weights on both.
# cpu0: shares 2:1 by mcu_advance 10 vs 20; cpu1: a warped interactive
# task beside a hog.
cpus 2
duration 1s
policy bvt

entity heavy  cpu=0 bvt.advance=10
entity light  cpu=0 bvt.advance=20
entity hog    cpu=1
entity ui     cpu=1 burst=2ms sleep=8ms bvt.warp=on bvt.warp_value=1000 bvt.warpl=4ms bvt.warpu=20ms
