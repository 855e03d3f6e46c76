# expect: 3: 'burst' is not key=value
duration 1s
entity a burst
