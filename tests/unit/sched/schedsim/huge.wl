# expect: 2: duration: '99999999999999999999s' is too large
duration 99999999999999999999s
entity a
