# expect: 3: entity a: burst= needs sleep= or period=
duration 1s
entity a burst=1ms
