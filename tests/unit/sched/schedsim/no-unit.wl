# expect: 2: duration: '100' is not a time
duration 100
entity a
