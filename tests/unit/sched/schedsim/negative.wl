# expect: 3: sleep: '-1ms' is not a time
duration 1s
entity a burst=1ms sleep=-1ms
