# expect: 3: entity a: period= and sleep= exclude each other
duration 1s
entity a burst=1ms sleep=1ms period=5ms
