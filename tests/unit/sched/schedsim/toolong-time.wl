# expect: 2: duration: '100000s' is too large
duration 100000s
entity a
