# expect: 3: bvt.warp: 'maybe' is not on/off
duration 1s
entity a bvt.warp=maybe
