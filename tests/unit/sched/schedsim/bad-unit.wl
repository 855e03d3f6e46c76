# expect: 2: duration: '5min' is not a time
duration 5min
entity a
