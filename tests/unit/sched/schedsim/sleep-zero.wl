# expect: 3: sleep: must be > 0
duration 1s
entity a burst=1ms sleep=0ms
